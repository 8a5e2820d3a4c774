"""The research library: files read into documents, documents cut into evidence chunks (PII
redacted), ingest into the store and the index, and researchers' corrections of the analysis."""

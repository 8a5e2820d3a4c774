"""What the system knows: research documents, evidence chunks, embeddings, the index, search."""

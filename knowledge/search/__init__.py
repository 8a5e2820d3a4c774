"""Finding evidence: embeddings, the Chroma index, dense and lexical retrieval fused, the filters
that scope a search, and the library that opens store, embedder and index together."""

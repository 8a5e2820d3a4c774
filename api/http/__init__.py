"""The HTTP API (FastAPI), started by ``cjm serve``."""

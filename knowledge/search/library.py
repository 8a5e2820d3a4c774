"""The research library: the store, the embedder and the index, opened together."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from knowledge.platform.settings import Settings
from knowledge.search.embeddings import CachedEmbedder, Embedder, make_embedder
from knowledge.search.index import EvidenceIndex, make_client
from knowledge.store import Database


class Library:
    """Everything ingest, reindex and search need; parts are opened on first use."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._chroma: Any = None

    @cached_property
    def db(self) -> Database:
        return Database(self.settings)

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or make_embedder(self.settings)

    @cached_property
    def cached_embedder(self) -> CachedEmbedder:
        return CachedEmbedder(self.embedder, self.db, self.settings.embed_batch_size)

    @property
    def chroma(self) -> Any:
        """The Chroma client (embedded, or the server of ``CJM_CHROMA_URL``), opened on first
        use."""
        if self._chroma is None:
            self._chroma = make_client(self.settings)
        return self._chroma

    @cached_property
    def index(self) -> EvidenceIndex:
        return EvidenceIndex(self.chroma, self.embedder.id, self.embedder.dim)

    def close(self) -> None:
        if "db" in self.__dict__:
            self.db.dispose()
        if self._chroma is not None and hasattr(self._chroma, "close"):
            # chromadb's HTTP client (and its admin client) keep httpx sessions that its own
            # close() leaves open
            for owner in (self._chroma, getattr(self._chroma, "_admin_client", None)):
                session = getattr(getattr(owner, "_server", None), "_session", None)
                if session is not None and hasattr(session, "close"):
                    session.close()
            self._chroma.close()
            self._chroma = None
            self.__dict__.pop("index", None)

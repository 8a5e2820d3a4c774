"""The Chroma index of evidence vectors: embedded ``PersistentClient`` under CJM_HOME, or a
Chroma server (``HttpClient``) when ``CJM_CHROMA_URL`` is set.

Vectors always come from our embedder; collections are created with no embedding function, so
Chroma's default (English-only, downloaded at run time) is never used. The collection records the
embedder that filled it and refuses vectors from another one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import numpy as np

from knowledge.embeddings import Vectors
from knowledge.errors import EmbedderMismatchError
from knowledge.settings import Settings

COLLECTION = "evidence"


def make_client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.ensure_home()
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class EvidenceIndex:
    """Dense index of evidence chunks with filterable metadata."""

    def __init__(self, client: Any, embedder_id: str, dim: int) -> None:
        self.client = client
        self.embedder_id = embedder_id
        self.dim = dim
        self._collection: Any = None

    def _create(self) -> Any:
        return self.client.get_or_create_collection(
            COLLECTION,
            embedding_function=None,
            metadata={"embedder": self.embedder_id, "dim": self.dim},
            configuration={"hnsw": {"space": "cosine", "ef_search": 200}},
        )

    @property
    def collection(self) -> Any:
        if self._collection is None:
            collection = self._create()
            built_by = (collection.metadata or {}).get("embedder")
            if built_by != self.embedder_id:
                raise EmbedderMismatchError(str(built_by), self.embedder_id)
            self._collection = collection
        return self._collection

    def reset(self) -> None:
        """Drop the collection and start an empty one for the configured embedder."""
        try:
            self.client.delete_collection(COLLECTION)
        except Exception:  # noqa: BLE001,S110 - absent collection: nothing to drop
            pass
        self._collection = None
        self._collection = self._create()

    def upsert(
        self, ids: Sequence[str], vectors: Vectors, metadatas: Sequence[dict[str, Any]]
    ) -> None:
        step = 2000
        for i in range(0, len(ids), step):
            self.collection.upsert(
                ids=list(ids[i : i + step]),
                embeddings=np.asarray(vectors[i : i + step], dtype=np.float32),
                metadatas=list(metadatas[i : i + step]),
            )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def count(self) -> int:
        return int(self.collection.count())

    def query(
        self, vector: Vectors, k: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest chunks that match ``where``."""
        n = self.count()
        if n == 0:
            return []
        result = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(k, n),
            where=where or None,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def existing(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 2000):
            got = self.collection.get(ids=list(ids[i : i + 2000]), include=[])
            found.update(got["ids"])
        return found

"""The Chroma index of evidence vectors: embedded ``PersistentClient`` under CJM_HOME, or a
Chroma server (``HttpClient``) when ``CJM_CHROMA_URL`` is set.

One collection per workspace and language (``ev-<workspace hash>-<lang>``): search asks each
language separately (see ``knowledge.search.dense``)
and a collection per language answers that without
a metadata pre-filter. Vectors always come from our embedder; collections are created with no
embedding function, so Chroma's default (English-only, downloaded at run time) is never used.
Each collection records the embedder that filled it and refuses vectors from another one.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import numpy as np

from knowledge.platform.errors import EmbedderMismatchError
from knowledge.platform.settings import Settings
from knowledge.search.embedder_ids import same_embedder
from knowledge.search.embeddings import Vectors

PREFIX = "ev-"


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


def collection_name(workspace: str, lang: str) -> str:
    digest = hashlib.sha256(workspace.encode("utf-8")).hexdigest()[:16]
    return f"{PREFIX}{digest}-{lang}"


class EvidenceIndex:
    """Dense index of evidence chunks with filterable metadata."""

    def __init__(self, client: Any, embedder_id: str, dim: int) -> None:
        self.client = client
        self.embedder_id = embedder_id
        self.dim = dim
        self._collections: dict[str, Any] = {}

    def _collection(self, workspace: str, lang: str, create: bool) -> Any | None:
        name = collection_name(workspace, lang)
        if name in self._collections:
            return self._collections[name]
        if create:
            collection = self.client.get_or_create_collection(
                name,
                embedding_function=None,
                metadata={
                    "embedder": self.embedder_id,
                    "dim": self.dim,
                    "workspace": workspace,
                    "lang": lang,
                },
                configuration={"hnsw": {"space": "cosine", "ef_search": 200}},
            )
        else:
            try:
                collection = self.client.get_collection(name, embedding_function=None)
            except Exception:  # noqa: BLE001 - chroma raises NotFoundError / ValueError by version
                return None
        built_by = (collection.metadata or {}).get("embedder")
        if not same_embedder(self.embedder_id, str(built_by)):
            raise EmbedderMismatchError(str(built_by), self.embedder_id)
        self._collections[name] = collection
        return collection

    def _names(self) -> list[str]:
        names = []
        for c in self.client.list_collections():
            name = c if isinstance(c, str) else c.name
            if name.startswith(PREFIX):
                names.append(name)
        return names

    def check_embedder(self) -> None:
        """Raise ``EmbedderMismatchError`` if any collection was built by another embedder."""
        for name in self._names():
            metadata = self.client.get_collection(name, embedding_function=None).metadata or {}
            if not same_embedder(self.embedder_id, str(metadata.get("embedder"))):
                raise EmbedderMismatchError(str(metadata.get("embedder")), self.embedder_id)

    def reset(self) -> None:
        """Drop every evidence collection (``cjm reindex`` then fills new ones)."""
        for name in self._names():
            self.client.delete_collection(name)
        self._collections.clear()

    def upsert(
        self, ids: Sequence[str], vectors: Vectors, metadatas: Sequence[dict[str, Any]]
    ) -> None:
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, meta in enumerate(metadatas):
            groups[(meta["workspace"], meta["lang"])].append(i)
        for (workspace, lang), rows in groups.items():
            collection = self._collection(workspace, lang, create=True)
            assert collection is not None
            for start in range(0, len(rows), 2000):
                part = rows[start : start + 2000]
                collection.upsert(
                    ids=[ids[i] for i in part],
                    embeddings=np.asarray(vectors[part], dtype=np.float32),
                    metadatas=[metadatas[i] for i in part],
                )

    def count(self, workspace: str | None = None) -> int:
        total = 0
        for name in self._names():
            collection = self.client.get_collection(name, embedding_function=None)
            if workspace is None or (collection.metadata or {}).get("workspace") == workspace:
                total += int(collection.count())
        return total

    def query(
        self,
        workspace: str,
        lang: str,
        vector: Vectors,
        k: int,
        where: dict[str, Any] | None,
        size: int | None = None,
    ) -> tuple[list[str], Vectors]:
        """Ids and stored vectors of the ``k`` chunks of one language nearest to ``vector``;
        ``size`` is the collection's size when the caller knows it (saves a round trip)."""
        collection = self._collection(workspace, lang, create=False)
        if collection is None:
            return [], np.zeros((0, self.dim), dtype=np.float32)
        n = int(collection.count()) if size is None else size
        if n == 0:
            return [], np.zeros((0, self.dim), dtype=np.float32)
        result = collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(k, n),
            where=where or None,
            include=["embeddings"],
        )
        ids = list(result["ids"][0])
        embeddings = result["embeddings"][0] if result["embeddings"] is not None else []
        vectors = np.asarray(embeddings, dtype=np.float32).reshape(len(ids), self.dim)
        return ids, vectors

    def vectors(self, workspace: str, lang: str) -> tuple[list[str], Vectors]:
        """Every id and stored vector of one language (for exact search)."""
        collection = self._collection(workspace, lang, create=False)
        ids: list[str] = []
        parts: list[Vectors] = [np.zeros((0, self.dim), dtype=np.float32)]
        if collection is None:
            return ids, parts[0]
        page = 5000
        for offset in range(0, int(collection.count()), page):
            got = collection.get(include=["embeddings"], limit=page, offset=offset)
            ids.extend(got["ids"])
            embeddings = got["embeddings"] if got["embeddings"] is not None else []
            parts.append(np.asarray(embeddings, dtype=np.float32).reshape(-1, self.dim))
        return ids, np.concatenate(parts)

    def existing(self, keys: Sequence[tuple[str, str, str]]) -> set[str]:
        """Which of the (workspace, lang, chunk id) entries the index holds."""
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for workspace, lang, cid in keys:
            groups[(workspace, lang)].append(cid)
        found: set[str] = set()
        for (workspace, lang), ids in groups.items():
            collection = self._collection(workspace, lang, create=False)
            if collection is None:
                continue
            for start in range(0, len(ids), 5000):
                got = collection.get(ids=ids[start : start + 5000], include=[])
                found.update(got["ids"])
        return found

"""Cross-lingual retrieval over map elements and the evidence behind them, in one embedding
space. Element and evidence vectors go through the store's embedding cache: a map's elements
are embedded when its version is stored (``generator.qa.vectors``), evidence vectors come from
ingest. Elements not embedded yet (maps stored before, another embedder) are embedded here,
with a progress line, since that can take minutes for many maps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from generator.qa.elements import Element
from knowledge.search.embeddings import CachedEmbedder, text_hash
from knowledge.search.library import Library
from knowledge.store import ChunkRow


@dataclass(frozen=True)
class EvidenceText:
    id: str
    text: str
    lang: str
    kind: str


def embedded_text(e: Element, quotes: bool = True) -> str:
    """An element's words, and (by default) its verbatim quotes: the customers' own words
    carry the meaning across languages better than a short title (bench.qa)."""
    words = e.text or e.title
    if quotes and e.evidence:
        words += " · " + " · ".join(r.quote for r in e.evidence)
    return words


ASKING = "embedding {n} map elements not embedded yet (once; later questions reuse them)"


def embed_elements(
    cache: CachedEmbedder,
    texts: list[str],
    progress: Callable[[str], None] | None = None,
    announce: str = ASKING,
) -> np.ndarray:
    """Vectors of element texts through the cache; when some must be computed, says how many
    (``announce``) and how far it is."""
    if not texts:
        return np.zeros((0, cache.dim), dtype=np.float32)
    todo = {"missing": 0, "done": 0, "started": False}

    def on_batch(n: int) -> None:
        if progress is None:
            return
        if not todo["started"]:
            todo["started"] = True
            todo["missing"] = len(texts) - n
            if todo["missing"]:
                progress(announce.replace("{n}", str(todo["missing"])))
            return
        todo["done"] += n
        progress(f"embedded {todo['done']}/{todo['missing']} map elements")

    return cache.embed(texts, [text_hash(t) for t in texts], on_batch)


class ElementIndex:
    def __init__(
        self,
        library: Library,
        elements: list[Element],
        quotes: bool = True,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.library = library
        self.elements = elements
        texts = [embedded_text(e, quotes) for e in elements]
        self.vectors = embed_elements(library.cached_embedder, texts, progress)

    def query_vector(self, question: str) -> np.ndarray:
        return np.asarray(self.library.embedder.embed_query(question), dtype=np.float32).reshape(-1)

    def search(self, question: str, k: int = 8, kinds: set[str] | None = None) -> list[Element]:
        if not self.elements:
            return []
        scores = self.vectors @ self.query_vector(question)
        order = np.argsort(-scores)
        out = [self.elements[i] for i in order if kinds is None or self.elements[i].kind in kinds]
        return out[:k]

    def similarity(self, a: Element, b: Element) -> float:
        ia, ib = self.elements.index(a), self.elements.index(b)
        return float(self.vectors[ia] @ self.vectors[ib])

    def evidence(self, question: str, elements: list[Element], k: int = 8) -> list[EvidenceText]:
        """The evidence behind ``elements``, most relevant to the question first."""
        ids = list(dict.fromkeys(r.evidence_id for e in elements for r in e.evidence))
        if not ids:
            return []
        with self.library.db.session() as s:
            rows = s.execute(
                select(
                    ChunkRow.id,
                    ChunkRow.text,
                    ChunkRow.lang,
                    ChunkRow.kind,
                    ChunkRow.search_text,
                    ChunkRow.text_hash,
                ).where(ChunkRow.id.in_(ids))
            ).all()
        found = [EvidenceText(r.id, r.text, r.lang, r.kind) for r in rows]
        if not found:
            return []
        # the vectors ingest stored (keyed by the content text's hash)
        vectors = self.library.cached_embedder.embed_evidence(
            [r.search_text for r in rows], [r.text_hash for r in rows]
        )
        scores = vectors @ self.query_vector(question)
        return [found[i] for i in np.argsort(-scores)[:k]]

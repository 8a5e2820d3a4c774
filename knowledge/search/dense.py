"""Language-centred dense retrieval.

multilingual-e5 places texts of one language close together whatever they say, so a plain
cosine search returns mostly evidence in the query's own language even when the same complaint
is made in four others. Subtracting each language's mean vector (its centroid) from that
language's evidence, and the mean of those centroids from the query, removes most of that
language signal and leaves the meaning. On the labelled cross-lingual queries of the dev set
this lifts nDCG@10 from 0.28 to about 0.38 (bench/retrieval.py measures it).

Centroids are kept as running sums per workspace and language; a language with few chunks is
centred proportionally less (its mean is shrunk towards zero with weight n / (n + SHRINK)), so a
small workspace is not distorted by a noisy mean. Search then runs in two steps: Chroma returns
each language's nearest chunks to the centred query with their stored vectors, and the pool is
re-scored exactly in centred space, with one round of Rocchio feedback (the query moves towards
the mean of its best hits, which pulls in their paraphrases in other languages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from knowledge.search.embedder_ids import legacy_prefix, same_embedder
from knowledge.search.embeddings import Vectors
from knowledge.store import CentroidRow

SHRINK = 5.0


def normalise(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.where(norms == 0, 1, norms)).astype(np.float32)


def add_to_centroids(
    session: Session, embedder: str, keys: Sequence[tuple[str, str]], vectors: Vectors
) -> None:
    """Add vectors to the per-(workspace, language) sums, inside the caller's transaction."""
    sums: dict[tuple[str, str], tuple[int, npt.NDArray[np.float64]]] = {}
    for key, vector in zip(keys, vectors, strict=True):
        n, total = sums.get(key, (0, np.zeros(vectors.shape[1], dtype=np.float64)))
        sums[key] = (n + 1, total + vector)
    for (workspace, lang), (n, total) in sums.items():
        row = session.get(CentroidRow, (workspace, lang, embedder))
        if row is None:
            session.add(
                CentroidRow(
                    workspace=workspace,
                    lang=lang,
                    embedder=embedder,
                    n=n,
                    total=total.astype(np.float64).tobytes(),
                )
            )
        else:
            previous = np.frombuffer(row.total, dtype=np.float64)
            row.total = (previous + total).tobytes()
            row.n += n


@dataclass(frozen=True)
class LanguageCentroids:
    """Shrunk per-language means of one workspace, and the query-side offset (their mean)."""

    means: dict[str, npt.NDArray[np.float32]]
    counts: dict[str, int]

    @classmethod
    def load(cls, session: Session, workspace: str, embedder: str) -> LanguageCentroids:
        """The centroids of ``embedder``'s vectors, summing the rows an older release kept
        under its id for the same embedder (``embedder_ids.same_embedder``)."""
        means: dict[str, npt.NDArray[np.float32]] = {}
        counts: dict[str, int] = {}
        legacy = legacy_prefix(embedder)
        same = CentroidRow.embedder == embedder
        if legacy is not None:
            same = or_(same, CentroidRow.embedder.startswith(legacy, autoescape=True))
        rows = session.scalars(select(CentroidRow).where(CentroidRow.workspace == workspace, same))
        sums: dict[str, tuple[int, npt.NDArray[np.float64]]] = {}
        for row in rows:
            if row.n <= 0 or not same_embedder(embedder, row.embedder):
                continue
            vector = np.frombuffer(row.total, dtype=np.float64)
            n, total = sums.get(row.lang, (0, np.zeros_like(vector)))
            sums[row.lang] = (n + row.n, total + vector)
        for lang, (n, total) in sums.items():
            weight = n / (n + SHRINK)
            means[lang] = (weight * total / n).astype(np.float32)
            counts[lang] = n
        return cls(means, counts)

    @property
    def languages(self) -> list[str]:
        return sorted(self.means)

    def query_offset(self) -> npt.NDArray[np.float32] | None:
        if not self.means:
            return None
        offset: npt.NDArray[np.float32] = np.mean(
            np.stack(list(self.means.values())), axis=0
        ).astype(np.float32)
        return offset

    def centre_query(self, query: Vectors) -> Vectors:
        offset = self.query_offset()
        return query if offset is None else normalise(query - offset)

    def centre(self, lang: str, vectors: Vectors) -> Vectors:
        mean = self.means.get(lang)
        return vectors if mean is None else normalise(vectors - mean)


def rocchio_scores(query: Vectors, pool: Vectors, k: int, beta: float) -> npt.NDArray[np.float32]:
    """Scores of the pool for the query moved towards the mean of its ``k`` best pool members."""
    scores = pool @ query
    if k <= 0 or beta == 0 or len(pool) == 0:
        return scores.astype(np.float32)
    k = min(k, len(pool))
    top = np.argpartition(-scores, k - 1)[:k]
    moved = normalise(query + beta * pool[top].mean(axis=0))
    return (pool @ moved).astype(np.float32)

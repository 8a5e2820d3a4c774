"""Exact dense search over one language's stored vectors, for languages small enough to hold
in memory (``CJM_EXACT_SEARCH_MAX`` chunks).

Chroma's HNSW graph is approximate and is not built the same way twice: two libraries ingested
from the same files returned different neighbours, and so different search results. A scan
over the vectors has no such freedom: the same vectors give the same ranking, ties broken by
evidence id. Larger languages are still searched through the approximate index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge.dense import normalise
from knowledge.embeddings import Vectors
from knowledge.index import EvidenceIndex


@dataclass(frozen=True)
class ExactVectors:
    ids: list[str]  # in id order
    matrix: Vectors  # unit rows, aligned with ids

    @classmethod
    def load(cls, index: EvidenceIndex, workspace: str, lang: str) -> ExactVectors:
        ids, vectors = index.vectors(workspace, lang)
        order = sorted(range(len(ids)), key=ids.__getitem__)
        return cls([ids[i] for i in order], normalise(vectors[order]))

    def nearest(
        self, query: Vectors, k: int, allowed: npt.NDArray[np.bool_] | None
    ) -> tuple[list[str], Vectors]:
        """The ``k`` allowed rows nearest to ``query`` by cosine, best first, ties by id."""
        rows = np.arange(len(self.ids)) if allowed is None else np.flatnonzero(allowed)
        if len(rows) == 0:
            return [], self.matrix[:0]
        scores = self.matrix[rows] @ normalise(np.asarray(query, dtype=np.float32))
        best = rows[np.lexsort((rows, -scores))[:k]]
        return [self.ids[i] for i in best], self.matrix[best]

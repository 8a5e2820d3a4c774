"""Exact dense search over one language's stored vectors, for languages small enough to hold
in memory (``CJM_EXACT_SEARCH_MAX`` chunks).

Chroma's HNSW graph is approximate and is not built the same way twice: two libraries ingested
from the same files returned different neighbours, and so different search results. A scan
over the vectors has no such freedom: the same vectors give the same ranking, ties broken by
evidence id. Larger languages are still searched through the approximate index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from knowledge.search.dense import normalise
from knowledge.search.embeddings import Vectors
from knowledge.search.index import EvidenceIndex


@dataclass(frozen=True)
class ExactVectors:
    ids: list[str]  # in id order
    matrix: Vectors  # unit rows, aligned with ids
    # the last table rows_in was asked about, kept by reference, and its answer
    _rows: list[tuple[dict[str, int], npt.NDArray[np.int64]]] = field(
        default_factory=list, compare=False
    )

    def rows_in(self, position: dict[str, int]) -> npt.NDArray[np.int64]:
        """Each id's row in another table (``position``), -1 where it has none; the answer for
        the last table asked about is kept (a search asks about the same snapshot each time)."""
        if not self._rows or self._rows[0][0] is not position:
            rows = np.array([position.get(i, -1) for i in self.ids], dtype=np.int64)
            self._rows[:] = [(position, rows)]
        return self._rows[0][1]

    @classmethod
    def load(cls, index: EvidenceIndex, workspace: str, lang: str) -> ExactVectors:
        ids, vectors = index.vectors(workspace, lang)
        order = sorted(range(len(ids)), key=ids.__getitem__)
        return cls([ids[i] for i in order], normalise(vectors[order]))

    def nearest(
        self, query: Vectors, k: int, allowed: npt.NDArray[np.bool_] | None
    ) -> tuple[list[str], Vectors]:
        """The ``k`` allowed rows nearest to ``query`` by cosine, best first, ties by id."""
        q = normalise(np.asarray(query, dtype=np.float32))
        rows = np.arange(len(self.ids)) if allowed is None else np.flatnonzero(allowed)
        matrix = self.matrix if allowed is None else self.matrix[rows]
        # einsum, not BLAS: a BLAS product wakes its thread pool, whose spinning threads then
        # slow the next query's embedding about fourfold (measured on 2 cores)
        scores = np.einsum("ij,j->i", matrix, q)
        if len(rows) == 0:
            return [], self.matrix[:0]
        best = rows[np.lexsort((rows, -scores))[:k]]
        return [self.ids[i] for i in best], self.matrix[best]

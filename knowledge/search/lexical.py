"""Okapi BM25 over the pre-segmented search tokens of a workspace's evidence.

The term-weight matrix is a SciPy CSR matrix (documents x vocabulary), so a query is a sum of a
few columns and filters are a boolean mask: one pass over the vector, no Python loop per document.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

K1 = 1.2
B = 0.75


class BM25Index:
    def __init__(self, ids: Sequence[str], tokenized: Sequence[Sequence[str]]) -> None:
        self.ids = list(ids)
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for r, tokens in enumerate(tokenized):
            for t in tokens:
                cols.append(vocab.setdefault(t, len(vocab)))
                rows.append(r)
        n_docs = len(self.ids)
        tf = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(n_docs, max(1, len(vocab))),
            dtype=np.float32,
        )
        tf.sum_duplicates()
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        avg = float(lengths.mean()) if n_docs else 1.0
        df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float32)
        self.idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        denom_row = K1 * (1 - B + B * lengths / (avg or 1.0))
        data = tf.data
        row_of = np.repeat(np.arange(n_docs), np.diff(tf.indptr))
        weights = data * (K1 + 1) / (data + denom_row[row_of])
        # column-major, so a query term's postings are one contiguous slice
        self.matrix = sparse.csr_matrix(
            (weights.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape
        ).tocsc()
        self.vocab = vocab
        self.terms = list(vocab)
        # rows of idf-weighted term weights, each summing to 1: what a document is "about"
        rows_w = sparse.csr_matrix(self.matrix.multiply(self.idf[None, :]))
        sums = np.asarray(rows_w.sum(axis=1)).ravel()
        self.profiles = sparse.csr_matrix(
            sparse.diags(1.0 / np.where(sums == 0, 1.0, sums)) @ rows_w, dtype=np.float32
        )

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query_tokens: Sequence[str]) -> npt.NDArray[np.float32]:
        """BM25 score of every document for the query (zeros where no term matches)."""
        return self.weighted_scores({t: float(n) for t, n in _counts(query_tokens).items()})

    def weighted_scores(self, weights: dict[str, float]) -> npt.NDArray[np.float32]:
        """BM25 with a weight per query term (feedback queries weigh their terms)."""
        out = np.zeros(len(self.ids), dtype=np.float32)
        for term, count in weights.items():
            col = self.vocab.get(term)
            if col is None:
                continue
            start, end = self.matrix.indptr[col], self.matrix.indptr[col + 1]
            out[self.matrix.indices[start:end]] += (
                self.matrix.data[start:end] * self.idf[col] * count
            )
        return out

    def feedback_query(
        self, query_tokens: Sequence[str], rows: Sequence[int], terms: int, mix: float
    ) -> dict[str, float]:
        """Query weights mixing the query's own terms (share ``1 - mix``) with the ``terms``
        strongest terms of the given documents (share ``mix``), RM3-style."""
        weights: dict[str, float] = {}
        own = _counts(query_tokens)
        total = sum(own.values())
        for t, n in own.items():
            weights[t] = (1 - mix) * n / total
        if rows and mix > 0:
            profile = np.asarray(self.profiles[list(rows)].mean(axis=0)).ravel()
            best = np.argsort(-profile)[:terms]
            best = best[profile[best] > 0]
            z = float(profile[best].sum()) or 1.0
            for col in best:
                term = self.terms[int(col)]
                weights[term] = weights.get(term, 0.0) + mix * float(profile[col]) / z
        return weights

    def top(
        self,
        query: Sequence[str] | dict[str, float],
        k: int,
        mask: npt.NDArray[np.bool_] | None = None,
    ) -> list[tuple[int, float]]:
        scores = self.weighted_scores(query) if isinstance(query, dict) else self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if candidates.size == 0:
            return []
        if candidates.size > k:
            part = np.argpartition(-scores[candidates], k - 1)[:k]
            candidates = candidates[part]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(i), float(scores[i])) for i in order]


def _counts(tokens: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for t in tokens:
        counts[t] = counts.get(t, 0) + 1
    return counts

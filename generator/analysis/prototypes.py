"""Labelled texts in the embedding space: a framework's stage texts, a codebook's code texts.

An item's score for a label is the mean of its ``k`` highest cosine similarities to the label's
texts, computed on the raw vectors and on language-centred ones (``beta`` weights the centred
part: centring lets a Thai item meet a label described in English, raw keeps the topic that a
one-domain corpus would lose by centring).

e5 models are trained asymmetrically and recommend the "query: " side for symmetric uses
(classification), but the store holds "passage: " vectors, and embedding every item a second time
is too slow. The labelled texts are therefore embedded both ways and a ridge-regularised linear
map passage -> query is fitted on them (``SideMap``); items are scored through that map
against the query-side label vectors. Every text vector goes through the store's embedding
cache, so an analysis embeds a framework or codebook once, and the same vectors every time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from generator.analysis.centring import LanguageCentring
from knowledge.search.dense import normalise
from knowledge.search.embeddings import Embedder
from knowledge.text.languages import detect_language

Matrix = npt.NDArray[np.float32]


def knn_scores(
    items: Matrix, texts: Matrix, owner: npt.NDArray[np.int64], n: int, k: int
) -> Matrix:
    """items x n: mean of each item's ``k`` best similarities to the texts of each label."""
    sims = items @ texts.T
    out = np.zeros((len(items), n), dtype=np.float32)
    for label in range(n):
        cols = np.flatnonzero(owner == label)
        if not len(cols):
            out[:, label] = -1.0
            continue
        kk = min(k, len(cols))
        top = -np.sort(-sims[:, cols], axis=1)[:, :kk]
        out[:, label] = top.mean(axis=1)
    return out


class SideMap:
    """Linear map from passage-side to query-side vectors, fitted on texts embedded both ways:
    ``[p - mean_p, 1] @ M ~ q - p`` with a ridge on the linear part."""

    def __init__(self, passages: Matrix, queries: Matrix, ridge: float) -> None:
        mp, mq = passages.mean(axis=0), queries.mean(axis=0)
        x = passages - mp
        y = (queries - mq) - x
        w = np.linalg.solve(x.T @ x + ridge * np.eye(x.shape[1], dtype=np.float32), x.T @ y)
        shift = (mq - mp) - mp @ w
        self.matrix: Matrix = np.vstack([w, shift[None, :]]).astype(np.float32)

    def apply(self, vectors: Matrix) -> Matrix:
        mapped = vectors + vectors @ self.matrix[:-1] + self.matrix[-1]
        out: Matrix = normalise(mapped).astype(np.float32)
        return out


class Prototypes:
    """Texts that describe labels (label ``owner[i]`` for text ``i``), on the query side."""

    def __init__(self, texts: Sequence[str], owner: Sequence[int], n: int, embedder: Embedder):
        self.texts = list(texts)
        self.owner = np.asarray(owner, dtype=np.int64)
        self.n = n
        self.langs = [detect_language(t) for t in self.texts]
        self.queries: Matrix = normalise(embedder.embed_queries(self.texts)).astype(np.float32)
        self._passages: Matrix | None = None
        self._embedder = embedder
        self.centred: Matrix = LanguageCentring(self.queries, self.langs).centre(
            self.queries, self.langs
        )

    @property
    def passages(self) -> Matrix:
        """The texts on the passage side (embedded on first use)."""
        if self._passages is None:
            self._passages = normalise(self._embedder.embed_passages(self.texts)).astype(np.float32)
        return self._passages

    def centred_on(self, side: str, centring: LanguageCentring | None = None) -> Matrix:
        """The texts on ``side``, language-centred as the items they are compared with."""
        texts = self.queries if side == "query" else self.passages
        if centring is not None:
            return centring.centre(texts, self.langs)
        if side == "query":
            return self.centred
        return LanguageCentring(texts, self.langs).centre(texts, self.langs)

    def scores(
        self,
        items: Matrix,
        centred_items: Matrix,
        k: int,
        beta: float,
        side: str = "query",
        centring: LanguageCentring | None = None,
    ) -> tuple[Matrix, Matrix]:
        """(raw + beta x centred, raw) scores, items x labels, against the texts' ``side``
        ("query" or "passage"; ``items`` on the same side). ``centring``: the language means
        the items were centred with, when not their own (see ``ItemSpace``)."""
        texts = self.queries if side == "query" else self.passages
        centred_texts = self.centred_on(side, centring)
        raw = knn_scores(items, texts, self.owner, self.n, k)
        centred = knn_scores(centred_items, centred_texts, self.owner, self.n, k)
        return raw + beta * centred, raw


def texts_centring(groups: Sequence[Prototypes], side: str) -> LanguageCentring:
    """Language means of the labelled texts themselves (every stage, every code), which do not
    depend on what the corpus happens to be about."""
    vectors = np.vstack([g.queries if side == "query" else g.passages for g in groups])
    return LanguageCentring(vectors, [lang for g in groups for lang in g.langs])


def fit_side_map(groups: Sequence[Prototypes], ridge: float) -> SideMap:
    """One passage -> query map fitted on the texts of every group."""
    passages = np.vstack([g.passages for g in groups])
    queries = np.vstack([g.queries for g in groups])
    return SideMap(passages, queries, ridge)


class ItemSpace:
    """An evidence set's vectors on the sides the scorers use: the stored passage vectors, the
    query side through a ``SideMap``, and both language-centred; each computed once.

    Centring removes each language's mean, so that a Thai item meets an English description.
    By default the mean is the corpus's own; a corpus about one thing in one language (only
    Russian food complaints) then loses its topic with the mean. ``reference`` gives per side
    the language means of the labelled texts instead (``texts_centring``), the same for items
    and texts whatever the corpus is about."""

    def __init__(
        self,
        vectors: Matrix,
        langs: Sequence[str],
        side_map: SideMap | None,
        reference: dict[str, LanguageCentring] | None = None,
    ) -> None:
        self.langs = list(langs)
        self.side_map = side_map
        self.reference = reference or {}
        self._cache: dict[str, tuple[Matrix, Matrix]] = {}
        self._passage = vectors

    def side(self, name: str) -> tuple[Matrix, Matrix]:
        """(vectors, language-centred vectors) on side ``name`` ("passage" or "query")."""
        if name not in self._cache:
            if name == "query":
                if self.side_map is None:
                    raise ValueError("the query side needs a side map")
                items = self.side_map.apply(self._passage)
            else:
                items = self._passage
            centring = self.reference.get(name) or LanguageCentring(items, self.langs)
            centred = centring.centre(items, self.langs)
            self._cache[name] = (items, centred)
        return self._cache[name]


SIDES = {"query_map": ("query",), "passage": ("passage",), "both": ("query", "passage")}


def side_scores(
    prototypes: Prototypes, space: ItemSpace, item_side: str, k: int, beta: float
) -> tuple[Matrix, Matrix]:
    """(combined, raw) scores of every item for every label, averaged over the sides asked for
    (``item_side``: "query_map", "passage" or "both")."""
    if item_side not in SIDES:
        raise ValueError(f"item_side must be one of {', '.join(SIDES)}")
    parts = [
        prototypes.scores(*space.side(side), k, beta, side=side, centring=space.reference.get(side))
        for side in SIDES[item_side]
    ]
    combined = sum(c for c, _ in parts) / len(parts)
    raw = sum(r for _, r in parts) / len(parts)
    return np.asarray(combined, dtype=np.float32), np.asarray(raw, dtype=np.float32)

"""Offline stage assignment: every evidence item to a stage of the framework, with a confidence.

Score of an item for a stage = mean of its 3 highest cosine similarities to the stage's texts
(names, descriptions, examples), computed twice — on the raw vectors and on language-centred
vectors — and summed with weight ``beta`` for the centred part (centring helps languages whose
examples are few, raw keeps the topic that a one-domain corpus would lose by centring). Scores
become probabilities by a softmax whose temperature is the items' typical spread of scores, and
the stage mix of each language is re-estimated from the corpus itself (a few EM steps on the
class prior), so a corpus that is mostly about food is allowed to be mostly "food quality".
An item whose best raw similarity is below ``none_below`` fits no stage ("none").

e5 models are trained asymmetrically and recommend the "query: " side for symmetric uses
(classification, clustering), but the store holds "passage: " vectors, and embedding every item
a second time is too slow. With ``item_side="query_map"`` the framework's own texts are
embedded both ways and a ridge-regularised linear map passage -> query (``map_ridge``) is fitted
on them; items are scored through that map against the query-side framework vectors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from generator.analysis.centring import LanguageCentring
from generator.analysis.evidence import EvidenceSet
from knowledge.dense import normalise
from knowledge.embeddings import Embedder
from knowledge.journey.frameworks import NONE_STAGE, StageFramework
from knowledge.languages import detect_language

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class StageParams:
    k: int = 3
    beta: float = 0.5
    tau: float = 1.1
    em_iters: int = 3
    prior_power: float = 1.0
    min_group: int = 30
    none_below: float = 0.78
    text_side: str = "query"  # embed framework texts as e5 "query" or "passage"
    item_side: str = "query_map"  # "passage" (stored vectors) or "query_map" (see module doc)
    map_ridge: float = 0.1

    def describe(self) -> list[str]:
        return [
            f"stage.k={self.k}",
            f"stage.beta={self.beta}",
            f"stage.tau={self.tau}",
            f"stage.em_iters={self.em_iters}",
            f"stage.none_below={self.none_below}",
            f"stage.text_side={self.text_side}",
            f"stage.item_side={self.item_side}",
            f"stage.map_ridge={self.map_ridge}",
        ]


def _knn_scores(
    items: Matrix, texts: Matrix, owner: npt.NDArray[np.int64], n: int, k: int
) -> Matrix:
    sims = items @ texts.T
    out = np.zeros((len(items), n), dtype=np.float32)
    for s in range(n):
        cols = np.flatnonzero(owner == s)
        kk = min(k, len(cols))
        top = -np.sort(-sims[:, cols], axis=1)[:, :kk]
        out[:, s] = top.mean(axis=1)
    return out


def fit_side_map(passages: Matrix, queries: Matrix, ridge: float) -> Matrix:
    """(d+1) x d matrix M with [p - mean_p, 1] @ M ~ q - p (ridge on the linear part)."""
    mp, mq = passages.mean(axis=0), queries.mean(axis=0)
    x = passages - mp
    y = (queries - mq) - x
    w = np.linalg.solve(x.T @ x + ridge * np.eye(x.shape[1], dtype=np.float32), x.T @ y)
    shift = (mq - mp) - mp @ w
    out: Matrix = np.vstack([w, shift[None, :]]).astype(np.float32)
    return out


def apply_side_map(vectors: Matrix, side_map: Matrix) -> Matrix:
    mapped = vectors + vectors @ side_map[:-1] + side_map[-1]
    out: Matrix = normalise(mapped).astype(np.float32)
    return out


def softmax(scores: Matrix, temperature: float) -> Matrix:
    z = scores / max(temperature, 1e-6)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: Matrix = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def prior_em(scores: Matrix, temperature: float, iters: int, power: float = 1.0) -> Matrix:
    """Posteriors after re-estimating the class prior on the unlabelled items; ``power`` < 1
    trusts the estimated prior only partly."""
    base = softmax(scores, temperature)
    prior = np.full(scores.shape[1], 1.0 / scores.shape[1], dtype=np.float32)
    for _ in range(iters):
        post = base * prior
        post /= post.sum(axis=1, keepdims=True)
        prior = np.clip(post.mean(axis=0), 1e-4, None)
        prior /= prior.sum()
    post = base * prior**power
    result: Matrix = (post / post.sum(axis=1, keepdims=True)).astype(np.float32)
    return result


class StageClassifier:
    def __init__(
        self, framework: StageFramework, embedder: Embedder, params: StageParams | None = None
    ) -> None:
        self.framework = framework
        self.params = params or StageParams()
        texts: list[str] = []
        owner: list[int] = []
        for s, stage in enumerate(framework.stages):
            for text in [*stage.names.values(), *stage.texts()]:
                texts.append(text)
                owner.append(s)
        self.texts = texts
        self.owner = np.asarray(owner, dtype=np.int64)
        self.text_langs = [detect_language(t) for t in texts]
        passages = queries = None
        if self.params.text_side == "passage" or self.params.item_side == "query_map":
            passages = embedder.embed_passages(texts).astype(np.float32)
        if self.params.text_side == "query" or self.params.item_side == "query_map":
            queries = embedder.embed_queries(texts).astype(np.float32)
        vectors = passages if self.params.text_side == "passage" else queries
        assert vectors is not None
        self.vectors: Matrix = vectors
        self.side_map: Matrix | None = None
        if self.params.item_side == "query_map":
            assert passages is not None and queries is not None
            self.side_map = fit_side_map(
                normalise(passages), normalise(queries), self.params.map_ridge
            )

    def scores(self, evidence: EvidenceSet) -> tuple[Matrix, Matrix]:
        """(combined scores, raw scores), items x stages."""
        langs = [e.lang for e in evidence.items]
        n = len(self.framework.stages)
        items = evidence.vectors
        if self.side_map is not None:
            items = apply_side_map(items, self.side_map)
        raw = _knn_scores(items, normalise(self.vectors), self.owner, n, self.params.k)
        items_c = LanguageCentring(items, langs).centre(items, langs)
        texts_c = LanguageCentring(self.vectors, self.text_langs).centre(
            self.vectors, self.text_langs
        )
        centred = _knn_scores(items_c, texts_c, self.owner, n, self.params.k)
        return raw + self.params.beta * centred, raw

    def assign(self, evidence: EvidenceSet) -> list[tuple[str, float]]:
        combined, raw = self.scores(evidence)
        p = self.params
        ids = self.framework.stage_ids
        out: list[tuple[str, float]] = [(NONE_STAGE, 0.0)] * len(evidence)
        langs = np.asarray([e.lang for e in evidence.items])
        for lang in sorted(set(langs.tolist())):
            rows = np.flatnonzero(langs == lang)
            group = combined[rows]
            temperature = p.tau * float(group.std(axis=1).mean())
            if p.em_iters and len(rows) >= p.min_group:
                post = prior_em(group, temperature, p.em_iters, p.prior_power)
            else:
                post = softmax(group, temperature)
            best = post.argmax(axis=1)
            for j, i in enumerate(rows):
                if raw[i].max() < p.none_below:
                    out[i] = (NONE_STAGE, round(float(1 - raw[i].max()), 4))
                else:
                    out[i] = (ids[int(best[j])], round(float(post[j, best[j]]), 4))
        return out

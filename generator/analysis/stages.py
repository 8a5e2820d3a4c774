"""Offline stage assignment: every evidence item to a stage of the framework, with a confidence.

An item's score for a stage is its similarity to the stage's texts (names, descriptions,
examples; see ``prototypes``). Scores become probabilities by a softmax whose temperature is
the items' typical spread of scores; the stage mix of each language can be re-estimated from the
corpus (a few EM steps on the class prior, trusted to the power ``prior_power``), so a corpus
that is mostly about food may be mostly "food quality" — the power keeps one big stage from
swallowing the rest. The codes an item was given are further evidence of its stage
(``code_weight``, see ``assign``). An item whose best raw similarity is below ``none_below``
fits no stage ("none").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from generator.analysis.evidence import EvidenceSet
from generator.analysis.prototypes import (
    ItemSpace,
    Prototypes,
    SideMap,
    fit_side_map,
    side_scores,
    texts_centring,
)
from knowledge.journey.frameworks import NONE_STAGE, StageFramework
from knowledge.search.embeddings import Embedder

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class StageParams:
    k: int = 3
    beta: float = 0.5
    tau: float = 1.1
    em_iters: int = 3
    prior_power: float = 0.75
    min_group: int = 30
    none_below: float = 0.78
    item_side: str = "query_map"  # "passage" (stored vectors), "query_map" or "both"
    map_ridge: float = 0.1
    code_weight: float = 1.0  # how far an item's codes move its stage (0: not at all)
    centre_on: str = "corpus"  # languages' means from the "corpus" or the labelled "texts"


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
        self,
        framework: StageFramework,
        embedder: Embedder,
        params: StageParams | None = None,
        side_map: SideMap | None = None,
    ) -> None:
        self.framework = framework
        self.params = params or StageParams()
        texts: list[str] = []
        owner: list[int] = []
        for s, stage in enumerate(framework.stages):
            for text in [*stage.names.values(), *stage.texts()]:
                texts.append(text)
                owner.append(s)
        self.prototypes = Prototypes(texts, owner, len(framework.stages), embedder)
        if side_map is None and self.params.item_side != "passage":
            side_map = fit_side_map([self.prototypes], self.params.map_ridge)
        self.side_map = side_map

    def scores(self, space: ItemSpace) -> tuple[Matrix, Matrix]:
        """(combined scores, raw scores), items x stages."""
        p = self.params
        return side_scores(self.prototypes, space, p.item_side, p.k, p.beta)

    def space(self, evidence: EvidenceSet, others: Sequence[Prototypes] = ()) -> ItemSpace:
        """The evidence's vectors as this classifier (and ``others``, e.g. a codebook's) score
        them; centred on the texts' language means when ``centre_on`` is "texts"."""
        reference = None
        if self.params.centre_on == "texts":
            groups = [self.prototypes, *others]
            reference = {side: texts_centring(groups, side) for side in ("query", "passage")}
        return ItemSpace(
            evidence.vectors, [e.lang for e in evidence.items], self.side_map, reference
        )

    def posteriors(self, space: ItemSpace) -> tuple[Matrix, Matrix]:
        """(posterior over stages, raw scores), items x stages, per language."""
        combined, raw = self.scores(space)
        post = self._posterior(combined, space.langs)
        return post, raw

    def _posterior(self, combined: Matrix, langs_list: list[str]) -> Matrix:
        p = self.params
        post = np.zeros_like(combined)
        langs = np.asarray(langs_list)
        for lang in sorted(set(langs.tolist())):
            rows = np.flatnonzero(langs == lang)
            group = combined[rows]
            temperature = p.tau * float(group.std(axis=1).mean())
            if p.em_iters and len(rows) >= p.min_group:
                post[rows] = prior_em(group, temperature, p.em_iters, p.prior_power)
            else:
                post[rows] = softmax(group, temperature)
        return post

    def assign(
        self,
        evidence: EvidenceSet,
        code_stages: Matrix | None = None,
        space: ItemSpace | None = None,
    ) -> list[tuple[str, float]]:
        post, raw = self.posteriors(space or self.space(evidence))
        return self.decide(post, raw, code_stages)

    def decide(
        self, post: Matrix, raw: Matrix, code_stages: Matrix | None = None
    ) -> list[tuple[str, float]]:
        """Stage and confidence per item. ``code_stages`` (items x stages) is how much the
        item's codes point at each stage (rows sum to at most 1: the probability of the codes
        that belong to a stage); it multiplies the posterior by ``1 + code_weight x that``."""
        p = self.params
        if code_stages is not None and p.code_weight > 0:
            post = post * (1 + p.code_weight * code_stages)
            post = post / post.sum(axis=1, keepdims=True)
        ids = self.framework.stage_ids
        out: list[tuple[str, float]] = []
        best = post.argmax(axis=1)
        for i in range(len(post)):
            if raw[i].max() < p.none_below:
                out.append((NONE_STAGE, round(float(1 - raw[i].max()), 4)))
            else:
                out.append((ids[int(best[i])], round(float(post[i, best[i]]), 4)))
        return out

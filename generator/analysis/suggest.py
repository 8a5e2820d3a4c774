"""What to label next (active learning): the evidence whose placement the analysis is least sure
of, among what looks most frequent, so a researcher's few minutes go where they move most.

An item's score is its uncertainty (1 - the probability of its stage) times its density (the
mean similarity to its ``NEIGHBOURS`` nearest items in the language-centred space, so that a
Persian and a Chinese complaint about the same thing count as frequent together), as a rank in
[0, 1]. Picks are greedy by score, skipping an item too similar to one already picked (cosine
>= ``DUPLICATE`` centred, or ``DUPLICATE_RAW`` as stored: section headers repeated across
reviews), so twenty suggestions are twenty different things. Labelled evidence, evidence
that is not customer experience and competitor notes are never suggested.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from generator.analysis.centring import LanguageCentring
from generator.analysis.evidence import EvidenceSet
from generator.analysis.result import Analysis

NEIGHBOURS = 10
DUPLICATE = 0.9
DUPLICATE_RAW = 0.95  # e5 puts any two texts of one language above 0.7: only near-copies
BLOCK = 2048


@dataclass(frozen=True)
class Suggestion:
    evidence_id: str
    text: str
    lang: str
    stage: str
    confidence: float
    code: str | None
    density: float
    score: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def density(vectors: npt.NDArray[np.float32], k: int = NEIGHBOURS) -> npt.NDArray[np.float32]:
    """Mean similarity of each row to its ``k`` nearest other rows, in blocks."""
    n = len(vectors)
    out = np.zeros(n, dtype=np.float32)
    if n < 2:
        return out
    kk = min(k, n - 1)
    for start in range(0, n, BLOCK):
        sims = np.einsum("id,jd->ij", vectors[start : start + BLOCK], vectors)
        for r in range(sims.shape[0]):
            sims[r, start + r] = -np.inf
        top = np.partition(sims, -kk, axis=1)[:, -kk:]
        out[start : start + BLOCK] = top.mean(axis=1)
    return out


def _ranks(values: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float32)
    ranks[order] = (np.arange(len(values)) + 1) / max(len(values), 1)
    return ranks


def suggest(
    analysis: Analysis, evidence: EvidenceSet, n: int = 20, among: set[str] | None = None
) -> list[Suggestion]:
    """Up to ``n`` evidence items to label next (``among``: only these ids)."""
    placements = {p.evidence_id: p for p in analysis.placements}
    rows = [
        i
        for i, e in enumerate(evidence.items)
        if (p := placements.get(e.id)) is not None
        and p.substantive
        and p.origin != "human"
        and e.kind != "competitor"
    ]
    if not rows or n <= 0:
        return []
    items = [evidence.items[i] for i in rows]
    langs = [e.lang for e in items]
    vectors = evidence.vectors[rows]
    centred = LanguageCentring(vectors, langs).centre(vectors, langs)
    dense = density(centred)
    uncertain = np.asarray([1.0 - placements[e.id].confidence for e in items], dtype=np.float32)
    score = _ranks(uncertain) * _ranks(dense)
    candidates = [
        j
        for j in sorted(range(len(items)), key=lambda j: (-float(score[j]), items[j].id))
        if among is None or items[j].id in among
    ]
    picked: list[int] = []
    for j in candidates:
        if len(picked) >= n:
            break
        if picked and (
            float((centred[picked] @ centred[j]).max()) >= DUPLICATE
            or float((vectors[picked] @ vectors[j]).max()) >= DUPLICATE_RAW
        ):
            continue
        picked.append(j)
    return [
        Suggestion(
            evidence_id=items[j].id,
            text=items[j].text,
            lang=items[j].lang,
            stage=placements[items[j].id].stage,
            confidence=placements[items[j].id].confidence,
            code=placements[items[j].id].code,
            density=round(float(dense[j]), 4),
            score=round(float(score[j]), 4),
        )
        for j in picked
    ]

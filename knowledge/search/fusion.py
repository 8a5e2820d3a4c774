"""Search parameters and the fusion of the dense and lexical rankings (weighted reciprocal rank
fusion). The defaults were chosen on the labelled dev set and sit on a plateau: neighbouring
values score within a few hundredths of nDCG@10 (bench/retrieval.py reports the figures)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["hybrid", "dense", "lexical"]


@dataclass(frozen=True)
class SearchParams:
    pool: int = 100  # candidates per language (dense) and per channel (lexical)
    centre: bool = True  # language-centred dense scores (knowledge.search.dense)
    rocchio_k: int = 10  # best dense hits the query moves towards
    rocchio_beta: float = 2.0
    feedback_docs: int = 3  # best dense hits whose terms expand the keyword query
    feedback_terms: int = 100
    feedback_mix: float = 0.8  # share of expansion terms in the keyword query
    rrf_k: float = 10.0
    dense_weight: float = 1.0
    lexical_weight: float = 0.5


Ranked = list[tuple[str, float, int | None, int | None]]


def fuse(
    dense: list[tuple[str, float]],
    lexical: list[tuple[str, float]],
    k: int,
    params: SearchParams,
    mode: Mode,
) -> Ranked:
    """(id, score, dense rank, lexical rank) of the top ``k``; ranks are 1-based."""
    d_rank = {cid: r for r, (cid, _) in enumerate(dense, start=1)}
    l_rank = {cid: r for r, (cid, _) in enumerate(lexical, start=1)}
    if mode == "dense":
        return [(cid, s, d_rank[cid], None) for cid, s in dense[:k]]
    if mode == "lexical":
        return [(cid, s, None, l_rank[cid]) for cid, s in lexical[:k]]
    scores: dict[str, float] = {}
    for cid, r in d_rank.items():
        scores[cid] = scores.get(cid, 0.0) + params.dense_weight / (params.rrf_k + r)
    for cid, r in l_rank.items():
        scores[cid] = scores.get(cid, 0.0) + params.lexical_weight / (params.rrf_k + r)
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [(cid, s, d_rank.get(cid), l_rank.get(cid)) for cid, s in best]

"""Fusion of the dense and lexical rankings (reciprocal rank fusion, weighted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class FusionParams:
    rrf_k: float = 60.0
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    pool: int = 100


def fuse(
    dense: list[tuple[str, float]],
    lexical: list[tuple[str, float]],
    k: int,
    params: FusionParams,
    mode: Literal["hybrid", "dense", "lexical"],
) -> list[tuple[str, float, int | None, int | None]]:
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

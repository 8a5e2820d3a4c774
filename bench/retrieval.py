"""Retrieval quality and latency on the labelled dev set.

    python -m bench.retrieval

Ingests the 600 items of shared/data/gold_dev (five languages) into a throw-away library, runs
the 40 cross-lingual queries (a document is relevant when its aspect equals the query's) and
prints recall@10, nDCG@10, MRR and the share of relevant hits in another language than the
query's, for plain dense retrieval (the baseline: e5 cosine, as Chroma alone gives it), the
language-centred dense channel, BM25 alone and the hybrid; then query latency p50/p95.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

from bench.common import fresh_library, percentile, read_jsonl, require_shared
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.search.fusion import Mode, SearchParams
from knowledge.search.searcher import Searcher
from knowledge.store import ChunkRow

LANGS = ("fa", "ru", "th", "zh", "en")
WORKSPACE = "gold-dev"


def _metrics(
    ranked: list[str], relevant: set[str], langs: dict[str, str], qlang: str
) -> dict[str, float]:
    top = ranked[:10]
    gains = [1.0 if d in relevant else 0.0 for d in top]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    hits = [d for d in top if d in relevant]
    rr = next((1 / (i + 1) for i, d in enumerate(ranked) if d in relevant), 0.0)
    return {
        "recall@10": len(hits) / len(relevant),
        "ndcg@10": dcg / ideal if ideal else 0.0,
        "mrr": rr,
        "xling": (sum(1 for d in hits if langs[d] != qlang) / len(hits)) if hits else float("nan"),
    }


def main() -> None:
    data = require_shared() / "gold_dev"
    library = fresh_library("retrieval")
    started = time.perf_counter()
    report = Ingestor(library).run(
        [data / f"{lang}.jsonl" for lang in LANGS],
        IngestOptions(kind="review", workspace=WORKSPACE),
    )
    assert report.ok, report.summary()["failures"]
    print(f"ingested {report.summary()['chunks']} items in {time.perf_counter() - started:.1f} s")
    items = {i["id"]: i for lang in LANGS for i in read_jsonl(data / f"{lang}.jsonl")}
    with library.db.session() as s:
        chunk_item = {c.id: c.location["record_id"] for c in s.query(ChunkRow)}
    item_lang = {it["id"]: lang for lang in LANGS for it in read_jsonl(data / f"{lang}.jsonl")}
    queries = read_jsonl(data / "queries.jsonl")
    by_aspect: dict[str, set[str]] = {}
    for iid, it in items.items():
        by_aspect.setdefault(it["aspect"], set()).add(iid)

    configs: list[tuple[str, Mode, SearchParams]] = [
        ("dense, plain e5 cosine (baseline)", "dense", SearchParams(centre=False, rocchio_k=0)),
        ("dense, language-centred", "dense", SearchParams(rocchio_k=0)),
        ("dense, language-centred + Rocchio", "dense", SearchParams()),
        ("lexical, BM25", "lexical", SearchParams()),
        ("hybrid (default)", "hybrid", SearchParams()),
    ]
    filters = EvidenceFilter(workspace=WORKSPACE)
    print(f"\n{'method':42} {'nDCG@10':>8} {'R@10':>6} {'MRR':>6} {'x-ling':>7}")
    results: dict[str, dict[str, float]] = {}
    per_lang: dict[str, dict[str, list[float]]] = {}
    for name, mode, params in configs:
        searcher = Searcher(library, params)
        totals: dict[str, float] = {}
        counted: dict[str, int] = {}
        per_lang[name] = {lang: [] for lang in LANGS}
        for q in queries:
            ranked = [chunk_item[cid] for cid, *_ in searcher.rank(q["query"], 10, filters, mode)]
            m = _metrics(ranked, by_aspect[q["aspect"]], item_lang, q["lang"])
            for key, value in m.items():
                if not math.isnan(value):
                    totals[key] = totals.get(key, 0.0) + value
                    counted[key] = counted.get(key, 0) + 1
            per_lang[name][q["lang"]].append(m["ndcg@10"])
        results[name] = {k: totals[k] / counted[k] for k in totals}
        r = results[name]
        print(
            f"{name:42} {r['ndcg@10']:8.3f} {r['recall@10']:6.3f} {r['mrr']:6.3f} {r['xling']:7.2f}"
        )
    base = results[configs[0][0]]["ndcg@10"]
    hybrid = results["hybrid (default)"]["ndcg@10"]
    print(f"\nhybrid / plain dense nDCG@10 ratio: {hybrid / base:.2f}x")
    print("\nnDCG@10 by query language: " + " ".join(f"{lang:>6}" for lang in LANGS))
    for name in results:
        print(
            f"  {name:40} " + " ".join(f"{sum(v) / len(v):6.3f}" for v in per_lang[name].values())
        )

    print("\nsensitivity of the hybrid (nDCG@10), one setting changed at a time:")
    variants: tuple[tuple[str, tuple[float, ...]], ...] = (
        ("lexical_weight", (0.25, 0.5, 1.0)),
        ("rrf_k", (10.0, 30.0, 60.0)),
        ("feedback_mix", (0.0, 0.5, 0.8, 1.0)),
        ("rocchio_beta", (1.0, 2.0, 3.0)),
    )
    for field, values in variants:
        row = []
        for value in values:
            changes: dict[str, Any] = {field: value}
            searcher = Searcher(library, replace(SearchParams(), **changes))
            scores = [
                _metrics(
                    [chunk_item[c] for c, *_ in searcher.rank(q["query"], 10, filters, "hybrid")],
                    by_aspect[q["aspect"]],
                    item_lang,
                    q["lang"],
                )["ndcg@10"]
                for q in queries
            ]
            row.append(f"{value}: {sum(scores) / len(scores):.3f}")
        print(f"  {field:16} " + ", ".join(row))

    searcher = Searcher(library)
    searcher.search("warm-up", k=10, filters=filters)
    latencies: list[float] = []
    for _ in range(3):
        for q in queries:
            t = time.perf_counter()
            searcher.search(q["query"], k=10, filters=filters)
            latencies.append((time.perf_counter() - t) * 1000)
    print(
        f"\nquery latency over {len(latencies)} hybrid searches (600 items): "
        f"p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms"
    )


if __name__ == "__main__":
    main()

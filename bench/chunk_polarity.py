"""Polarity of the chunks of long reviews: the record's rating as a prior, the chunk's own
words as the evidence (``SentimentParams.record_prior``), chosen on one half of the reviews and
scored on the other.

    python -m bench.chunk_polarity

Data: the Russian restaurant reviews of SentiRuEval 2015 in shared/data/research-extra (not
gold_dev), whose annotators marked every aspect term with its sentiment and character span.
A user's export would carry a rating: the review's mean of its 1-10 food, interior and service
scores, read on a 1-10 scale. A chunk's label comes from the aspect terms inside it: only
positive ones -> praise, only negative ones -> complaint (both -> mixed; none -> left out).
Printed per value of ``record_prior`` (0: the words alone; "record": every chunk takes its
review's polarity): praise judged a complaint and complaints judged praise, as shares of the
labelled chunks of chunked reviews, on each half; then the value chosen on each half, scored on
the other.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.common import fresh_library, read_jsonl, require_shared
from generator.analysis.evidence import load_evidence
from generator.analysis.sentiment import SentimentEstimator, SentimentParams
from generator.analysis.sentiment_map import SourceMapping
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.store import ChunkRow

PRIORS: tuple[float | None, ...] = (0.0, 0.1, 0.25, 0.5, 1.0, None)  # None: the record decides
COMPLAINTS = ("negative", "mixed")


def _label(aspects: list[dict[str, Any]], start: int, end: int) -> str | None:
    inside = {a["sentiment"] for a in aspects if a["from"] >= start and a["to"] <= end}
    pos, neg = "positive" in inside or "both" in inside, "negative" in inside or "both" in inside
    if pos and neg:
        return "mixed"
    return "positive" if pos else ("negative" if neg else None)


def main() -> None:
    reviews = read_jsonl(
        require_shared() / "research-extra" / "sentirueval2015_restaurant_reviews.jsonl"
    )
    folder = Path(tempfile.mkdtemp(prefix="cjm-bench-sre-"))
    rows = [
        {
            "id": r["id"],
            "text": r["text"],
            "rating": round(sum(r["meta"]["scores_1_10"].values()) / 3, 2),
        }
        for r in reviews
    ]
    (folder / "reviews.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    library = fresh_library("chunk-polarity")
    Ingestor(library).run([folder / "reviews.jsonl"], IngestOptions(kind="review", workspace="r"))
    evidence = load_evidence(library, EvidenceFilter(workspace="r"))
    with library.db.session() as s:
        spans = {
            c.id: (c.char_start, c.char_end)
            for c in s.execute(select(ChunkRow.id, ChunkRow.char_start, ChunkRow.char_end))
        }
    aspects = {r["id"]: r["meta"]["aspects"] for r in reviews}
    chunks = Counter(e.document_id for e in evidence.items)
    labelled = []  # (index in evidence, gold chunk label, record id)
    for i, e in enumerate(evidence.items):
        rid = str(e.location.get("record_id"))
        if chunks[e.document_id] < 2 or rid not in aspects:
            continue
        label = _label(aspects[rid], *spans[e.id])
        if label is not None:
            labelled.append((i, label, rid))
    ids = sorted({str(rid) for _, _, rid in labelled})
    random.Random(14).shuffle(ids)
    half = {rid: n % 2 for n, rid in enumerate(ids)}
    mapping = SourceMapping.parse(None, ["1-10"])
    print(
        f"{len(reviews)} reviews, {sum(1 for n in chunks.values() if n > 1)} of them chunked; "
        f"{len(labelled)} chunks of those carry aspect sentiment "
        f"({dict(Counter(label for _, label, _ in labelled))})"
    )
    for h, name in ((0, "A"), (1, "B")):
        sizes = Counter(label for _, label, rid in labelled if half[rid] == h)
        print(
            f"  half {name}: {sizes['positive']} praise chunks, {sizes['negative']} complaint "
            "chunks (a share of a handful of chunks moves in steps of 0.1-0.2)"
        )
    results: dict[float | None, dict[int, tuple[float, float]]] = {}
    for prior in PRIORS:
        params = SentimentParams(record_prior=prior if prior is not None else 1e9)
        judged = SentimentEstimator(library.cached_embedder, params).judge(evidence, mapping)
        by_half: dict[int, tuple[float, float]] = {}
        for h in (0, 1):
            rows_h = [(i, label) for i, label, rid in labelled if half[rid] == h]
            praise = [i for i, label in rows_h if label == "positive"]
            complaints = [i for i, label in rows_h if label == "negative"]
            by_half[h] = (
                sum(judged[i].polarity in COMPLAINTS for i in praise) / max(1, len(praise)),
                sum(judged[i].polarity == "positive" for i in complaints) / max(1, len(complaints)),
            )
        results[prior] = by_half
        name = "record" if prior is None else f"{prior:g}"
        print(
            f"  record_prior {name:>6}: praise judged a complaint "
            f"{by_half[0][0]:.2f} / {by_half[1][0]:.2f}, complaints judged praise "
            f"{by_half[0][1]:.2f} / {by_half[1][1]:.2f} (half A / half B)"
        )
    for h, name in ((0, "A"), (1, "B")):
        chosen = min(PRIORS, key=lambda p: (sum(results[p][h]), PRIORS.index(p)))
        other = results[chosen][1 - h]
        shown = "record" if chosen is None else f"{chosen:g}"
        print(
            f"chosen on half {name}: record_prior {shown}; on the other half praise judged a "
            f"complaint {other[0]:.2f}, complaints judged praise {other[1]:.2f}"
        )
    print(f"shipped default: record_prior {SentimentParams().record_prior:g}")


if __name__ == "__main__":
    main()

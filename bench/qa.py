"""Questions about maps: retrieval quality of map elements on a labelled question set written
for the project, and answer latency without the model.

    python -m bench.qa

Ingests the labelled food-delivery feedback of shared/data/gold_dev (fa and zh; the analysis
sees ids, texts and the sources' own labels only), drafts an evidence-only map per language
with the food-delivery stages, approves both, and asks the 20 questions of
bench/questions/food_delivery.yaml (4 per language in fa, ru, th, zh, en; cross-lingual: no
question is asked in both maps' languages only). An element is relevant to a question when
most of its quoted evidence carries one of the question's gold aspects.

Printed per asker language and overall: hit@5, MRR@10 and nDCG@10 of
- lexical: token overlap between question and element words (baseline, same run),
- dense, words: multilingual e5 over the element's words,
- dense, +quotes: the element's words and verbatim quotes embedded together (the product's),
- hybrid (RRF): lexical and dense +quotes fused by reciprocal rank.
Then answer latency (p50 / p95) with no model and with an instant fake model, cold (first
question embeds the elements) and warm, next to the retrieval-only time.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bench.common import percentile, read_jsonl, require_shared
from generator.analysis.evidence import load_evidence
from generator.analysis.request import AnalysisRequest
from generator.analysis.sentiment_map import LabelPair
from generator.drafting.llm_draft import DraftSpec
from generator.drafting.pipeline import draft_map
from generator.llm.fakes import FunctionModel
from generator.qa.answer import Asker
from generator.qa.elements import Element, elements_of
from generator.qa.fake_answerer import FakeAnswerer
from generator.qa.retrieval import ElementIndex
from generator.qa.scope import scope_maps
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.text.segment import tokenize

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions" / "food_delivery.yaml"
FRAMEWORK = HERE / "frameworks" / "food_delivery.yaml"
LABELS = {
    "fa": (LabelPair("HAPPY", "positive"), LabelPair("SAD", "negative")),
    "zh": (LabelPair("positive", "positive"), LabelPair("negative", "negative")),
}


def build(home: Path) -> tuple[Library, list[Any], dict[str, str]]:
    data = require_shared() / "gold_dev"
    settings = Settings(home=home)
    library = Library(settings)
    aspect_of: dict[str, str] = {}
    files = []
    for lang in ("fa", "zh"):
        items = read_jsonl(data / f"{lang}.jsonl")
        aspect_of.update({it["id"]: it["aspect"] for it in items})
        blind = home / f"{lang}.jsonl"
        blind.write_text(
            "".join(
                json.dumps(
                    {"id": it["id"], "text": it["text"], "label": it["source_label"]},
                    ensure_ascii=False,
                )
                + "\n"
                for it in items
            ),
            encoding="utf-8",
        )
        files.append(blind)
    Ingestor(library).run(files, IngestOptions(kind="review", workspace="food"))
    repo = MapRepository(library.db)
    for lang in ("fa", "zh"):
        options = AnalysisRequest(
            workspace="food", framework=str(FRAMEWORK), langs=(lang,), labels=LABELS[lang]
        ).options()
        journey = draft_map(library, options, lang, DraftSpec(personas=0), None, settings)
        info = repo.create("food", journey, "bench")
        repo.transition("food", info.id, "submit", 1, "bench")
        repo.transition("food", info.id, "approve", 1, "bench")
    evidence = load_evidence(library, EvidenceFilter(workspace="food"))
    gold = {e.id: aspect_of[e.location["record_id"]] for e in evidence.items}
    return library, scope_maps(repo, "food", None), gold


def relevant(e: Element, aspects: set[str], gold: dict[str, str]) -> bool:
    labels = [gold[r.evidence_id] for r in e.evidence if r.evidence_id in gold]
    return bool(labels) and Counter(labels).most_common(1)[0][0] in aspects


def scores(ranked: list[bool]) -> tuple[float, float, float]:
    hit5 = float(any(ranked[:5]))
    mrr = next((1 / (i + 1) for i, r in enumerate(ranked[:10]) if r), 0.0)
    dcg = sum(1 / math.log2(i + 2) for i, r in enumerate(ranked[:10]) if r)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, sum(ranked))))
    return hit5, mrr, dcg / ideal if ideal else 0.0


def lexical_rank(question: str, elements: list[Element]) -> list[int]:
    q = set(tokenize(question))
    overlap = [
        len(q & set(toks)) / math.sqrt(len(toks) or 1)
        for toks in (tokenize(e.text or e.title) for e in elements)
    ]
    return sorted(range(len(elements)), key=lambda i: -overlap[i])


def rrf(orders: list[list[int]], k: int = 60) -> list[int]:
    score: dict[int, float] = {}
    for order in orders:
        for rank, i in enumerate(order):
            score[int(i)] = score.get(int(i), 0.0) + 1 / (k + rank + 1)
    return sorted(score, key=lambda i: -score[i])


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="cjm-bench-qa-"))
    library, maps, gold = build(home)
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    elements = [e for m in maps for e in elements_of(m) if e.kind in ("pain_point", "delighter")]
    index = ElementIndex(library, elements)  # the product's: words and quotes
    words_only = ElementIndex(library, elements, quotes=False)
    print(
        f"{len(maps)} approved maps, {len(elements)} pain points and delighters, "
        f"{len(questions)} questions"
    )
    results: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    for q in questions:
        wanted = set(q["aspects"])
        labels = [relevant(e, wanted, gold) for e in elements]
        if not any(labels):
            continue
        qv = index.query_vector(q["question"])
        ranks = {
            "lexical": lexical_rank(q["question"], elements),
            "dense, words": list(np.argsort(-(words_only.vectors @ qv))),
            "dense, +quotes": list(np.argsort(-(index.vectors @ qv))),
        }
        ranks["hybrid (RRF)"] = rrf([ranks["lexical"], ranks["dense, +quotes"]])
        for method, order in ranks.items():
            row = results.setdefault(method, {})
            row.setdefault(q["lang"], []).append(scores([labels[i] for i in order]))
            row.setdefault("all", []).append(scores([labels[i] for i in order]))
    print(
        f"\n{'method':<16}"
        + "".join(f"{lang:>18}" for lang in ("fa", "ru", "th", "zh", "en", "all"))
    )
    print(f"{'':<16}" + "".join(f"{'hit@5 MRR nDCG':>18}" for _ in range(6)))
    for method, row in results.items():
        cells = []
        for lang in ("fa", "ru", "th", "zh", "en", "all"):
            vals = row.get(lang, [])
            if not vals:
                cells.append(f"{'-':>18}")
                continue
            h, m, n = (sum(v[i] for v in vals) / len(vals) for i in range(3))
            cells.append(f"{h:>8.2f}{m:>5.2f}{n:>5.2f}")
        print(f"{method:<16}" + "".join(cells))

    settings = Settings(home=home)
    print("\nanswer latency, model excluded (ms)")
    print(f"{'path':<34}{'first':>8}{'p50':>8}{'p95':>8}")
    retrieval_ms = []
    for q in questions:
        began = time.perf_counter()
        index.search(q["question"], 8)
        retrieval_ms.append((time.perf_counter() - began) * 1000)
    print(
        f"{'element search only (baseline)':<34}{retrieval_ms[0]:>8.0f}"
        f"{percentile(retrieval_ms, 0.5):>8.0f}{percentile(retrieval_ms, 0.95):>8.0f}"
    )
    for name, model in (("answer, no model", None), ("answer, instant fake model", "fake")):
        times = []
        for q in questions:
            chat = FunctionModel(FakeAnswerer(q["lang"])) if model else None
            began = time.perf_counter()
            Asker(library, chat, settings).ask(q["question"], maps, q["lang"])
            times.append((time.perf_counter() - began) * 1000)
        print(
            f"{name:<34}{times[0]:>8.0f}{percentile(times[1:], 0.5):>8.0f}"
            f"{percentile(times[1:], 0.95):>8.0f}"
        )
    ratio = percentile(times[1:], 0.5) / percentile(retrieval_ms, 0.5)
    print(f"(the answer path with the fake model: p50 {ratio:.1f}x the element search alone)")
    library.close()


if __name__ == "__main__":
    main()

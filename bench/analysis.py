"""Offline analysis quality on real labels, and its speed on the full research corpus.

    python -m bench.analysis [--scale-home DIR] [--skip-scale] [--skip-reasons]

Quality: ingests shared/data/gold_dev per domain (fa+zh food delivery, ru banking app, th
restaurants, en airline) into a throw-away library and analyses each with the domain's framework
from bench/frameworks/ (stage names, descriptions and example phrases written for the project
from the stage definitions, not from labelled items). Prints per language: stage accuracy and
macro-F1 (stages with >= 5 labelled items) next to the majority-class and nearest-description
baselines; theme purity, NMI and the number of themes against gold aspects; polarity accuracy
(majority class; offline prototypes; the source's own labels; learnt from the other languages'
labels with this language's hidden); Spearman correlation of severity.

Out of sample: the English source gives a reason for most negative tweets (not gold_dev); mapped
to the airline stages they give 1,667 stage labels. Stage accuracy and macro-F1 on them with the
tweets embedded as written (the baseline) and as their content text (handles "@user", links
"http"), which is what ingest embeds.

Scale: analyses 2k, 4k, 8k and 16k items of shared/data/research (embeddings already stored)
and prints time and peak memory. ``--scale-home`` reuses a CJM_HOME whose workspace "bench"
holds that corpus (bench.ingest builds one); otherwise it is ingested first (about 10 minutes).
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from bench.common import fresh_library, read_jsonl, require_shared
from generator.analysis.analyze import AnalysisOptions, analyze, analyze_evidence
from generator.analysis.evidence import Evidence, EvidenceSet, load_evidence
from generator.analysis.sentiment import SentimentEstimator
from generator.analysis.sentiment_map import SourceMapping
from generator.analysis.stages import StageClassifier, StageParams
from knowledge.filters import EvidenceFilter
from knowledge.ingest import IngestOptions, Ingestor
from knowledge.journey.frameworks import load_framework
from knowledge.library import Library
from knowledge.normalize import content_text, normalize_search_text
from knowledge.settings import Settings

FRAMEWORKS = Path(__file__).resolve().parent / "frameworks"
DOMAINS = {
    "food_delivery": ("fa", "zh"),
    "banking_app": ("ru",),
    "restaurant": ("th",),
    "airline": ("en",),
}
LABEL_MAPS = {
    "fa": ["HAPPY=positive,SAD=negative"],
    "zh": ["positive=positive,negative=negative"],
    "ru": ["problem=negative,noproblem=positive"],
    "th": ["pos=positive,neg=negative,neu=neutral,q=neutral"],
    "en": ["negative=negative,neutral=neutral,positive=positive"],
}


def macro_f1(gold: list[str], pred: list[str], min_support: int = 5) -> float:
    support = Counter(gold)
    scores = []
    for label, n in support.items():
        if n < min_support or label == "none":
            continue
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == label and g != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / n
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0)
    return sum(scores) / len(scores) if scores else float("nan")


def purity(gold: list[str], clusters: list[str]) -> float:
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for g, c in zip(gold, clusters, strict=True):
        groups[c][g] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / len(gold)


def nmi(gold: list[str], clusters: list[str]) -> float:
    n = len(gold)
    joint = Counter(zip(gold, clusters, strict=True))
    pg, pc = Counter(gold), Counter(clusters)
    mi = sum(v / n * math.log((v / n) / (pg[g] / n * pc[c] / n)) for (g, c), v in joint.items())
    hg = -sum(v / n * math.log(v / n) for v in pg.values())
    hc = -sum(v / n * math.log(v / n) for v in pc.values())
    return 2 * mi / (hg + hc) if hg + hc else 1.0


def nearest_description(library: Library, evidence: EvidenceSet, framework_path: Path) -> list[str]:
    framework = load_framework(str(framework_path))
    centres = []
    for stage in framework.stages:
        vectors = library.embedder.embed_passages(list(stage.descriptions.values()))
        centre = vectors.mean(axis=0)
        centres.append(centre / np.linalg.norm(centre))
    best = (evidence.vectors @ np.stack(centres).T).argmax(axis=1)
    return [framework.stage_ids[int(b)] for b in best]


def quality() -> None:
    data = require_shared() / "gold_dev"
    library = fresh_library("analysis")
    gold = {
        it["id"]: it
        for lang in ("fa", "ru", "th", "zh", "en")
        for it in read_jsonl(data / f"{lang}.jsonl")
    }
    rows: dict[str, dict[str, str]] = {}
    totals: dict[str, list[float]] = defaultdict(list)
    blind = Path(tempfile.mkdtemp(prefix="cjm-bench-blind-"))
    for lang in ("fa", "ru", "th", "zh", "en"):
        # the analysis sees what a user's export would have: id, text and the source's own
        # label; never the gold stage, aspect, polarity or severity
        visible = [
            {"id": it["id"], "text": it["text"], "label": it["source_label"]}
            for it in read_jsonl(data / f"{lang}.jsonl")
        ]
        (blind / f"{lang}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in visible), encoding="utf-8"
        )
    pooled: list[EvidenceSet] = []
    for domain, langs in DOMAINS.items():
        Ingestor(library).run(
            [blind / f"{lang}.jsonl" for lang in langs],
            IngestOptions(kind="review", workspace=domain),
        )
        path = FRAMEWORKS / f"{domain}.yaml"
        options = AnalysisOptions(
            scope=EvidenceFilter(workspace=domain), framework=load_framework(str(path))
        )
        analysis, evidence = analyze(library, options)
        pooled.append(evidence)
        labelled = {}
        for lang in langs:
            mapped = replace(options, mapping=SourceMapping.parse(LABEL_MAPS[lang], None))
            with_labels = analyze_evidence(library, evidence, mapped)
            labelled.update({p.evidence_id: p for p in with_labels.placements if p.lang == lang})
        baseline = dict(
            zip(
                (e.id for e in evidence.items),
                nearest_description(library, evidence, path),
                strict=True,
            )
        )
        by_record: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(evidence.items):
            by_record[e.location["record_id"]].append(i)
        for lang in langs:
            ids = [
                rid
                for rid, it in gold.items()
                if rid in by_record and evidence.items[by_record[rid][0]].lang == lang
            ]
            first = {rid: analysis.placements[by_record[rid][0]] for rid in ids}
            g_stage = [gold[r]["stage"] for r in ids]
            p_stage = [first[r].stage for r in ids]
            majority = Counter(g_stage).most_common(1)[0][1] / len(ids)
            b_stage = [baseline[first[r].evidence_id] for r in ids]
            acc = sum(g == p for g, p in zip(g_stage, p_stage, strict=True)) / len(ids)
            f1 = macro_f1(g_stage, p_stage)
            themed = [r for r in ids if first[r].theme is not None]
            pur = purity(
                [gold[r]["aspect"] for r in themed], [first[r].theme or "" for r in themed]
            )
            nm = nmi([gold[r]["aspect"] for r in themed], [first[r].theme or "" for r in themed])
            n_themes = len({first[r].theme for r in themed})
            n_aspects = len({gold[r]["aspect"] for r in ids})
            pol = sum(gold[r]["polarity"] == first[r].polarity for r in ids) / len(ids)
            pol_majority = Counter(gold[r]["polarity"] for r in ids).most_common(1)[0][1] / len(ids)
            pol_l = sum(
                gold[r]["polarity"] == labelled[first[r].evidence_id].polarity for r in ids
            ) / len(ids)
            neg = [r for r in ids if gold[r]["severity"] is not None]
            rho = spearmanr(
                [gold[r]["severity"] for r in neg], [first[r].severity or 0 for r in neg]
            ).statistic
            rows[lang] = {
                "stage acc": f"{acc:.2f}",
                "majority": f"{majority:.2f}",
                "macro-F1": f"{f1:.3f}",
                "nearest-desc F1": f"{macro_f1(g_stage, b_stage):.2f}",
                "purity": f"{pur:.3f}",
                "NMI": f"{nm:.2f}",
                "themes/aspects": f"{n_themes}/{n_aspects}",
                "polarity majority": f"{pol_majority:.2f}",
                "polarity": f"{pol:.2f}",
                "polarity+labels": f"{pol_l:.2f}",
                "severity rho": f"{rho:.2f}",
            }
            for key, value in (
                ("acc", acc),
                ("f1", f1),
                ("purity", pur),
                ("pol", pol),
                ("pol_l", pol_l),
            ):
                totals[key].append(value)
    everything = EvidenceSet(
        [e for part in pooled for e in part.items], np.vstack([part.vectors for part in pooled])
    )
    for lang, acc in learnt_polarity(library, everything, gold).items():
        rows[lang]["polarity learnt"] = f"{acc:.2f}"
        totals["pol_learnt"].append(acc)
    cols = list(next(iter(rows.values())))
    print(f"{'lang':5} " + " ".join(f"{c:>16}" for c in cols))
    for lang, r in rows.items():
        print(f"{lang:5} " + " ".join(f"{r[c]:>16}" for c in cols))
    print("mean  " + ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in totals.items()))


# the source's negative reason -> the airline framework's stage ("Can't Tell" is left out)
REASON_STAGES = {
    "Customer Service Issue": "customer_service",
    "Late Flight": "flight_delay_cancel",
    "Cancelled Flight": "flight_delay_cancel",
    "Lost Luggage": "baggage",
    "Damaged Luggage": "baggage",
    "Bad Flight": "in_flight",
    "Flight Attendant Complaints": "in_flight",
    "Flight Booking Problems": "booking",
    "longlines": "check_in_boarding",
}


def source_reasons() -> None:
    tweets = [
        it
        for it in read_jsonl(require_shared() / "research" / "en" / "airline_tweets.jsonl")
        if (it.get("meta") or {}).get("negativereason") in REASON_STAGES
    ]
    gold_stage = [REASON_STAGES[it["meta"]["negativereason"]] for it in tweets]
    library = fresh_library("analysis-reasons")
    classifier = StageClassifier(
        load_framework(str(FRAMEWORKS / "airline.yaml")), library.embedder, StageParams()
    )
    texts = [normalize_search_text(it["text"]) for it in tweets]
    print(f"\nstages on the English source's own negative reasons ({len(tweets)} tweets):")
    for name, embedded in (("as written (baseline)", texts), ("content text", None)):
        vectors = library.embedder.embed_passages(embedded or [content_text(t) for t in texts])
        evidence = EvidenceSet(
            [
                Evidence(str(i), "", "", t, "en", "review", {}, [], None, None, None)
                for i, t in enumerate(texts)
            ],
            vectors,
        )
        pred = [stage for stage, _ in classifier.assign(evidence)]
        acc = sum(g == p for g, p in zip(gold_stage, pred, strict=True)) / len(pred)
        print(f"  {name:24} accuracy {acc:.3f}, macro-F1 {macro_f1(gold_stage, pred):.3f}")


def learnt_polarity(
    library: Library, evidence: EvidenceSet, gold: dict[str, dict[str, Any]]
) -> dict[str, float]:
    """Per language: polarity accuracy when that language's source labels are hidden and a
    classifier learns from the other four languages' labels (as tickets and interviews learn
    from rated reviews in a workspace)."""
    items = evidence.items
    mapping = SourceMapping.parse([m for maps in LABEL_MAPS.values() for m in maps], None)
    estimator = SentimentEstimator(library.embedder)
    out: dict[str, float] = {}
    for lang in ("fa", "ru", "th", "zh", "en"):
        hidden = [replace(e, label=None) if e.lang == lang else e for e in items]
        judged = estimator.judge(EvidenceSet(hidden, evidence.vectors), mapping)
        rows = [i for i, e in enumerate(items) if e.lang == lang]
        assert all(judged[i].source == "learnt" for i in rows)
        right = sum(
            judged[i].polarity == gold[items[i].location["record_id"]]["polarity"] for i in rows
        )
        out[lang] = right / len(rows)
    return out


def scale(home: Path | None) -> None:
    if home is None:
        library = fresh_library("analysis-scale")
        files = sorted((require_shared() / "research").glob("*/*.jsonl"))
        Ingestor(library).run(files, IngestOptions(kind="review", workspace="bench"))
    else:
        library = Library(Settings(home=home))
    full = load_evidence(library, EvidenceFilter(workspace="bench"))
    order = np.random.default_rng(11).permutation(len(full))
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace="bench"), framework=load_framework("six_stage")
    )
    print(f"\nscale (six_stage framework, {len(full)} items available):")
    base = None
    for n in (2000, 4000, 8000, 16000):
        pick = sorted(order[: min(n, len(full))].tolist())
        subset = EvidenceSet([full.items[i] for i in pick], full.vectors[pick])
        tracemalloc.start()
        started = time.perf_counter()
        analysis = analyze_evidence(library, subset, options)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        base = base or seconds / n
        print(
            f"  {len(subset):6d} items: {seconds:6.1f} s, {len(analysis.themes)} themes, peak "
            f"{peak / 2**20:.0f} MiB (Python allocations); per item x{seconds / n / base:.2f} of 2k"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale-home", type=Path, default=None)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-reasons", action="store_true")
    args = parser.parse_args()
    quality()
    if not args.skip_reasons:
        source_reasons()
    if not args.skip_scale:
        scale(args.scale_home)


if __name__ == "__main__":
    main()

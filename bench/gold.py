"""The labelled dev set (shared/data/gold_dev) as the analysis benchmarks use it: a throw-away
library holding it blind, its two seeded halves, and the figures scored on a half.

The analysis sees what a user's export would have: id, text and the source's own label (read
with the label mapping a user would give); never the gold stage, aspect, polarity or severity.
Each language's items are split in two halves by a seeded shuffle; defaults are chosen on one
half and scored on the other (``bench.analysis``), so no figure is scored on the items that chose
it.
"""

from __future__ import annotations

import json
import math
import random
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import read_jsonl, require_shared
from generator.analysis.evidence import EvidenceSet
from generator.analysis.result import Analysis
from knowledge.journey.frameworks import load_framework
from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.library import Library

FRAMEWORKS = Path(__file__).resolve().parent / "frameworks"
LANGS = ("fa", "ru", "th", "zh", "en")
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
SPLIT_SEED = 14


def halves(
    gold: dict[str, dict[str, Any]], seed: int = SPLIT_SEED
) -> dict[str, tuple[set[str], set[str]]]:
    """Per language, the item ids of half A and half B (a seeded shuffle, 50/50)."""
    out = {}
    for lang in LANGS:
        ids = sorted(i for i, it in gold.items() if it["_lang"] == lang)
        random.Random(f"{seed}:{lang}").shuffle(ids)
        cut = len(ids) // 2
        out[lang] = (set(ids[:cut]), set(ids[cut:]))
    return out


def blind_library(home: Path | None = None) -> tuple[Library, dict[str, dict[str, Any]]]:
    """A library with each domain's gold items ingested (id, text, source label only) into a
    workspace named after the domain; reuses ``home`` when it already holds them."""
    data = require_shared() / "gold_dev"
    gold: dict[str, dict[str, Any]] = {}
    for lang in LANGS:
        for it in read_jsonl(data / f"{lang}.jsonl"):
            gold[it["id"]] = {**it, "_lang": lang}
    home = home or Path(tempfile.mkdtemp(prefix="cjm-bench-gold-"))
    library = Library(Settings(home=home))
    blind = Path(tempfile.mkdtemp(prefix="cjm-bench-blind-"))
    for lang in LANGS:
        visible = [
            {"id": it["id"], "text": it["text"], "label": it["source_label"]}
            for it in gold.values()
            if it["_lang"] == lang
        ]
        (blind / f"{lang}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in visible), encoding="utf-8"
        )
    for domain, langs in DOMAINS.items():
        Ingestor(library).run(
            [blind / f"{lang}.jsonl" for lang in langs],
            IngestOptions(kind="review", workspace=domain),
        )
    return library, gold


def framework_path(domain: str) -> Path:
    return FRAMEWORKS / f"{domain}.yaml"


def macro_f1(gold: Sequence[str], pred: Sequence[str], min_support: int = 5) -> float:
    """Mean F1 over the gold stages with at least ``min_support`` items ("none" left out)."""
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


def purity(gold: Sequence[str], clusters: Sequence[str]) -> float:
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for g, c in zip(gold, clusters, strict=True):
        groups[c][g] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / len(gold) if gold else 0.0


def nmi(gold: Sequence[str], clusters: Sequence[str]) -> float:
    n = len(gold)
    joint = Counter(zip(gold, clusters, strict=True))
    pg, pc = Counter(gold), Counter(clusters)
    mi = sum(v / n * math.log((v / n) / (pg[g] / n * pc[c] / n)) for (g, c), v in joint.items())
    hg = -sum(v / n * math.log(v / n) for v in pg.values())
    hc = -sum(v / n * math.log(v / n) for v in pc.values())
    return 2 * mi / (hg + hc) if hg + hc else 1.0


@dataclass
class Scores:
    n: int
    accuracy: float
    majority: float
    macro_f1: float
    baseline_f1: float
    code_accuracy: float
    coded_items: int
    purity: float
    themes: int
    aspects: int
    not_substantive: int

    @property
    def themes_ok(self) -> bool:
        return self.themes <= 2 * self.aspects


def first_placements(analysis: Analysis, ids: Iterable[str]) -> dict[str, Any]:
    """record id -> the placement of its first substantive chunk (else its first chunk)."""
    wanted = set(ids)
    first: dict[str, Any] = {}
    for p in analysis.placements:
        rid = p.location.get("record_id")
        if rid not in wanted:
            continue
        if rid not in first or (not first[rid].substantive and p.substantive):
            first[rid] = p
    return first


def score(
    analysis: Analysis,
    gold: dict[str, dict[str, Any]],
    ids: set[str],
    code_ids: set[str],
    baseline: dict[str, str],
) -> Scores:
    first = first_placements(analysis, ids)
    rids = sorted(first)
    g_stage = [gold[r]["stage"] for r in rids]
    p_stage = [first[r].stage for r in rids]
    b_stage = [baseline[first[r].evidence_id] for r in rids]
    codable = [r for r in rids if gold[r]["aspect"] in code_ids]
    themed = [r for r in rids if first[r].theme is not None]
    return Scores(
        n=len(rids),
        accuracy=sum(a == b for a, b in zip(g_stage, p_stage, strict=True)) / len(rids),
        majority=Counter(g_stage).most_common(1)[0][1] / len(rids),
        macro_f1=macro_f1(g_stage, p_stage),
        baseline_f1=macro_f1(g_stage, b_stage),
        code_accuracy=(
            sum(first[r].code == gold[r]["aspect"] for r in codable) / len(codable)
            if codable
            else float("nan")
        ),
        coded_items=len(codable),
        purity=purity([gold[r]["aspect"] for r in themed], [first[r].theme for r in themed]),
        themes=len({first[r].theme for r in themed}),
        aspects=len({gold[r]["aspect"] for r in rids}),
        not_substantive=sum(1 for r in rids if not first[r].substantive),
    )


def nearest_description(library: Library, evidence: EvidenceSet, domain: str) -> dict[str, str]:
    """The baseline: each item's stage is the one whose mean description vector is closest."""
    framework = load_framework(str(framework_path(domain)))
    centres = []
    for stage in framework.stages:
        vectors = library.embedder.embed_passages(list(stage.descriptions.values()))
        centre = vectors.mean(axis=0)
        centres.append(centre / np.linalg.norm(centre))
    best = (evidence.vectors @ np.stack(centres).T).argmax(axis=1)
    return {e.id: framework.stage_ids[int(b)] for e, b in zip(evidence.items, best, strict=True)}

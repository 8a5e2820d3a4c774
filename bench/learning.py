"""What researchers' corrections teach: a learning curve on the labelled dev set.

    python -m bench.learning [--gold-home DIR] [--seeds N] [--scale-home DIR] [--skip-scale]

Corrections are simulated from one half of shared/data/gold_dev (the gold stage, and the gold
aspect as the code where the domain's codebook has it) and the analysis is scored on the other
half, both directions, per language: k = 0, 5, 10 and 20 corrected items per stage, picked at
random (``--seeds`` seeds, mean shown) and picked by ``suggest`` (the same number of
corrections, asked for in batches of 10, the analysis run again after each batch). Then
corrections from one language only (fa -> zh and zh -> fa, the two food-delivery languages,
k = 10), scored on the other language.

The learner's defaults (``LearnParams``) are chosen on the correcting half alone: its items are
split again in two, corrections (k = 10) from one part, scored on the other; the grid point with
the best mean stage macro-F1 + code accuracy is used for that direction, and the choice is
printed. Nothing is chosen on the half that is scored.

Scale: the analysis of 16k items of shared/data/research with 1,000 corrections, against the
same analysis without corrections (``--scale-home``: a CJM_HOME whose workspace "bench" holds
that corpus, as bench.ingest builds; skipped without one).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.gold import DOMAINS, LANGS, blind_library, first_placements, halves, score
from bench.selection import GoldRuns, Params
from generator.analysis.analyze import AnalysisOptions, analyze_evidence
from generator.analysis.evidence import EvidenceSet, load_evidence
from generator.analysis.learning import LearnParams
from generator.analysis.parameters import describe_parameters
from generator.analysis.result import Analysis
from generator.analysis.suggest import suggest
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.platform.settings import Settings
from knowledge.research.corrections.model import Correction, Corrections
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library

KS = (0, 5, 10, 20)
GRID = [LearnParams(text_weight=tw, l2=l2) for tw in (0.1, 0.3, 1.0) for l2 in (0.001, 0.01, 0.1)]
NOW = datetime(2026, 1, 1, tzinfo=UTC)
TARGET = 0.70


def correction(evidence_id: str, framework: str, stage: str, code: str | None) -> Correction:
    return Correction(
        id=f"sim-{evidence_id}",
        workspace="",
        action="label",
        evidence_id=evidence_id,
        record_id=None,
        text_hash=None,
        framework=framework,
        stage=stage,
        code=code,
        not_evidence=False,
        themes=(),
        note="",
        actor="bench",
        created_at=NOW,
        state="active",
    )


class Curve:
    def __init__(self, library: Library, gold: dict[str, dict[str, Any]]) -> None:
        self.library, self.gold = library, gold
        self.split = halves(gold)
        self.runs = GoldRuns(library, gold, self.split)
        self.options = {d: self.runs.options(d, Params()) for d in DOMAINS}
        self.evidence: dict[str, EvidenceSet] = self.runs.evidence
        base = {d: analyze_evidence(library, self.evidence[d], self.options[d]) for d in DOMAINS}
        self.base = base
        self.first = {
            d: {r: p.evidence_id for r, p in first_placements(base[d], gold).items()}
            for d in DOMAINS
        }

    def labels(self, domain: str, ids: list[str]) -> Corrections:
        options = self.options[domain]
        codes = set(options.codebook.code_ids) if options.codebook else set()
        out = []
        for rid in ids:
            g = self.gold[rid]
            if g["stage"] == "none" or rid not in self.first[domain]:
                continue
            code = g["aspect"] if g["aspect"] in codes else None
            out.append(correction(self.first[domain][rid], options.framework.id, g["stage"], code))
        return Corrections(labels=tuple(out))

    def analyse(self, domain: str, labels: Corrections, learn: LearnParams) -> Analysis:
        options = replace(self.options[domain], corrections=labels, learn=learn)
        return analyze_evidence(self.library, self.evidence[domain], options)

    def scored(
        self, domain: str, analysis: Analysis, ids: set[str]
    ) -> dict[str, tuple[float, float]]:
        """lang -> (stage macro-F1, code accuracy) on ``ids``."""
        options = self.options[domain]
        code_ids = set(options.codebook.code_ids) if options.codebook else set()
        out = {}
        for lang in DOMAINS[domain]:
            mine = {i for i in ids if self.gold[i]["_lang"] == lang}
            if not mine:
                continue
            s = score(analysis, self.gold, mine, code_ids, self.runs.baselines[domain])
            out[lang] = (s.macro_f1, s.code_accuracy)
        return out

    def random_pick(self, pool: list[str], k: int, seed: int) -> list[str]:
        by_stage: dict[str, list[str]] = defaultdict(list)
        for rid in sorted(pool):
            if self.gold[rid]["stage"] != "none":
                by_stage[self.gold[rid]["stage"]].append(rid)
        rng = random.Random(seed)
        out = []
        for stage in sorted(by_stage):
            ids = by_stage[stage]
            rng.shuffle(ids)
            out.extend(ids[:k])
        return out

    def suggest_pick(
        self, domain: str, pool: list[str], budget: int, learn: LearnParams
    ) -> list[str]:
        """``budget`` records picked by ``suggest`` in batches of 10, labelled as picked."""
        picked: list[str] = []
        record_of = {ev: rid for rid, ev in self.first[domain].items()}
        allowed = {self.first[domain][r] for r in pool if r in self.first[domain]}
        while len(picked) < budget:
            analysis = self.analyse(domain, self.labels(domain, picked), learn)
            batch = suggest(
                analysis,
                self.evidence[domain],
                min(10, budget - len(picked)),
                among=allowed - {self.first[domain][r] for r in picked},
            )
            if not batch:
                break
            picked.extend(record_of[s.evidence_id] for s in batch)
        return picked

    def pool(self, domain: str, half: int, langs: tuple[str, ...] | None = None) -> list[str]:
        return sorted(i for lang in (langs or DOMAINS[domain]) for i in self.split[lang][half])

    def choose(self, half: int) -> LearnParams:
        """The grid point best on ``half`` alone: corrections from one part, scored on the
        other, both ways."""
        best, best_value = LearnParams(), -1.0
        for learn in GRID:
            values = []
            for domain in DOMAINS:
                pool = self.pool(domain, half)
                rng = random.Random(f"inner:{half}:{domain}")
                shuffled = pool[:]
                rng.shuffle(shuffled)
                parts = (shuffled[: len(pool) // 2], shuffled[len(pool) // 2 :])
                for a, b in ((0, 1), (1, 0)):
                    picks = self.random_pick(parts[a], 10, 1)
                    analysis = self.analyse(domain, self.labels(domain, picks), learn)
                    for f1, code in self.scored(domain, analysis, set(parts[b])).values():
                        values.append(f1 + (0.0 if np.isnan(code) else code))
            value = float(np.mean(values))
            if value > best_value:
                best, best_value = learn, value
        return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold-home", type=Path, default=None)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--scale-home", type=Path, default=None)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-suggest", action="store_true")
    args = parser.parse_args()
    library, gold = blind_library(args.gold_home)
    curve = Curve(library, gold)
    # (method, k, lang, direction) -> (f1, code)
    results: dict[tuple[str, int, str, int], tuple[float, float]] = {}
    counts: dict[tuple[int, str, int], float] = defaultdict(float)
    for correcting in (0, 1):
        scored_half = 1 - correcting
        learn = curve.choose(correcting)
        print(f"\ncorrections from half {'AB'[correcting]}, scored on half {'AB'[scored_half]}")
        print(f"  learner chosen on half {'AB'[correcting]}: {describe_parameters(learn, 'learn')}")
        for domain in DOMAINS:
            pool = curve.pool(domain, correcting)
            target = set(curve.pool(domain, scored_half))
            for k in KS:
                per_seed: dict[str, list[tuple[float, float]]] = defaultdict(list)
                sizes = []
                for seed in range(1, args.seeds + 1):
                    picks = curve.random_pick(pool, k, seed) if k else []
                    sizes.append(len(picks))
                    analysis = curve.analyse(domain, curve.labels(domain, picks), learn)
                    for lang, fc in curve.scored(domain, analysis, target).items():
                        per_seed[lang].append(fc)
                for lang, fcs in per_seed.items():
                    results[("random", k, lang, correcting)] = (
                        float(np.mean([f for f, _ in fcs])),
                        float(np.nanmean([c for _, c in fcs])),
                    )
                counts[(k, domain, correcting)] = float(np.mean(sizes))
                if k and not args.skip_suggest:
                    budget = round(float(np.mean(sizes)))
                    picks = curve.suggest_pick(domain, pool, budget, learn)
                    analysis = curve.analyse(domain, curve.labels(domain, picks), learn)
                    for lang, fc in curve.scored(domain, analysis, target).items():
                        results[("suggest", k, lang, correcting)] = fc
        for domain, (a, b) in (("food_delivery", ("fa", "zh")), ("food_delivery", ("zh", "fa"))):
            picks = curve.random_pick(curve.pool(domain, correcting, (a,)), 10, 1)
            analysis = curve.analyse(domain, curve.labels(domain, picks), learn)
            target = set(curve.pool(domain, scored_half, (b,)))
            f1, code = curve.scored(domain, analysis, target)[b]
            none = curve.scored(domain, curve.analyse(domain, Corrections(), learn), target)[b]
            print(
                f"  {a} corrections only (k=10, {len(picks)}) scored on {b}: stage macro-F1 "
                f"{f1:.3f} (none: {none[0]:.3f}), code accuracy {code:.2f} (none: {none[1]:.2f})"
            )
    print("\nstage macro-F1 on the half that chose nothing (mean of both directions):")
    methods = ["random"] + ([] if args.skip_suggest else ["suggest"])
    header = f"{'lang':4} " + " ".join(
        f"{m[:3]}@{k:<3}" for m in methods for k in KS if (m, k) != ("suggest", 0)
    )
    for metric, index in (("stage macro-F1", 0), ("code accuracy", 1)):
        print(f"\n{metric} (mean of both directions):\n{header}")
        for lang in LANGS:
            cells = []
            for m in methods:
                for k in KS:
                    if (m, k) == ("suggest", 0):
                        continue
                    vals = [results[(m, k, lang, d)][index] for d in (0, 1)]
                    cells.append(f"{np.nanmean(vals):7.3f}")
            print(f"{lang:4} " + " ".join(cells))
    print("\ncorrections per k (mean over seeds, per domain, both directions):")
    for domain in DOMAINS:
        print(
            f"  {domain}: "
            + ", ".join(
                f"k={k}: {np.mean([counts[(k, domain, d)] for d in (0, 1)]):.0f}" for k in KS
            )
        )
    at10 = {lang: np.mean([results[("random", 10, lang, d)][0] for d in (0, 1)]) for lang in LANGS}
    missed = [f"{lang} {v:.3f}" for lang, v in at10.items() if v <= TARGET]
    print(
        f"\ntarget: stage macro-F1 > {TARGET} with 10 random corrections per stage in every "
        f"language: {'met' if not missed else 'missed in ' + ', '.join(missed)}"
    )
    if not args.skip_suggest:
        worse = [
            f"{lang}@{k}"
            for lang in LANGS
            for k in KS[1:]
            if np.mean([results[("suggest", k, lang, d)][0] for d in (0, 1)])
            < np.mean([results[("random", k, lang, d)][0] for d in (0, 1)])
        ]
        print(
            "suggest at least as good as random at the same number of corrections: "
            + ("yes" if not worse else "no, worse at " + ", ".join(worse))
        )
    if args.scale_home and not args.skip_scale:
        scale(args.scale_home)


def scale(home: Path) -> None:
    library = Library(Settings(home=home))
    evidence = load_evidence(library, EvidenceFilter(workspace="bench"))
    pick = sorted(np.random.default_rng(11).permutation(len(evidence))[:16000].tolist())
    subset = EvidenceSet([evidence.items[i] for i in pick], evidence.vectors[pick])
    framework = load_framework("six_stage")
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace="bench"),
        framework=framework,
        codebook=codebook_for(framework),
    )
    assert options.codebook is not None
    rng = random.Random(5)
    chosen = rng.sample(range(len(subset)), 1000)
    labels = Corrections(
        labels=tuple(
            correction(
                subset.items[i].id,
                framework.id,
                rng.choice(framework.stage_ids),
                rng.choice(options.codebook.code_ids),
            )
            for i in chosen
        )
    )
    started = time.perf_counter()
    analyze_evidence(library, subset, options)
    plain = time.perf_counter() - started
    started = time.perf_counter()
    analysis = analyze_evidence(library, subset, replace(options, corrections=labels))
    taught = time.perf_counter() - started
    print(
        f"\nscale: {len(subset)} items, six_stage + cx_general: {plain:.1f} s without corrections, "
        f"{taught:.1f} s with 1,000 (x{taught / plain:.2f}; target <= 60 s); "
        f"{analysis.corrections} kept"
    )


if __name__ == "__main__":
    main()

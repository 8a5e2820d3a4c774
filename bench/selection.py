"""Choosing the analysis defaults on one half of the labelled dev set and scoring them on the
other (``bench.analysis`` runs it both ways).

The choice is a coordinate ascent over the knobs in ``KNOBS``, from the shipped defaults, two
sweeps: each knob in turn takes the value that maximises, on the choosing half, the mean over
languages of stage macro-F1 + code accuracy + theme purity (a purity counts only when the
language has at most twice as many themes as gold aspects), less any shortfall of stage
accuracy below the majority class. The other half is never looked at while choosing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bench.gold import DOMAINS, LABEL_MAPS, Scores, framework_path, nearest_description, score
from generator.analysis.analyze import AnalysisOptions, analyze_evidence
from generator.analysis.coding import CodeParams
from generator.analysis.evidence import EvidenceSet, load_evidence
from generator.analysis.sentiment import SentimentParams
from generator.analysis.sentiment_map import SourceMapping
from generator.analysis.stages import StageParams
from generator.analysis.themes import ThemeParams
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library

KNOBS: tuple[tuple[str, str, tuple[Any, ...]], ...] = (
    ("sentiment", "label_prior", (1e9, 0.5, 0.2, 0.1)),
    ("stage", "centre_on", ("corpus", "texts")),
    ("stage", "prior_power", (0.5, 0.75, 1.0)),
    ("stage", "code_weight", (0.0, 1.0, 3.0, 10.0)),
    ("stage", "item_side", ("query_map", "both")),
    ("code", "k", (1, 3, 5)),
    ("code", "tau", (0.5, 1.0, 2.0)),
    ("code", "stage_power", (0.5, 1.0, 2.0)),
    ("code", "lexical", (0.0, 0.01, 0.02)),
    ("code", "min_confidence", (0.0, 0.1, 0.2, 0.3)),
    ("theme", "threshold", (0.8, 0.85, 0.9)),
)


@dataclass(frozen=True)
class Params:
    sentiment: SentimentParams = field(default_factory=SentimentParams)
    stage: StageParams = field(default_factory=StageParams)
    code: CodeParams = field(default_factory=CodeParams)
    theme: ThemeParams = field(default_factory=ThemeParams)

    def get(self, group: str, name: str) -> Any:
        return getattr(getattr(self, group), name)

    def set(self, group: str, name: str, value: Any) -> Params:
        return replace(self, **{group: replace(getattr(self, group), **{name: value})})

    def changes(self) -> list[str]:
        """The knobs that differ from the shipped defaults, as ``group.name=value``."""
        base = Params()
        return [
            f"{g}.{n}={self.get(g, n)}" for g, n, _ in KNOBS if self.get(g, n) != base.get(g, n)
        ]


class GoldRuns:
    """Analyses of the gold domains under given parameters, scored per language and half."""

    def __init__(
        self,
        library: Library,
        gold: dict[str, dict[str, Any]],
        halves: dict[str, tuple[set[str], set[str]]],
    ) -> None:
        self.library = library
        self.gold = gold
        self.halves = halves
        self.evidence: dict[str, EvidenceSet] = {}
        self.baselines: dict[str, dict[str, str]] = {}
        self._cache: dict[Params, dict[tuple[str, int], Scores]] = {}
        for domain in DOMAINS:
            evidence = load_evidence(library, EvidenceFilter(workspace=domain))
            self.evidence[domain] = evidence
            self.baselines[domain] = nearest_description(library, evidence, domain)

    def options(self, domain: str, params: Params) -> AnalysisOptions:
        framework = load_framework(str(framework_path(domain)))
        labels = [m for lang in DOMAINS[domain] for m in LABEL_MAPS[lang]]
        return AnalysisOptions(
            scope=EvidenceFilter(workspace=domain),
            framework=framework,
            mapping=SourceMapping.parse(labels, None),
            codebook=codebook_for(framework),
            sentiment=params.sentiment,
            stage=params.stage,
            code=params.code,
            theme=params.theme,
        )

    def run(self, params: Params) -> dict[tuple[str, int], Scores]:
        """(language, half) -> scores."""
        if params not in self._cache:
            out: dict[tuple[str, int], Scores] = {}
            for domain, langs in DOMAINS.items():
                options = self.options(domain, params)
                analysis = analyze_evidence(self.library, self.evidence[domain], options)
                assert options.codebook is not None
                code_ids = set(options.codebook.code_ids)
                for lang in langs:
                    for half in (0, 1):
                        out[(lang, half)] = score(
                            analysis,
                            self.gold,
                            self.halves[lang][half],
                            code_ids,
                            self.baselines[domain],
                        )
            self._cache[params] = out
        return self._cache[params]


def objective(scores: dict[tuple[str, int], Scores], half: int) -> float:
    """Mean over languages of stage macro-F1 + code accuracy + purity (0 with too many themes),
    less the shortfall of stage accuracy below the majority class."""
    per_lang = [s for (_, h), s in scores.items() if h == half]
    total = 0.0
    for s in per_lang:
        total += s.macro_f1 + s.code_accuracy + (s.purity if s.themes_ok else 0.0)
        total -= max(0.0, s.majority - s.accuracy)
    return total / len(per_lang)


def choose(
    runs: GoldRuns, half: int, say: Callable[[str], None] = print, sweeps: int = 2
) -> Params:
    """Coordinate ascent on ``half`` from the shipped defaults."""
    best = Params()
    best_value = objective(runs.run(best), half)
    for sweep in range(sweeps):
        changed = False
        for group, name, values in KNOBS:
            for value in values:
                candidate = best.set(group, name, value)
                value_of = objective(runs.run(candidate), half)
                if value_of > best_value + 1e-9:
                    best, best_value, changed = candidate, value_of, True
        say(f"  sweep {sweep + 1}: objective {best_value:.3f} with {best.changes() or 'defaults'}")
        if not changed:
            break
    return best

"""The offline evidence analysis: stages, themes, polarity and severity, priorities, coverage.

Numbers come from the data: a theme's frequency is its members, its severity their mean, its
priority frequency x severity. Competitor evidence is placed in stages but never counted as
customer pain; it is listed per stage instead.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from generator.analysis.centring import LanguageCentring
from generator.analysis.evidence import EvidenceSet, load_evidence
from generator.analysis.keyphrases import Background, keyphrases, show, surface_forms
from generator.analysis.result import (
    PAIN_POLARITIES,
    Analysis,
    Placement,
    StageSummary,
    Theme,
    counted_polarities,
    theme_kind,
)
from generator.analysis.sentiment import SentimentEstimator, SentimentParams
from generator.analysis.sentiment_map import SourceMapping
from generator.analysis.stages import StageClassifier, StageParams
from generator.analysis.themes import ThemeParams, cluster_stage, language_scale, tfidf
from knowledge.dense import normalise
from knowledge.filters import EvidenceFilter
from knowledge.journey.frameworks import NONE_STAGE, StageFramework
from knowledge.library import Library

REPRESENTATIVES = 6


@dataclass(frozen=True)
class AnalysisOptions:
    scope: EvidenceFilter
    framework: StageFramework
    mapping: SourceMapping = field(default_factory=SourceMapping)
    stage: StageParams = field(default_factory=StageParams)
    theme: ThemeParams = field(default_factory=ThemeParams)
    sentiment: SentimentParams = field(default_factory=SentimentParams)
    # Stage assignment other than the offline classifier (e.g. by a language model).
    assign_stages: Callable[[EvidenceSet], list[tuple[str, float]]] | None = None

    def describe(self) -> list[str]:
        return [
            f"framework={self.framework.id}",
            f"stage_method={'offline' if self.assign_stages is None else 'llm'}",
            *self.mapping.describe(),
            *self.stage.describe(),
            *self.theme.describe(),
            *self.sentiment.describe(),
        ]


def _representatives(idx: list[int], vectors: np.ndarray, langs: list[str]) -> list[int]:
    """Most central members, taking the languages in turn so several are quoted."""
    centre = normalise(vectors[idx].mean(axis=0, keepdims=True))[0]
    order = sorted(idx, key=lambda i: -float(vectors[i] @ centre))
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i in order:
        by_lang[langs[i]].append(i)
    ranked_langs = sorted(by_lang, key=lambda lang: -len(by_lang[lang]))
    out: list[int] = []
    while len(out) < min(REPRESENTATIVES, len(idx)):
        for lang in ranked_langs:
            if by_lang[lang] and len(out) < REPRESENTATIVES:
                out.append(by_lang[lang].pop(0))
    return out


def _themes(
    evidence: EvidenceSet,
    stages: list[str],
    polarity: list[str],
    severity: list[int | None],
    params: ThemeParams,
) -> tuple[list[Theme], dict[int, str]]:
    items = evidence.items
    customer = [
        i for i, e in enumerate(items) if e.kind != "competitor" and stages[i] != NONE_STAGE
    ]
    if not customer:
        return [], {}
    langs = [e.lang for e in items]
    centred = LanguageCentring(evidence.vectors, langs).centre(evidence.vectors, langs)
    words = tfidf([items[i].tokens for i in customer])
    row_of = {i: r for r, i in enumerate(customer)}
    scale = language_scale(centred[customer], words, [langs[i] for i in customer], params)
    backgrounds = {
        lang: Background([items[i].tokens for i in customer if langs[i] == lang])
        for lang in {langs[i] for i in customer}
    }
    by_stage: dict[str, list[int]] = defaultdict(list)
    for i in customer:
        by_stage[stages[i]].append(i)
    themes: list[Theme] = []
    theme_of: dict[int, str] = {}
    for stage, idx in sorted(by_stage.items()):
        rows = [row_of[i] for i in idx]
        labels = cluster_stage(
            centred[idx], words[rows], params, scale[rows] if scale is not None else None
        )
        groups: dict[int, list[int]] = defaultdict(list)
        for i, label in zip(idx, labels.tolist(), strict=True):
            groups[label].append(i)
        ordered = sorted(groups.values(), key=lambda g: (-len(g), items[g[0]].id))
        for n, members in enumerate(ordered, start=1):
            theme_id = f"{stage}-{n}"
            lang_counts = Counter(langs[i] for i in members)
            polarity_counts = dict(Counter(polarity[i] for i in members))
            counted = counted_polarities(theme_kind(polarity_counts))
            frequent = [i for i in members if counted is None or polarity[i] in counted]
            # words of the members the theme is about: a pain point is named by its complaints
            frequent_langs = Counter(langs[i] for i in frequent)
            forms = surface_forms([items[i].text for i in frequent])
            phrases = {
                lang: [
                    show(term, forms)
                    for term in keyphrases(
                        [items[i].tokens for i in frequent if langs[i] == lang], backgrounds[lang]
                    )
                ]
                for lang in frequent_langs
            }
            dominant = frequent_langs.most_common(1)[0][0]
            pains = [severity[i] or 1 for i in members if polarity[i] in PAIN_POLARITIES]
            mean_severity = sum(pains) / len(pains) if pains else None
            title = " · ".join(phrases[dominant]) or items[frequent[0]].text[:60]
            themes.append(
                Theme(
                    id=theme_id,
                    stage=stage,
                    title=title,
                    keyphrases=phrases,
                    members=[items[i].id for i in members],
                    language_counts=dict(lang_counts),
                    polarity_counts=polarity_counts,
                    severity=round(mean_severity, 3) if mean_severity is not None else None,
                    priority=round(len(pains) * (mean_severity or 0.0), 3),
                    representatives=[
                        items[i].id for i in _representatives(frequent, centred, langs)
                    ],
                    frequency_by_language=dict(frequent_langs),
                )
            )
            for i in members:
                theme_of[i] = theme_id
    return themes, theme_of


def _stage_summaries(
    evidence: EvidenceSet,
    framework: StageFramework,
    stages: list[str],
    theme_list: list[Theme],
) -> list[StageSummary]:
    items = evidence.items
    summaries: list[StageSummary] = []
    for stage_id in [*framework.stage_ids, NONE_STAGE]:
        members = [i for i, s in enumerate(stages) if s == stage_id]
        customer = [i for i in members if items[i].kind != "competitor"]
        languages = Counter(items[i].lang for i in customer)
        sources = {items[i].source_id for i in customer}
        warnings: list[str] = []
        if stage_id != NONE_STAGE:
            if not customer:
                warnings.append(f"stage {stage_id!r} has no customer evidence")
            else:
                if len(sources) == 1:
                    name = items[customer[0]].location.get("file", "one file")
                    warnings.append(f"stage {stage_id!r} rests on a single source ({name})")
                if len(languages) == 1:
                    warnings.append(
                        f"stage {stage_id!r} rests on a single language ({next(iter(languages))})"
                    )
        summaries.append(
            StageSummary(
                stage=stage_id,
                evidence=len(customer),
                languages=dict(languages),
                sources=len(sources),
                themes=[t.id for t in theme_list if t.stage == stage_id],
                competitor_evidence=[items[i].id for i in members if items[i].kind == "competitor"],
                warnings=warnings,
            )
        )
    return summaries


def analyze_evidence(library: Library, evidence: EvidenceSet, options: AnalysisOptions) -> Analysis:
    started = time.perf_counter()
    if options.assign_stages is not None:
        assigned = options.assign_stages(evidence)
    else:
        classifier = StageClassifier(options.framework, library.embedder, options.stage)
        assigned = classifier.assign(evidence)
    judged = SentimentEstimator(library.embedder, options.sentiment).judge(
        evidence, options.mapping
    )
    stages = [s for s, _ in assigned]
    polarity = [j.polarity for j in judged]
    severity = [j.severity for j in judged]
    theme_list, theme_of = _themes(evidence, stages, polarity, severity, options.theme)
    placements = [
        Placement(
            evidence_id=e.id,
            location=e.location,
            lang=e.lang,
            kind=e.kind,
            stage=stages[i],
            confidence=assigned[i][1],
            theme=theme_of.get(i),
            polarity=polarity[i],
            polarity_source=judged[i].source,
            severity=severity[i],
        )
        for i, e in enumerate(evidence.items)
    ]
    return Analysis(
        workspace=options.scope.workspace,
        framework=options.framework.id,
        stages=_stage_summaries(evidence, options.framework, stages, theme_list),
        themes=theme_list,
        placements=placements,
        parameters=options.describe(),
        seconds=time.perf_counter() - started,
    )


def analyze(library: Library, options: AnalysisOptions) -> tuple[Analysis, EvidenceSet]:
    evidence = load_evidence(library, options.scope)
    return analyze_evidence(library, evidence, options), evidence

"""The evidence-only journey map: what can be said without a language model — the framework's
stages, the analysis' themes as pain points and delighters with their counts, priorities and
verbatim quotes, an emotion score per stage from the evidence's polarity, competitor notes and
coverage. Personas, lanes and recommendations need a model and stay empty."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypeVar

from generator.analysis.evidence import Evidence, EvidenceSet
from generator.analysis.quotes import quote_of
from generator.analysis.result import Analysis, Theme
from generator.drafting.wording import counted_phrase, emotion_key, language_in, phrase
from generator.llm.provenance import tool_version
from knowledge.journey.frameworks import StageFramework
from knowledge.journey.model import (
    CompetitorNote,
    Coverage,
    Delighter,
    Emotion,
    EvidenceRef,
    FrameworkRef,
    JourneyMap,
    KindCount,
    LanguageCount,
    PainPoint,
    Provenance,
    Scope,
    Stage,
    StageCount,
    Text,
)
from knowledge.research.evidence import stable_id
from knowledge.text.hygiene import ADDRESSES_AI
from knowledge.text.localise import language_name, listed, number

QUOTES_PER_ELEMENT = 5


def evidence_ref(item: Evidence, span: Sequence[int] | None = None) -> EvidenceRef:
    return EvidenceRef(
        evidence_id=item.id,
        quote=quote_of(item.text, span),
        lang=item.lang,
        kind=item.kind,
        translation=None,
    )


def _lang_counts(counts: dict[str, int]) -> list[LanguageCount]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [LanguageCount(lang=lang, count=n) for lang, n in ordered]


def _langs_text(counts: dict[str, int], lang: str) -> str:
    """Counts by language, e.g. (in Russian) персидский 3, тайский 2."""
    ordered = sorted(counts.items(), key=lambda kv: -kv[1])
    return listed([f"{language_name(code, lang)} {number(n, lang)}" for code, n in ordered], lang)


def _title(theme: Theme, lang: str) -> str:
    """The theme's title in ``lang``, or, for an emergent theme no one raised in ``lang``, a
    plain statement of that in ``lang`` (the element's quotes show the words, each with its
    language)."""
    title = theme.title_in(lang)
    if title:
        return title
    langs = sorted(theme.frequency_by_language, key=lambda x: (-theme.frequency_by_language[x], x))
    named = " / ".join(language_in(lang, x) for x in langs[:2])
    return phrase("only_in", lang, {"language": named, "n": number(theme.frequency, lang)})


def _pain_point(theme: Theme, items: dict[str, Evidence], lang: str) -> PainPoint:
    severity = theme.severity or 1.0
    title = _title(theme, lang)
    return PainPoint(
        id=f"pp-{theme.id}",
        title=Text(text=title, origin="evidence"),
        description=Text(
            text=counted_phrase(
                "pain",
                lang,
                theme.frequency,
                langs=_langs_text(theme.frequency_by_language, lang),
                severity=number(severity, lang, 1),
            ),
            origin="evidence",
        ),
        severity=round(severity, 2),
        frequency=theme.frequency,
        priority=round(theme.priority, 2),
        language_counts=_lang_counts(theme.frequency_by_language),
        evidence=[
            evidence_ref(items[e], theme.quotes.get(e))
            for e in theme.representatives[:QUOTES_PER_ELEMENT]
        ],
    )


def _delighter(theme: Theme, items: dict[str, Evidence], lang: str) -> Delighter:
    title = _title(theme, lang)
    return Delighter(
        id=f"dl-{theme.id}",
        title=Text(text=title, origin="evidence"),
        description=Text(
            text=counted_phrase(
                "delight",
                lang,
                theme.frequency,
                langs=_langs_text(theme.frequency_by_language, lang),
            ),
            origin="evidence",
        ),
        frequency=theme.frequency,
        language_counts=_lang_counts(theme.frequency_by_language),
        evidence=[
            evidence_ref(items[e], theme.quotes.get(e))
            for e in theme.representatives[:QUOTES_PER_ELEMENT]
        ],
    )


Titled = TypeVar("Titled", PainPoint, Delighter)


def _distinct(elements: list[Titled]) -> list[Titled]:
    """Number the titles a stage would otherwise show twice ("… · 2")."""
    seen: Counter[str] = Counter()
    for element in elements:
        seen[element.title.text] += 1
        if seen[element.title.text] > 1:
            element.title.text = f"{element.title.text} · {seen[element.title.text]}"
    return elements


def build_evidence_only_map(
    analysis: Analysis,
    evidence: EvidenceSet,
    framework: StageFramework,
    lang: str,
    scope: Scope,
) -> JourneyMap:
    items = {e.id: e for e in evidence.items}
    themes_by_stage: dict[str, list[Theme]] = {}
    for theme in analysis.themes:
        themes_by_stage.setdefault(theme.stage, []).append(theme)
    summaries = {s.stage: s for s in analysis.stages}
    stages: list[Stage] = []
    for definition in framework.stages:
        themes = sorted(themes_by_stage.get(definition.id, []), key=lambda t: -t.priority)
        summary = summaries.get(definition.id)
        polarities = [
            p.polarity
            for p in analysis.placements
            if p.stage == definition.id and p.kind != "competitor"
        ]
        emotion = None
        if polarities:
            pos = sum(1 for x in polarities if x == "positive")
            neg = sum(1 for x in polarities if x == "negative")
            score = round((pos - neg) / len(polarities), 2)
            emotion = Emotion(
                score=score, label=Text(text=phrase(emotion_key(score), lang), origin="evidence")
            )
        competitor = summary.competitor_evidence if summary else []
        stages.append(
            Stage(
                id=definition.id,
                name=Text(text=definition.name(lang), origin="human"),
                actions=[],
                thoughts=[],
                emotion=emotion,
                touchpoints=[],
                pain_points=_distinct([_pain_point(t, items, lang) for t in themes if t.is_pain]),
                delighters=_distinct([_delighter(t, items, lang) for t in themes if t.is_delight]),
                moments_of_truth=[],
                opportunities=[],
                frontstage=[],
                backstage=[],
                support_processes=[],
                outside_brand=[],
                changes=[],
                competitor_notes=[
                    CompetitorNote(
                        text=Text(text=quote_of(items[e].text), origin="evidence"),
                        evidence=[evidence_ref(items[e])],
                    )
                    for e in competitor[:QUOTES_PER_ELEMENT]
                ],
                evidence_count=summary.evidence if summary else 0,
            )
        )
    cov = analysis.coverage()
    scope_name = " / ".join(x for x in (scope.workspace, scope.product, scope.segment) if x)
    return JourneyMap(
        id=stable_id("map", analysis.workspace, framework.id, lang, datetime.now(UTC).isoformat()),
        title=Text(text=phrase("title", lang, {"scope": scope_name}), origin="evidence"),
        language=lang,
        map_type="current_state",
        scope=scope,
        framework=FrameworkRef(
            id=framework.id, name=framework.title(lang), stage_ids=framework.stage_ids
        ),
        personas=[],
        stages=stages,
        recommendations=[],
        coverage=Coverage(
            total_evidence=cov["total_evidence"],
            by_language=_lang_counts(cov["by_language"]),
            by_kind=[KindCount(kind=k, count=n) for k, n in sorted(cov["by_kind"].items())],
            by_stage=[StageCount(stage_id=s, count=n) for s, n in sorted(cov["by_stage"].items())],
            unplaced=cov["unplaced"],
            competitor_evidence=cov["competitor_evidence"],
            warnings=cov["warnings"],
            notices=[n for summary in analysis.stages for n in summary.notices],
            addresses_ai=cov["flagged"].get(ADDRESSES_AI, 0),
        ),
        provenance=Provenance(
            generator="evidence-only",
            model=None,
            endpoint_kind=None,
            prompt_versions=[],
            parameters=analysis.parameters,
            corrections=analysis.corrections,
            analysis=analysis.digest(),
            calls=[],
            based_on=None,
            created_at=datetime.now(UTC),
            seconds=round(analysis.seconds, 3),
            tool_version=tool_version(),
        ),
        evidence_only=True,
    )

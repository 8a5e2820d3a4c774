"""The full draft by a language model, in parts small enough for modest models: personas, then
each stage's lanes, then recommendations. The evidence-only map is the skeleton: its stages,
pain points, delighters, counts, priorities and coverage come from the analysis and the model
never changes a number. The model writes the words, and cites quotes that are checked."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from generator.analysis.evidence import Evidence, EvidenceSet
from generator.analysis.result import Analysis, Theme
from generator.drafting import context
from generator.drafting.evidence_only import QUOTES_PER_ELEMENT, build_evidence_only_map
from generator.drafting.grounding import Grounding
from generator.drafting.parts import (
    PersonasPart,
    Quote,
    RecommendationsPart,
    StageLanesPart,
    ThemePart,
    TouchpointPart,
)
from generator.llm.job import LLMJob
from generator.llm.splitting import split_on_truncation
from knowledge.journey.frameworks import StageFramework
from knowledge.journey.model import (
    Delighter,
    Emotion,
    EvidenceRef,
    JourneyMap,
    PainPoint,
    Persona,
    Provenance,
    Recommendation,
    Scope,
    Stage,
    Text,
    Touchpoint,
)
from knowledge.text.segment import words
from knowledge.vocabulary import STAGE_LANES, MapType
from prompts.templates import get_template


@dataclass(frozen=True)
class DraftSpec:
    map_type: MapType = "current_state"
    personas: int = 3
    goal: str | None = None


def inferred(text: str) -> Text:
    return Text(text=text, origin="inferred")


def refs(quotes: Sequence[Quote], items: dict[str, Evidence]) -> list[EvidenceRef]:
    out: list[EvidenceRef] = []
    for q in quotes:
        item = items[q.evidence_id]
        out.append(
            EvidenceRef(
                evidence_id=item.id,
                quote=q.quote.strip(),
                lang=item.lang,
                kind=item.kind,
                translation=None,
            )
        )
    return out


def touchpoint(i: int, t: TouchpointPart, stage_id: str) -> Touchpoint:
    return Touchpoint(
        id=f"tp-{stage_id}-{i}",
        name=inferred(t.name),
        channel=inferred(t.channel),
        owner_team=inferred(t.owner_team) if t.owner_team else None,
    )


class LLMDrafter:
    def __init__(self, job: LLMJob) -> None:
        self.job = job
        # words of the evidence that does not address an AI: never "planted" (see screening)
        self.known_words: frozenset[str] = frozenset()

    # -- personas -------------------------------------------------------------------------

    def personas(
        self, analysis: Analysis, items: dict[str, Evidence], scope_text: str, count: int
    ) -> list[Persona]:
        ranked = sorted(analysis.themes, key=lambda t: (-(t.priority or 0) - t.count, t.id))
        shown = [
            context.ShownTheme(("pp-" if t.is_pain else "dl-") + t.id, t)
            for t in ranked[: context.THEMES_FOR_PERSONAS]
        ]
        themes = context.themes_block(shown, items, self.job.fence, quotes=2)
        grounding = Grounding(items, self.job.lang)
        slots = list(range(count))

        def run(batch: Sequence[int]) -> PersonasPart:
            n = len(batch)

            def validate(part: PersonasPart) -> list[str]:
                errors = []
                if not 1 <= len(part.personas) <= n:
                    errors.append(f"personas: give exactly {n} persona(s)")
                for i, p in enumerate(part.personas):
                    where = f"personas[{i}]"
                    if not p.quotes:
                        errors.append(f"{where}.quotes: cite at least one quote")
                    errors += grounding.quotes(f"{where}.quotes", p.quotes)
                    errors += grounding.texts(
                        [(f"{where}.name", p.name), (f"{where}.description", p.description)]
                        + [(f"{where}.goals", g) for g in p.goals]
                        + [(f"{where}.frustrations", f) for f in p.frustrations]
                    )
                return errors

            self.job.progress(f"personas ({n})")
            return self.job.ask(
                "personas",
                "personas",
                PersonasPart,
                validate,
                known_words=self.known_words,
                numbers=True,
                splittable=n > 1,
                persona_count=n,
                scope=scope_text,
                themes=themes,
            )

        personas: list[Persona] = []
        for part in split_on_truncation(slots, run):
            for p in part.personas:
                personas.append(
                    Persona(
                        id=f"persona-{len(personas) + 1}",
                        name=inferred(p.name),
                        description=inferred(p.description),
                        goals=[inferred(g) for g in p.goals],
                        frustrations=[inferred(f) for f in p.frustrations],
                        evidence=refs(p.quotes, items),
                    )
                )
        return personas

    # -- stage lanes ----------------------------------------------------------------------

    def lanes(
        self,
        stage: Stage,
        description: str,
        themes: list[Theme],
        items: dict[str, Evidence],
        spec: DraftSpec,
        personas: list[Persona],
    ) -> Stage:
        shown = context.shown_themes(themes)
        grounding = Grounding(items, self.job.lang, {s.map_id: set(s.theme.members) for s in shown})
        guidance = get_template("stage_lanes").guidance[spec.map_type]
        persona_text = "; ".join(f"{p.name.text}: {p.description.text}" for p in personas)

        def run(batch: Sequence[context.ShownTheme]) -> StageLanesPart:
            pains = [s.map_id for s in batch if s.map_id.startswith("pp-")]
            delights = [s.map_id for s in batch if s.map_id.startswith("dl-")]

            def validate(part: StageLanesPart) -> list[str]:
                errors = grounding.ids("pain_points", [p.id for p in part.pain_points], pains)
                errors += grounding.ids("delighters", [d.id for d in part.delighters], delights)
                for lane, entries in (
                    ("pain_points", part.pain_points),
                    ("delighters", part.delighters),
                ):
                    seen: set[str] = set()
                    for i, entry in enumerate(entries):
                        if entry.id in seen:
                            errors.append(f"{lane}[{i}]: {entry.id} appears twice")
                        seen.add(entry.id)
                        if entry.id in grounding.members:
                            errors += grounding.quotes(
                                f"{lane}[{i}].quotes", entry.quotes, entry.id
                            )
                errors += grounding.texts(_lane_texts(part))
                return errors

            return self.job.ask(
                "stage_lanes",
                f"lanes:{stage.id}",
                StageLanesPart,
                validate,
                known_words=self.known_words,
                numbers=True,
                splittable=len(batch) > 1,
                map_type=spec.map_type.replace("_", " "),
                map_type_guidance=guidance,
                stage=description,
                emotion=f"{stage.emotion.score:+.2f}" if stage.emotion else "(unknown)",
                personas=persona_text or "(none drafted)",
                themes=context.themes_block(list(batch), items, self.job.fence),
            )

        parts = split_on_truncation(shown, run)
        return _merge_lanes(stage, parts, items, spec.map_type)

    # -- recommendations ------------------------------------------------------------------

    def recommendations(
        self, stages: list[Stage], items: dict[str, Evidence], scope_text: str, goal: str
    ) -> list[Recommendation]:
        pains = sorted(
            ((s, p) for s in stages for p in s.pain_points if p.title.origin == "inferred"),
            key=lambda sp: (-sp[1].priority, sp[1].id),
        )[: context.PAINS_FOR_RECOMMENDATIONS]
        if not pains:
            return []
        grounding = Grounding(items, self.job.lang)

        def run(batch: Sequence[tuple[Stage, PainPoint]]) -> RecommendationsPart:
            allowed = [p.id for _, p in batch]

            def validate(part: RecommendationsPart) -> list[str]:
                errors = []
                if not part.recommendations:
                    errors.append("recommendations: give at least one recommendation")
                for i, r in enumerate(part.recommendations):
                    where = f"recommendations[{i}]"
                    if not r.addresses:
                        errors.append(f"{where}.addresses: name the pain point ids it addresses")
                    errors += grounding.ids(f"{where}.addresses", r.addresses, allowed)
                    errors += grounding.texts(
                        [
                            (f"{where}.action", r.action),
                            (f"{where}.owner_team", r.owner_team),
                            (f"{where}.kpi", r.kpi),
                        ]
                    )
                return errors

            return self.job.ask(
                "recommendations",
                "recommendations",
                RecommendationsPart,
                validate,
                known_words=self.known_words,
                numbers=False,  # a KPI may name a target the team sets
                splittable=len(batch) > 1,
                scope=scope_text,
                goal=goal,
                pain_points=context.pain_block(list(batch), items, self.job.fence),
            )

        self.job.progress("recommendations")
        out: list[Recommendation] = []
        for part in split_on_truncation(pains, run):
            for r in part.recommendations:
                out.append(
                    Recommendation(
                        id=f"rec-{len(out) + 1}",
                        action=inferred(r.action),
                        addresses=list(dict.fromkeys(r.addresses)),
                        owner_team=inferred(r.owner_team) if r.owner_team else None,
                        effort=r.effort,
                        impact=r.impact,
                        kpi=inferred(r.kpi) if r.kpi else None,
                    )
                )
        return out

    # -- the whole map --------------------------------------------------------------------

    def draft(
        self,
        analysis: Analysis,
        evidence: EvidenceSet,
        framework: StageFramework,
        scope: Scope,
        spec: DraftSpec,
    ) -> JourneyMap:
        started = time.monotonic()
        lang = self.job.lang
        skeleton = build_evidence_only_map(analysis, evidence, framework, lang, scope)
        items = {e.id: e for e in evidence.items}
        self.known_words = frozenset(
            w
            for e in evidence.items
            if not e.hygiene.addresses_ai
            for w in (e.tokens or words(e.text))
        )
        scope_text = _scope_text(scope, framework, lang)
        themes_by_stage: dict[str, list[Theme]] = {}
        for t in analysis.themes:
            themes_by_stage.setdefault(t.stage, []).append(t)
        personas = (
            self.personas(analysis, items, scope_text, spec.personas) if spec.personas else []
        )
        stages: list[Stage] = []
        definitions = {s.id: s for s in framework.stages}
        drafted = [s for s in skeleton.stages if s.evidence_count]
        done = 0
        for stage in skeleton.stages:
            if (
                not stage.evidence_count
            ):  # nothing to ground lanes in: left empty, flagged in coverage
                stages.append(stage)
                continue
            done += 1
            self.job.progress(f"lanes: {stage.name.text} ({done}/{len(drafted)})")
            d = definitions[stage.id]
            description = f"{stage.name.text} — {d.description(lang)}"
            stages.append(
                self.lanes(
                    stage, description, themes_by_stage.get(stage.id, []), items, spec, personas
                )
            )
        goal = spec.goal or scope.goal or "(not stated: improve the experience where it hurts most)"
        recommendations = self.recommendations(stages, items, scope_text, goal)
        return skeleton.model_copy(
            update={
                "map_type": spec.map_type,
                "personas": personas,
                "stages": stages,
                "recommendations": recommendations,
                "evidence_only": False,
                "provenance": Provenance(
                    generator="llm",
                    model=self.job.model.name,
                    endpoint_kind=self.job.model.endpoint_kind,
                    prompt_versions=self.job.prompt_versions,
                    parameters=[*analysis.parameters, *self.job.parameters],
                    corrections=analysis.corrections,
                    analysis=analysis.digest(),
                    calls=self.job.asked.calls,
                    based_on=None,
                    created_at=datetime.now(UTC),
                    seconds=round(analysis.seconds + time.monotonic() - started, 3),
                    tool_version=skeleton.provenance.tool_version,
                ),
            }
        )


def _scope_text(scope: Scope, framework: StageFramework, lang: str) -> str:
    parts = [f"workspace {scope.workspace}"]
    if scope.product:
        parts.append(f"product {scope.product}")
    if scope.segment:
        parts.append(f"segment {scope.segment}")
    parts.append(f"journey framework {framework.title(lang)}")
    return "; ".join(parts)


def _lane_texts(part: StageLanesPart) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = [("emotion_label", part.emotion_label)]
    for lane in STAGE_LANES:
        out += [(f"{lane}[{i}]", t) for i, t in enumerate(getattr(part, lane))]
    for i, t in enumerate(part.touchpoints):
        out += [
            (f"touchpoints[{i}].name", t.name),
            (f"touchpoints[{i}].channel", t.channel),
            (f"touchpoints[{i}].owner_team", t.owner_team),
        ]
    for lane, entries in (("pain_points", part.pain_points), ("delighters", part.delighters)):
        for i, e in enumerate(entries):
            out += [(f"{lane}[{i}].title", e.title), (f"{lane}[{i}].description", e.description)]
    return out


def _written(
    element: PainPoint | Delighter, written: ThemePart | None, items: dict[str, Evidence]
) -> PainPoint | Delighter:
    if written is None:
        return element
    cited = refs(written.quotes, items)
    cited_ids = {r.evidence_id for r in cited}
    padding = [r for r in element.evidence if r.evidence_id not in cited_ids]
    return element.model_copy(
        update={
            "title": inferred(written.title),
            "description": inferred(written.description),
            "evidence": (cited + padding)[:QUOTES_PER_ELEMENT],
        }
    )


def _merge_lanes(
    stage: Stage, parts: list[StageLanesPart], items: dict[str, Evidence], map_type: MapType
) -> Stage:
    def texts(lane: str) -> list[Text]:
        seen: dict[str, None] = {}
        for part in parts:
            for t in getattr(part, lane):
                seen.setdefault(t.strip(), None)
        return [inferred(t) for t in seen if t]

    written = {e.id: e for part in parts for e in [*part.pain_points, *part.delighters]}
    touchpoints: list[Touchpoint] = []
    names: set[str] = set()
    for part in parts:
        for t in part.touchpoints:
            if t.name.strip() not in names:
                names.add(t.name.strip())
                touchpoints.append(touchpoint(len(touchpoints) + 1, t, stage.id))
    blueprint = map_type == "service_blueprint"
    return stage.model_copy(
        update={
            "actions": texts("actions"),
            "thoughts": texts("thoughts"),
            # the evidence's score; the model only words the feeling
            "emotion": (
                Emotion(score=stage.emotion.score, label=inferred(parts[0].emotion_label))
                if stage.emotion is not None
                else None
            ),
            "touchpoints": touchpoints,
            "pain_points": [_written(p, written.get(p.id), items) for p in stage.pain_points],
            "delighters": [_written(d, written.get(d.id), items) for d in stage.delighters],
            "moments_of_truth": texts("moments_of_truth"),
            "opportunities": texts("opportunities"),
            "frontstage": texts("frontstage") if blueprint else [],
            "backstage": texts("backstage") if blueprint else [],
            "support_processes": texts("support_processes") if blueprint else [],
            "outside_brand": texts("outside_brand") if map_type == "day_in_the_life" else [],
        }
    )

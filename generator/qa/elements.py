"""A map version as retrievable elements: each persona, stage, pain point, delighter and
recommendation is its own entry, addressed as ``MAP_ID:path`` (the review paths)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.journey.elements import iter_elements
from knowledge.journey.model import (
    Delighter,
    EvidenceRef,
    JourneyMap,
    PainPoint,
    Persona,
    Recommendation,
    Stage,
)


@dataclass(frozen=True)
class ScopedMap:
    map_id: str
    version: int
    status: str
    journey: JourneyMap


@dataclass
class Element:
    ref: str  # MAP_ID:path
    map_id: str
    version: int
    kind: str  # persona, stage, pain_point, delighter, recommendation
    stage: str | None
    lang: str
    title: str
    text: str  # what is embedded and shown: title and the element's other words
    evidence: list[EvidenceRef] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)
    stage_name: str | None = None  # the stage's name in the map's language

    @property
    def path(self) -> str:
        return self.ref.split(":", 1)[1]


def _words(*texts: Any) -> str:
    out: list[str] = []
    for t in texts:
        if t is None:
            continue
        if isinstance(t, list):
            out.extend(x.text for x in t if x is not None)
        else:
            out.append(t.text)
    return " · ".join(x for x in out if x)


def stage_name(maps: list[ScopedMap], stage: str, lang: str | None = None) -> str | None:
    """The name of stage ``stage`` as the maps call it, preferably in ``lang``."""
    named = [
        (m.journey.language, s.name.text) for m in maps for s in m.journey.stages if s.id == stage
    ]
    return next((n for lg, n in named if lg == lang), named[0][1] if named else None)


def elements_of(scoped: ScopedMap) -> list[Element]:
    """The map's personas, stages, pain points, delighters and recommendations
    (``knowledge.journey.elements``), in document order."""
    j, mid, v, lang = scoped.journey, scoped.map_id, scoped.version, scoped.journey.language
    stage_of = {pp.id: s.id for s in j.stages for pp in s.pain_points}
    name_of = {s.id: s.name.text for s in j.stages}
    out: list[Element] = []
    for e in iter_elements(j):
        ref, x, s = f"{mid}:{e.path}", e.value, e.stage
        if isinstance(x, Persona):
            out.append(
                Element(
                    ref,
                    mid,
                    v,
                    "persona",
                    None,
                    lang,
                    x.name.text,
                    _words(x.name, x.description, x.goals, x.frustrations),
                    list(x.evidence),
                )
            )
        elif isinstance(x, Stage):
            out.append(
                Element(
                    ref,
                    mid,
                    v,
                    "stage",
                    x.id,
                    lang,
                    x.name.text,
                    _words(
                        x.name,
                        x.actions,
                        x.thoughts,
                        x.emotion.label if x.emotion else None,
                        [t.name for t in x.touchpoints],
                        x.moments_of_truth,
                        x.opportunities,
                    ),
                    numbers={"emotion": x.emotion.score if x.emotion else None},
                    stage_name=x.name.text,
                )
            )
        elif isinstance(x, PainPoint) and s is not None:
            out.append(
                Element(
                    ref,
                    mid,
                    v,
                    "pain_point",
                    s.id,
                    lang,
                    x.title.text,
                    _words(x.title, x.description),
                    list(x.evidence),
                    {
                        "frequency": x.frequency,
                        "severity": x.severity,
                        "priority": x.priority,
                        "by_language": {c.lang: c.count for c in x.language_counts},
                    },
                    s.name.text,
                )
            )
        elif isinstance(x, Delighter) and s is not None:
            out.append(
                Element(
                    ref,
                    mid,
                    v,
                    "delighter",
                    s.id,
                    lang,
                    x.title.text,
                    _words(x.title, x.description),
                    list(x.evidence),
                    {
                        "frequency": x.frequency,
                        "by_language": {c.lang: c.count for c in x.language_counts},
                    },
                    s.name.text,
                )
            )
        elif isinstance(x, Recommendation):
            stages = {stage_of[a] for a in x.addresses if a in stage_of}
            stage = next(iter(stages)) if len(stages) == 1 else None
            out.append(
                Element(
                    ref,
                    mid,
                    v,
                    "recommendation",
                    stage,
                    lang,
                    x.action.text,
                    _words(x.action, x.owner_team, x.kpi),
                    numbers={
                        "owner_team": x.owner_team.text if x.owner_team else None,
                        "status": x.status,
                        "effort": x.effort,
                        "impact": x.impact,
                        "addresses": list(x.addresses),
                    },
                    stage_name=name_of.get(stage) if stage else None,
                )
            )
    return out

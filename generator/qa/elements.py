"""A map version as retrievable elements: each persona, stage, pain point, delighter and
recommendation is its own entry, addressed as ``MAP_ID:path`` (the review paths)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.journey.model import EvidenceRef, JourneyMap


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
    j, mid, v, lang = scoped.journey, scoped.map_id, scoped.version, scoped.journey.language
    out: list[Element] = []
    for p in j.personas:
        out.append(
            Element(
                f"{mid}:personas/{p.id}",
                mid,
                v,
                "persona",
                None,
                lang,
                p.name.text,
                _words(p.name, p.description, p.goals, p.frustrations),
                list(p.evidence),
            )
        )
    for s in j.stages:
        base = f"stages/{s.id}"
        out.append(
            Element(
                f"{mid}:{base}",
                mid,
                v,
                "stage",
                s.id,
                lang,
                s.name.text,
                _words(
                    s.name,
                    s.actions,
                    s.thoughts,
                    s.emotion.label if s.emotion else None,
                    [t.name for t in s.touchpoints],
                    s.moments_of_truth,
                    s.opportunities,
                ),
                numbers={"emotion": s.emotion.score if s.emotion else None},
                stage_name=s.name.text,
            )
        )
        for pp in s.pain_points:
            out.append(
                Element(
                    f"{mid}:{base}/pain_points/{pp.id}",
                    mid,
                    v,
                    "pain_point",
                    s.id,
                    lang,
                    pp.title.text,
                    _words(pp.title, pp.description),
                    list(pp.evidence),
                    {
                        "frequency": pp.frequency,
                        "severity": pp.severity,
                        "priority": pp.priority,
                        "by_language": {c.lang: c.count for c in pp.language_counts},
                    },
                    s.name.text,
                )
            )
        for d in s.delighters:
            out.append(
                Element(
                    f"{mid}:{base}/delighters/{d.id}",
                    mid,
                    v,
                    "delighter",
                    s.id,
                    lang,
                    d.title.text,
                    _words(d.title, d.description),
                    list(d.evidence),
                    {
                        "frequency": d.frequency,
                        "by_language": {c.lang: c.count for c in d.language_counts},
                    },
                    s.name.text,
                )
            )
    stage_of = {pp.id: s.id for s in j.stages for pp in s.pain_points}
    name_of = {s.id: s.name.text for s in j.stages}
    for r in j.recommendations:
        stages = {stage_of[a] for a in r.addresses if a in stage_of}
        stage = next(iter(stages)) if len(stages) == 1 else None
        out.append(
            Element(
                f"{mid}:recommendations/{r.id}",
                mid,
                v,
                "recommendation",
                stage,
                lang,
                r.action.text,
                _words(r.action, r.owner_team, r.kpi),
                numbers={
                    "owner_team": r.owner_team.text if r.owner_team else None,
                    "status": r.status,
                    "effort": r.effort,
                    "impact": r.impact,
                    "addresses": list(r.addresses),
                },
                stage_name=name_of.get(stage) if stage else None,
            )
        )
    return out

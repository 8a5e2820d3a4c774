"""What the model is asked to return for each drafting part, in strict-schema shape (extra
fields forbidden, every field required, lists instead of free-form dicts). Counts, severities,
priorities and a current stage's emotion score are deliberately absent: they come from the
analysis, and an answer that carries them is rejected as having fields it may not have. Texts
have the journey map's bounds (titles and names short), checked on our side so an overlong answer
is re-asked."""

from __future__ import annotations

from pydantic import Field

from generator.llm.part import Part
from knowledge.journey.model import Level
from knowledge.journey.strings import LongAnswer, ShortAnswer


class Quote(Part):
    evidence_id: str = Field(description="Id of the evidence, exactly as given (ev_...).")
    quote: str = Field(description="Verbatim substring of that evidence's text.")


class PersonaPart(Part):
    name: ShortAnswer
    description: LongAnswer
    goals: list[LongAnswer]
    frustrations: list[LongAnswer]
    quotes: list[Quote]


class PersonasPart(Part):
    personas: list[PersonaPart]


class TouchpointPart(Part):
    name: ShortAnswer
    channel: ShortAnswer
    owner_team: ShortAnswer | None


class ThemePart(Part):
    id: str = Field(description="The pain point (pp-...) or delighter (dl-...) id as listed.")
    title: ShortAnswer
    description: LongAnswer
    quotes: list[Quote]


class StageLanesPart(Part):
    actions: list[LongAnswer]
    thoughts: list[LongAnswer]
    # no score: the stage's emotion score is the evidence's (``evidence_only``); the model
    # only names the feeling
    emotion_label: ShortAnswer
    touchpoints: list[TouchpointPart]
    pain_points: list[ThemePart]
    delighters: list[ThemePart]
    moments_of_truth: list[LongAnswer]
    opportunities: list[LongAnswer]
    frontstage: list[LongAnswer]
    backstage: list[LongAnswer]
    support_processes: list[LongAnswer]
    outside_brand: list[LongAnswer]


class RecommendationPart(Part):
    action: LongAnswer
    addresses: list[str] = Field(description="Ids of the pain points (pp-...) it addresses.")
    owner_team: ShortAnswer | None
    effort: Level | None
    impact: Level | None
    kpi: LongAnswer | None


class RecommendationsPart(Part):
    recommendations: list[RecommendationPart]


class ChangePart(Part):
    current: LongAnswer
    future: LongAnswer
    gap: LongAnswer
    addresses: list[str] = Field(description="Ids of current pain points (pp-...) it removes.")


class FutureStagePart(Part):
    actions: list[LongAnswer]
    thoughts: list[LongAnswer]
    emotion_score: float = Field(ge=-1, le=1)
    emotion_label: ShortAnswer
    touchpoints: list[TouchpointPart]
    moments_of_truth: list[LongAnswer]
    opportunities: list[LongAnswer]
    changes: list[ChangePart]


class AssignmentPart(Part):
    evidence_id: str
    stage_id: str = Field(description="A stage id from the list, or none.")
    confidence: float = Field(ge=0, le=1)


class StageAssignmentsPart(Part):
    assignments: list[AssignmentPart]

"""The journey map, in strict-schema shape: every model forbids extra fields, every field is
required (``X | None`` where a value may be absent), lists instead of free-form dicts, and every
field is described — so the same models can be handed to a language model as a JSON schema and
validated on the way back.

Every text a person reads carries its origin: ``evidence`` (taken from customer words or counted
from them), ``inferred`` (written by a model from the evidence) or ``human`` (edited by a
reviewer). Numbers that rank pain points — frequency, per-language counts, severity, priority —
come from the evidence analysis, never from a model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from knowledge.journey.strings import MAX_LABEL, Id, Label, LongText, MapId, Quote, Translation
from knowledge.vocabulary import EvidenceKind, LanguageCode, MapLanguage, MapType

Origin = Literal["evidence", "inferred", "human"]
Level = Literal["low", "medium", "high"]
Polarity = Literal["negative", "positive", "neutral", "mixed"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Text(Strict):
    """A piece of text someone reads, with where it came from."""

    text: LongText = Field(description="The text, in the map's language unless it is a quote.")
    origin: Origin = Field(
        description="evidence: customer words or counted from them; inferred: written by a "
        "model from the evidence; human: written or edited by a reviewer."
    )


def _short(value: Text) -> Text:
    if len(value.text) > MAX_LABEL:
        raise ValueError(f"a title or name has at most {MAX_LABEL} characters")
    return value


ShortText = Annotated[Text, AfterValidator(_short)]  # titles, names, labels


class EvidenceRef(Strict):
    """A verbatim quote from one piece of evidence in the library."""

    evidence_id: Id = Field(description="Id of the evidence chunk (ev_...).")
    quote: Quote = Field(description="Verbatim substring of the evidence text, never translated.")
    lang: LanguageCode = Field(description="Language the customer wrote in.")
    kind: EvidenceKind = Field(description="What kind of research the evidence comes from.")
    translation: Translation | None = Field(
        description="Translation of the quote into the map's language, when it differs."
    )


class LanguageCount(Strict):
    lang: LanguageCode
    count: int = Field(ge=0)


class PainPoint(Strict):
    id: Id = Field(description="Stable id within the map (pp-...).")
    title: ShortText
    description: Text
    severity: float = Field(ge=1, le=3, description="Mean severity, 1 minor to 3 severe.")
    frequency: int = Field(ge=0, description="Evidence items that raise it.")
    priority: float = Field(ge=0, description="frequency x severity.")
    language_counts: list[LanguageCount] = Field(description="Frequency per language.")
    evidence: list[EvidenceRef] = Field(description="Representative verbatim quotes.")


class Delighter(Strict):
    id: Id = Field(description="Stable id within the map (dl-...).")
    title: ShortText
    description: Text
    frequency: int = Field(ge=0)
    language_counts: list[LanguageCount]
    evidence: list[EvidenceRef]


class Touchpoint(Strict):
    id: Id
    name: ShortText
    channel: ShortText = Field(
        description="Where it happens: app, web, phone, courier at the door..."
    )
    owner_team: ShortText | None = Field(description="Team that owns this touchpoint, if known.")


class Emotion(Strict):
    score: float = Field(
        ge=-1, le=1, description="-1 very negative ... 0 neutral ... +1 very positive."
    )
    label: ShortText = Field(description="A word or two for the feeling at this stage.")


class CompetitorNote(Strict):
    text: Text
    evidence: list[EvidenceRef]


class StageChange(Strict):
    """Future state: one change to a stage, and the gap between today and the goal."""

    current: Text = Field(description="How it is today, per the current-state map.")
    future: Text = Field(description="How it should be.")
    gap: Text = Field(description="What has to be built or changed to get there.")
    addresses: list[Id] = Field(description="Ids of current-state pain points it removes.")


class Stage(Strict):
    id: Id = Field(description="Stage id from the stage framework.")
    name: ShortText
    actions: list[Text] = Field(description="What the customer does.")
    thoughts: list[Text] = Field(description="What the customer thinks or asks.")
    emotion: Emotion | None
    touchpoints: list[Touchpoint]
    pain_points: list[PainPoint] = Field(description="Ordered by priority, highest first.")
    delighters: list[Delighter]
    moments_of_truth: list[Text]
    opportunities: list[Text]
    frontstage: list[Text] = Field(description="Service blueprint: what the customer sees.")
    backstage: list[Text] = Field(description="Service blueprint: what staff do out of sight.")
    support_processes: list[Text] = Field(description="Service blueprint: systems and partners.")
    outside_brand: list[Text] = Field(
        description="Day in the life: what the customer does outside the brand's touchpoints."
    )
    changes: list[StageChange] = Field(description="Future state: what changes in this stage.")
    competitor_notes: list[CompetitorNote] = Field(
        description="What competitor research says about this stage (kept out of the counts)."
    )
    evidence_count: int = Field(ge=0, description="Customer evidence placed in this stage.")


class Persona(Strict):
    id: Id
    name: ShortText
    description: Text
    goals: list[Text]
    frustrations: list[Text]
    evidence: list[EvidenceRef]


class Recommendation(Strict):
    id: Id
    action: Text = Field(description="A concrete change someone can make.")
    addresses: list[Id] = Field(description="Ids of the pain points it addresses.")
    owner_team: ShortText | None
    effort: Level | None
    impact: Level | None
    kpi: Text | None = Field(description="How success would be measured.")
    status: Literal["not_started", "in_progress", "done"] = Field(
        default="not_started", description="Where the owner team is with it (set by people)."
    )


class StageCount(Strict):
    stage_id: Id = Field(description="Stage id, or 'none' for unplaced evidence.")
    count: int = Field(ge=0)


class KindCount(Strict):
    kind: EvidenceKind
    count: int = Field(ge=0)


NoticeCode = Literal["no_customer_evidence", "single_source", "single_language", "dominant_stage"]


class CoverageNotice(Strict):
    """A coverage warning as data, worded in the reader's language where it is shown
    (``knowledge.journey.notices``): which check, about which stage, with its numbers."""

    code: NoticeCode = Field(
        description="no_customer_evidence, single_source, single_language or dominant_stage "
        "(one stage holds most of a language's evidence)."
    )
    stage_id: Id = Field(description="The stage the warning is about.")
    source: LongText | None = Field(description="single_source: the one source's name.")
    lang: LanguageCode | None = Field(description="single_language, dominant_stage: the language.")
    count: int | None = Field(ge=0, description="dominant_stage: the stage's evidence.")
    total: int | None = Field(ge=0, description="dominant_stage: the language's evidence.")


class Coverage(Strict):
    total_evidence: int = Field(ge=0)
    by_language: list[LanguageCount]
    by_kind: list[KindCount]
    by_stage: list[StageCount]
    unplaced: int = Field(ge=0, description="Evidence that fits no stage.")
    competitor_evidence: int = Field(ge=0, description="Competitor evidence, not counted as pain.")
    warnings: list[LongText] = Field(
        description="E.g. a stage resting on a single source or language (in English; "
        "``notices`` holds the same as data)."
    )
    notices: list[CoverageNotice] = Field(
        default_factory=list,
        description="The warnings as data, shown in the reader's language (empty in maps "
        "made before notices existed: their ``warnings`` are shown as written).",
    )
    addresses_ai: int = Field(
        default=0,
        ge=0,
        description="Evidence that addresses an AI system with instructions: kept as evidence, "
        "shown to a model only fenced with that flag, never a source of names or claims.",
    )


class Scope(Strict):
    workspace: Id
    product: Label | None
    segment: Label | None
    goal: LongText | None
    languages: list[LanguageCode] = Field(description="Evidence languages included; empty: all.")
    kinds: list[EvidenceKind] = Field(description="Evidence kinds included; empty: all.")


class FrameworkRef(Strict):
    id: Id
    name: Label
    stage_ids: list[Id]


class ModelCall(Strict):
    """One drafting part sent to the language model."""

    part: Label = Field(description="What was drafted, e.g. personas or lanes:delivery.")
    prompt_version: Label
    attempts: int = Field(ge=1, description="Requests sent, counting transient retries.")
    prompt_tokens: int = Field(ge=0)
    completion_tokens: int = Field(ge=0)
    prompt_chars: int = Field(ge=0)
    completion_chars: int = Field(ge=0)
    seconds: float = Field(ge=0)


class Provenance(Strict):
    generator: Literal["evidence-only", "llm"]
    model: Label | None
    endpoint_kind: Label | None
    prompt_versions: list[Label]
    parameters: list[LongText] = Field(
        description="name=value pairs of the analysis and model settings."
    )
    calls: list[ModelCall] = Field(description="Every model call, with its token usage.")
    based_on: Id | None = Field(description="Future state: id of the current-state map.")
    created_at: datetime
    seconds: float = Field(ge=0, description="Time the draft took, analysis included.")
    tool_version: Label
    corrections: int = Field(
        default=0,
        ge=0,
        description="Researchers' corrections (labels and theme rules) the analysis kept.",
    )
    analysis: Label | None = Field(
        default=None,
        description="Digest of the analysis the map was drafted from: maps drafted from one "
        "analysis in several languages (and their translations) are one map to answers.",
    )


class TranslationSource(Strict):
    map_id: Id = Field(description="The map this one was translated from.")
    version: int = Field(ge=1, description="The version of that map it was translated from.")
    language: MapLanguage


class JourneyMap(Strict):
    id: MapId
    title: ShortText
    language: MapLanguage = Field(description="Language of every non-quote text in the map.")
    map_type: MapType
    scope: Scope
    framework: FrameworkRef
    personas: list[Persona]
    stages: list[Stage]
    recommendations: list[Recommendation]
    coverage: Coverage
    provenance: Provenance
    evidence_only: bool = Field(description="True when no language model wrote any of it.")
    translation_of: TranslationSource | None = Field(
        default=None, description="Set on a translated map: its source map and version."
    )

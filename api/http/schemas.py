"""Request and response bodies of the HTTP API, apart from the domain models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from knowledge.journey.model import JourneyMap
from knowledge.journey.review.patches import MapPatch
from knowledge.journey.strings import clean_text
from knowledge.platform.jobs import JobStatus
from knowledge.vocabulary import (
    EVIDENCE_KINDS,
    SUPPORTED_LANGUAGES,
    EvidenceKind,
    MapLanguage,
)

T = TypeVar("T")


RatingScale = Annotated[
    str,
    Field(
        pattern=r"^([a-z]+=)?[0-9]+(\.[0-9]+)?(-[0-9]+(\.[0-9]+)?)?$",
        max_length=40,
        examples=["survey=0-10"],
    ),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


Lang = MapLanguage
MAX_FRAMEWORK_CHARS = 200_000


class EvidenceScopeIn(Body):
    """Which evidence is analysed, with which stages, and how source labels are read."""

    framework: Literal["aida", "six_stage", "purchase", "food_delivery"] = Field(
        default="six_stage",
        description="A built-in stage framework (see framework_yaml for your own).",
        examples=["food_delivery"],
    )
    framework_yaml: str | None = Field(
        default=None,
        max_length=MAX_FRAMEWORK_CHARS,
        description="A custom framework as YAML text (as for cjm analyze -f FILE); "
        "replaces framework.",
    )
    codebook: Literal["cx_general", "none"] | None = Field(
        default=None,
        description="The codes evidence is coded with: a built-in codebook or none (emergent "
        "themes only); default: the framework's own, else cx_general.",
    )
    codebook_yaml: str | None = Field(
        default=None,
        max_length=MAX_FRAMEWORK_CHARS,
        description="Your own codebook as YAML text (as for cjm analyze --codebook FILE); "
        "replaces codebook.",
    )
    kinds: list[EvidenceKind] = Field(default_factory=list, max_length=len(EVIDENCE_KINDS))
    evidence_langs: list[Lang] = Field(
        default_factory=list,
        max_length=len(SUPPORTED_LANGUAGES),
        description="Only evidence in these languages.",
    )
    product: str | None = Field(default=None, max_length=200)
    segment: str | None = Field(default=None, max_length=200)
    label_map: list[str] = Field(
        default_factory=list,
        max_length=10,
        examples=[["HAPPY=positive,SAD=negative"]],
        description="Read source labels as polarity (the rest learns from the labelled).",
    )
    rating_scale: float | None = Field(
        default=None, gt=1, le=100, description="Read ratings as polarity on a 1..N scale."
    )
    rating_scales: list[RatingScale] = Field(
        default_factory=list,
        max_length=6,
        examples=[["review=5", "survey=0-10"]],
        description="Rating scales per kind of research (KIND=N or KIND=LOW-HIGH) or for all "
        "(N, LOW-HIGH); a kind's own scale wins over rating_scale.",
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


class MapSummary(BaseModel):
    id: str
    title: str
    map_type: str
    language: str
    status: Literal["draft", "in_review", "approved", "changes_requested"]
    head: int
    approved_version: int | None
    locked: list[str]
    updated_at: datetime


class MapOut(MapSummary):
    version: int
    content: JourneyMap
    translation: LinkOut | None = Field(
        default=None, description="For a translated map: its source and whether it is stale."
    )


class PatchIn(Body):
    patches: list[MapPatch] = Field(
        min_length=1,
        max_length=200,
        description="Applied together, in order, as one new version. op set (the default) sets "
        "a text or value; a quote is never set: op remove takes one out of an evidence list, op "
        "attach adds a verbatim part of stored evidence (its language and kind come from the "
        "store). Only a quote's translation is set as text.",
        examples=[
            [
                {
                    "path": "stages/delivery/pain_points/pp-delivery-1/title",
                    "value": "تاخیر در ارسال و غذای سرد",
                },
                {"path": "stages/delivery/actions/0", "value": "Клиент звонит в поддержку"},
                {"op": "remove", "path": "stages/delivery/pain_points/pp-delivery-1/evidence/1"},
                {
                    "op": "attach",
                    "path": "stages/delivery/pain_points/pp-delivery-1/evidence",
                    "evidence_id": "ev_3f1c0a9b2d4e5f60718293a4",
                    "quote": "غذا کاملاً سرد بود",
                },
            ]
        ],
    )


Cleaned = AfterValidator(clean_text)  # control characters removed (knowledge.journey.strings)


class ActionIn(Body):
    note: Annotated[str, Cleaned] = Field(
        default="", max_length=4000, examples=["标题请更具体一些"]
    )


ElementPath = Annotated[str, Field(min_length=1, max_length=500)]


class LockIn(Body):
    paths: list[ElementPath] = Field(
        min_length=1, max_length=200, examples=[["stages/delivery/pain_points/pp-delivery-1"]]
    )
    unlock: bool = False


class CommentIn(Body):
    anchor: str = Field(
        min_length=1, max_length=500, examples=["stages/delivery/pain_points/pp-delivery-1/title"]
    )
    body: Annotated[str, Cleaned] = Field(min_length=1, max_length=8000, examples=["ชื่อนี้ชัดเจนพอไหม"])
    parent_id: str | None = None


class CommentOut(BaseModel):
    id: str
    anchor: str
    parent_id: str | None
    version: int
    author: str
    body: str
    resolved: bool
    created_at: datetime


class ChangeOut(BaseModel):
    path: str
    kind: Literal["changed", "added", "removed"]
    label: str
    old: Any
    new: Any


class EventOut(BaseModel):
    version: int
    actor: str
    action: str
    detail: str
    at: datetime


class JobOut(BaseModel):
    id: str
    workspace: str
    kind: str
    status: JobStatus
    actor: str
    request: dict[str, Any]
    progress: str
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    attempt: int = Field(
        default=0, description="The run that holds it (more than 1: its worker stalled)."
    )
    links: dict[str, str]


class HealthPart(BaseModel):
    """One part a replica depends on (see ``api.http.health``)."""

    status: Literal["ok", "down", "not_configured"]
    ms: float | None = Field(default=None, description="How long the check took.")
    reason: str | None = Field(default=None, description="Why it is down (no host or URL).")
    dialect: str | None = None  # database: sqlite or postgresql
    kind: str | None = None  # index: embedded or server
    runner: str | None = None  # queue: what runs the jobs
    queued: int | None = None
    workers: int | None = None  # queue: workers with a recent heartbeat
    running: int | None = None
    embedder: str | None = None  # embeddings: bundled, when no endpoint is used


class Health(BaseModel):
    status: Literal["ok", "degraded", "down"] = Field(
        description="ok: every configured part answers; degraded: the index or a model or "
        "embeddings endpoint does not; down (HTTP 503): the database does not."
    )
    version: str
    checks: dict[str, HealthPart] = Field(
        description="database, index, queue, model, embeddings", default_factory=dict
    )


class GlossaryInfoOut(BaseModel):
    name: str
    terms: int
    languages: list[str]
    actor: str
    updated_at: datetime


class LinkOut(BaseModel):
    map_id: str = Field(description="The translated map.")
    language: str
    source_map_id: str
    source_version: int = Field(description="The source version it was translated from.")
    source_head: int
    stale: bool = Field(description="The source has a newer version: refresh the translation.")
    glossary: str | None

"""Researchers' corrections over HTTP: labels on evidence (stage, code, not customer
experience), one at a time or in bulk, and theme rules (merge two themes, move evidence out of
one) made on a stored map; each is kept with who made it and when, and undoing or replacing one
keeps it in the history. Reads need a viewer key, changes an editor key."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import AfterValidator, BaseModel, Field

from api.http.deps import Caller, DatabaseDep, LibraryDep, Limit, Offset, require
from api.http.problems import WRITE, documented
from api.http.schemas import Body, Cleaned, Page
from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.suggest import suggest
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.journey.review.repository import MapRepository
from knowledge.journey.strings import MAX_TEXT, checked_id
from knowledge.research.corrections.anchors import anchors_from_map
from knowledge.research.corrections.model import Correction
from knowledge.research.corrections.store import CorrectionStore, LabelIn
from knowledge.research.corrections.target import label_target, workspace_framework
from knowledge.search.filters import EvidenceFilter

router = APIRouter(prefix="/v1/workspaces/{workspace}", tags=["labels"], responses=WRITE)

MAX_LABELS = 10_000
MAX_REF = 200
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("may not contain NUL or a lone surrogate")
    return value


EvidenceId = Annotated[
    str,
    Field(min_length=1, max_length=MAX_REF, examples=["ev_3f1c0a9b2d4e5f60718293a4"]),
    AfterValidator(checked_id),
]
RecordId = Annotated[
    str,
    Field(min_length=1, max_length=MAX_REF, examples=["fa-1"]),
    AfterValidator(_storable),
]
StageId = Annotated[
    str, Field(max_length=MAX_REF, examples=["delivery"]), AfterValidator(_storable)
]
CodeId = Annotated[
    str, Field(max_length=MAX_REF, examples=["late_delivery"]), AfterValidator(_storable)
]
MapId = Annotated[str, Field(min_length=1, max_length=MAX_REF), AfterValidator(checked_id)]
Note = Annotated[str, Cleaned, Field(max_length=MAX_TEXT, examples=["پیک دیر آمد: مرحلهٔ تحویل"])]
FrameworkId = Literal["aida", "six_stage", "purchase", "food_delivery"]
CodebookName = Literal["cx_general", "none"]
EvidencePath = Annotated[
    str, Path(min_length=1, max_length=MAX_REF, description="Evidence id (a stored chunk).")
]


class ThemeAnchorOut(BaseModel):
    id: str
    stage: str
    code: str | None
    evidence: list[str]


class CorrectionOut(BaseModel):
    """A correction as stored, in any state (active, superseded, undone)."""

    id: str
    workspace: str
    action: Literal["label", "merge", "move_out"]
    evidence_id: str | None
    record_id: str | None
    text_hash: str | None
    framework: str | None
    stage: str | None
    code: str | None
    not_evidence: bool
    themes: list[ThemeAnchorOut]
    note: str
    actor: str
    created_at: datetime
    state: Literal["active", "superseded", "undone"]
    ended_by: str | None = None
    ended_at: datetime | None = None
    origin: Literal["human"] = "human"

    @classmethod
    def of(cls, correction: Correction) -> CorrectionOut:
        return cls.model_validate(correction.as_dict())


class LabelHistoryOut(BaseModel):
    current: CorrectionOut | None = Field(description="The active label, if any.")
    history: list[CorrectionOut] = Field(
        description="Every correction of the evidence, newest first (superseded, undone too)."
    )


class TargetIn(Body):
    framework: FrameworkId | None = Field(
        default=None,
        description="The built-in framework whose stages the labels name; default: the map's "
        "(map_id), else that of the workspace's most recently changed map, else six_stage.",
    )
    codebook: CodebookName | None = Field(
        default=None,
        description="The codes the labels name: a built-in codebook or none; default: the "
        "framework's own, else cx_general.",
    )
    map_id: MapId | None = Field(
        default=None, description="Labels given on this stored map use its stages."
    )


class LabelBody(TargetIn):
    stage: StageId | None = None
    code: CodeId | None = None
    not_evidence: bool = Field(
        default=False, description="The evidence is not customer experience."
    )
    note: Note = ""


class LabelRow(Body):
    evidence_id: EvidenceId | None = None
    record_id: RecordId | None = Field(
        default=None, description="Every customer chunk of the record with this id at ingest."
    )
    stage: StageId | None = None
    code: CodeId | None = None
    not_evidence: bool = False
    note: Note = ""


class BulkIn(TargetIn):
    labels: list[LabelRow] = Field(
        min_length=1,
        max_length=MAX_LABELS,
        examples=[
            [
                {"evidence_id": "ev_3f1c0a9b2d4e5f60718293a4", "stage": "delivery"},
                {"record_id": "th-7", "not_evidence": True, "note": "โฆษณา"},
            ]
        ],
    )


class RowProblem(BaseModel):
    index: int = Field(description="The row's position in labels, from 0.")
    reason: str


class BulkOut(BaseModel):
    stored: int = Field(description="Labels stored (a record's label is one per chunk).")
    labels: list[CorrectionOut]
    problems: list[RowProblem] = Field(description="Rows not stored, and why.")


class ThemeCorrectionIn(Body):
    action: Literal["merge", "move_out"]
    map_id: MapId
    themes: list[Annotated[str, Field(min_length=1, max_length=MAX_REF)]] = Field(
        min_length=1,
        max_length=2,
        description="Pain points or delighters as the map names them (pp-... or dl-...): two "
        "for a merge, one for a move_out.",
        examples=[["pp-delivery-1", "pp-delivery-late_delivery"]],
    )
    evidence_id: EvidenceId | None = Field(
        default=None, description="move_out: the evidence to take out of the theme."
    )
    note: Note = ""


def _store(db: DatabaseDep) -> CorrectionStore:
    return CorrectionStore(db)


def _label_in(row: LabelBody | LabelRow, evidence_id: str | None = None) -> LabelIn:
    return LabelIn(
        evidence_id=evidence_id or getattr(row, "evidence_id", None),
        record_id=getattr(row, "record_id", None),
        stage=row.stage or None,
        code=row.code or None,
        not_evidence=row.not_evidence,
        note=row.note,
    )


@router.put(
    "/evidence/{evidence_id}/label", response_model=CorrectionOut, responses=documented(409)
)
def put_label(
    caller: Caller, db: DatabaseDep, evidence_id: EvidencePath, body: LabelBody
) -> CorrectionOut:
    """Label the evidence with a stage and/or a code, or as not customer experience; a label
    it had is superseded (kept in the history). An unknown stage or code gets 422 naming the
    valid ones."""
    require(caller, "editor")
    store = _store(db)
    store.require_evidence(caller.workspace, evidence_id)  # 404 before any 422
    target = label_target(db, caller.workspace, body.framework, body.codebook, body.map_id)
    done = store.label(caller.workspace, _label_in(body, evidence_id), target, caller.name)
    return CorrectionOut.of(done[0])


@router.get("/evidence/{evidence_id}/label", response_model=LabelHistoryOut)
def get_label(caller: Caller, db: DatabaseDep, evidence_id: EvidencePath) -> LabelHistoryOut:
    """The evidence's active label and every correction of it, newest first."""
    store = _store(db)
    store.require_evidence(caller.workspace, evidence_id)
    current = store.current(caller.workspace, evidence_id)
    return LabelHistoryOut(
        current=CorrectionOut.of(current) if current else None,
        history=[CorrectionOut.of(c) for c in store.history(caller.workspace, evidence_id)],
    )


@router.delete("/evidence/{evidence_id}/label", response_model=CorrectionOut)
def delete_label(caller: Caller, db: DatabaseDep, evidence_id: EvidencePath) -> CorrectionOut:
    """Undo the evidence's label (the analysis places it again); 404 when it has none."""
    require(caller, "editor")
    return CorrectionOut.of(_store(db).unlabel(caller.workspace, evidence_id, caller.name))


@router.post("/labels", response_model=BulkOut, responses=documented(409))
def bulk_labels(caller: Caller, db: DatabaseDep, body: BulkIn) -> BulkOut:
    """Many labels in one transaction; a row naming unknown evidence, record, stage or code is
    reported by its index and the rest are stored."""
    require(caller, "editor")
    target = label_target(db, caller.workspace, body.framework, body.codebook, body.map_id)
    problems: list[tuple[int, str]] = []
    rows: list[tuple[int, LabelIn]] = []
    for i, row in enumerate(body.labels):
        if row.evidence_id and row.record_id:
            problems.append((i, "name the evidence_id or the record_id, not both"))
        else:
            rows.append((i, _label_in(row)))
    done, skipped = _store(db).label_many(caller.workspace, rows, target, caller.name)
    problems = sorted([*problems, *skipped])
    return BulkOut(
        stored=len(done),
        labels=[CorrectionOut.of(c) for c in done],
        problems=[RowProblem(index=i, reason=r) for i, r in problems],
    )


@router.get("/labels", response_model=Page[CorrectionOut])
def list_labels(
    caller: Caller,
    db: DatabaseDep,
    history: Annotated[
        bool,
        Query(description="Every correction, superseded and undone ones too (else the active)."),
    ] = False,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[CorrectionOut]:
    """The workspace's corrections (labels and theme rules), newest first."""
    items, total = _store(db).page(caller.workspace, history, offset, limit)
    return Page(items=[CorrectionOut.of(c) for c in items], total=total, offset=offset, limit=limit)


@router.post(
    "/theme-corrections",
    status_code=status.HTTP_201_CREATED,
    response_model=CorrectionOut,
    responses=documented(409),
)
def theme_correction(caller: Caller, db: DatabaseDep, body: ThemeCorrectionIn) -> CorrectionOut:
    """A rule the next analysis keeps: merge two themes of one stage, or move evidence out of
    a theme; the themes are named as the map's head version shows them."""
    require(caller, "editor")
    journey = MapRepository(db).version(caller.workspace, body.map_id).journey
    anchors = anchors_from_map(journey, list(body.themes))
    rule = _store(db).add_rule(
        caller.workspace, body.action, anchors, caller.name, body.evidence_id, body.note
    )
    return CorrectionOut.of(rule)


@router.delete("/corrections/{correction_id}", response_model=CorrectionOut)
def undo_correction(
    caller: Caller,
    db: DatabaseDep,
    correction_id: Annotated[str, Path(min_length=1, max_length=MAX_REF)],
) -> CorrectionOut:
    """Undo a label or theme rule (it stays in the history); 422 when it is no longer active."""
    require(caller, "editor")
    return CorrectionOut.of(_store(db).undo(caller.workspace, correction_id, caller.name))


class SuggestionOut(BaseModel):
    """Evidence worth labelling next."""

    evidence_id: str
    text: str
    lang: str
    stage: str = Field(description="Where the analysis placed it.")
    confidence: float = Field(description="How sure the analysis is of that stage (0-1).")
    code: str | None
    density: float = Field(description="Mean similarity to its nearest evidence.")
    score: float


@router.get("/labels/suggestions", response_model=list[SuggestionOut])
def label_suggestions(
    caller: Caller,
    library: LibraryDep,
    n: Annotated[int, Query(ge=1, le=500, description="How many.")] = 20,
    framework: Annotated[
        FrameworkId | None,
        Query(description="Default: that of the workspace's latest map, else six_stage."),
    ] = None,
    codebook: CodebookName | None = None,
) -> list[SuggestionOut]:
    """What to label next: the evidence the analysis is least sure where to place, among what
    looks most frequent; labelled evidence is never suggested. Runs the analysis with the
    workspace's corrections (seconds for thousands of items)."""
    require(caller, "editor")
    chosen = framework or workspace_framework(library.db, caller.workspace)
    loaded = load_framework(chosen)
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace=caller.workspace),
        framework=loaded,
        codebook=codebook_for(loaded, codebook),
    )
    analysis, evidence = analyze(library, options)
    return [SuggestionOut(**s.as_dict()) for s in suggest(analysis, evidence, n)]

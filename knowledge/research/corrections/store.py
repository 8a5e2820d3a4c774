"""Corrections in the canonical store, per workspace: labels on evidence and theme rules, each
with who made it, when and why; undoing or replacing one keeps the row as history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from knowledge.journey.codebook import Codebook
from knowledge.journey.frameworks import StageFramework
from knowledge.journey.strings import MAX_TEXT, clean_text
from knowledge.platform.errors import NotFound, UserInputError
from knowledge.research.corrections.model import Correction, Corrections, ThemeAnchor
from knowledge.research.evidence import stable_id
from knowledge.store import ChunkRow, CorrectionRow, Database, DocumentRow
from knowledge.store.schema import utcnow


@dataclass(frozen=True)
class LabelIn:
    """One label as a researcher gives it; ``record_id`` stands for every customer chunk of
    the record that had this id at ingest."""

    evidence_id: str | None = None
    record_id: str | None = None
    stage: str | None = None
    code: str | None = None
    not_evidence: bool = False
    note: str = ""


def name_key(name: str) -> str:
    """A stage or code name as a spreadsheet may spell it: case, spacing, ZWNJ and the Arabic
    forms of Persian letters do not matter for finding it."""
    folded = name.replace("\u200c", " ").replace("ي", "ی").replace("ك", "ک").casefold()
    return " ".join(folded.replace("_", " ").split())


@dataclass(frozen=True)
class Target:
    """What labels are checked against: the framework's stages and the codebook's codes. A
    stage or code may be named by its id or by its name in any language the framework or
    codebook gives ("ارسال", "Доставка", "การจัดส่ง"); it is stored by id."""

    framework_id: str
    stage_ids: list[str]
    codebook: Codebook | None
    stage_names: dict[str, str] = field(default_factory=dict)  # any name -> id

    @classmethod
    def of(cls, framework: StageFramework, codebook: Codebook | None) -> Target:
        names = {
            name_key(name): stage.id for stage in framework.stages for name in stage.names.values()
        }
        return cls(framework.id, framework.stage_ids, codebook, names)

    def _stage(self, value: str) -> str:
        if value in self.stage_ids:
            return value
        found = {**{name_key(s): s for s in self.stage_ids}, **self.stage_names}.get(
            name_key(value)
        )
        if found is None:
            raise UserInputError(
                f"unknown stage {value!r} in framework {self.framework_id}; its stages: "
                + ", ".join(self.stage_ids)
            )
        return found

    def _code(self, value: str) -> str:
        if self.codebook is None:
            raise UserInputError(
                f"framework {self.framework_id} is used without a codebook: no codes to give"
            )
        if value in self.codebook.code_ids:
            return value
        names = {name_key(c.id): c.id for c in self.codebook.codes}
        names.update({name_key(n): c.id for c in self.codebook.codes for n in c.names.values()})
        found = names.get(name_key(value))
        if found is None:
            raise UserInputError(
                f"unknown code {value!r} in codebook {self.codebook.id}; its codes: "
                + ", ".join(self.codebook.code_ids)
            )
        return found

    def resolve(self, label: LabelIn) -> LabelIn:
        """The label with its stage and code as ids; a mistake is a ``UserInputError``."""
        if label.not_evidence and (label.stage or label.code):
            raise UserInputError(
                "evidence that is not customer experience has no stage or code; give either "
                "not_evidence or a stage and/or code"
            )
        if not (label.not_evidence or label.stage or label.code):
            raise UserInputError("give a stage, a code, or not_evidence")
        return replace(
            label,
            stage=self._stage(label.stage) if label.stage else None,
            code=self._code(label.code) if label.code else None,
        )


def _correction(row: CorrectionRow) -> Correction:
    return Correction(
        id=row.id,
        workspace=row.workspace,
        action=row.action,
        evidence_id=row.evidence_id,
        record_id=row.record_id,
        text_hash=row.text_hash,
        framework=row.framework,
        stage=row.stage,
        code=row.code,
        not_evidence=row.not_evidence,
        themes=tuple(ThemeAnchor.of(t) for t in row.themes or []),
        note=row.note,
        actor=row.actor,
        created_at=row.created_at,
        state=row.state,
        ended_by=row.ended_by,
        ended_at=row.ended_at,
    )


def _active_label(workspace: str, evidence_id: str) -> Select[CorrectionRow]:
    return select(CorrectionRow).where(
        CorrectionRow.workspace == workspace,
        CorrectionRow.evidence_id == evidence_id,
        CorrectionRow.action == "label",
        CorrectionRow.state == "active",
    )


class CorrectionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # evidence ------------------------------------------------------------------------------
    @staticmethod
    def _chunks(s: Session, workspace: str, label: LabelIn) -> list[tuple[str, str | None, str]]:
        """(evidence id, record id, text hash) of what ``label`` names, customer turns only."""
        query = (
            select(ChunkRow.id, DocumentRow.record_id, ChunkRow.text_hash)
            .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
            .where(ChunkRow.workspace == workspace, ChunkRow.role == "customer")
        )
        if label.evidence_id:
            query = query.where(ChunkRow.id == label.evidence_id)
            what = f"evidence {label.evidence_id}"
        elif label.record_id:
            query = query.where(DocumentRow.record_id == label.record_id)
            what = f"record {label.record_id!r}"
        else:
            raise UserInputError("name the evidence: an evidence_id or a record_id")
        rows = [(r[0], r[1], r[2]) for r in s.execute(query.order_by(ChunkRow.id))]
        if not rows:
            raise NotFound(f"no {what} in workspace {workspace}")
        return rows

    def _end_active(
        self, s: Session, workspace: str, evidence_id: str, state: str, actor: str
    ) -> CorrectionRow | None:
        row = s.scalars(_active_label(workspace, evidence_id).with_for_update()).first()
        if row is not None:
            row.state, row.ended_by, row.ended_at = state, actor, utcnow()
        return row

    def _label(
        self, s: Session, workspace: str, label: LabelIn, target: Target, actor: str
    ) -> list[Correction]:
        label = target.resolve(label)
        note = clean_text(label.note)[:MAX_TEXT]
        out = []
        for evidence_id, record_id, text_hash in self._chunks(s, workspace, label):
            self._end_active(s, workspace, evidence_id, "superseded", actor)
            row = CorrectionRow(
                id=stable_id("cor", workspace, evidence_id, utcnow().isoformat()),
                workspace=workspace,
                action="label",
                evidence_id=evidence_id,
                record_id=record_id,
                text_hash=text_hash,
                framework=target.framework_id,
                stage=label.stage or None,
                code=label.code or None,
                not_evidence=label.not_evidence,
                themes=[],
                note=note,
                actor=actor,
                created_at=utcnow(),
                state="active",
            )
            s.add(row)
            s.flush()
            out.append(_correction(row))
        return out

    def label(self, workspace: str, label: LabelIn, target: Target, actor: str) -> list[Correction]:
        """Label the evidence (every customer chunk of a record); a label it had before is
        superseded, and stays in the history."""
        with self.db.writing() as s:
            return self._label(s, workspace, label, target, actor)

    def label_many(
        self, workspace: str, labels: Iterable[tuple[int, LabelIn]], target: Target, actor: str
    ) -> tuple[list[Correction], list[tuple[int, str]]]:
        """Labels from a file or a bulk request, in one transaction: (labels stored, (line,
        reason) of every row that names an unknown record, stage or code; those are skipped)."""
        done: list[Correction] = []
        problems: list[tuple[int, str]] = []
        with self.db.writing() as s:
            for line, label in labels:
                try:
                    with s.begin_nested():
                        done.extend(self._label(s, workspace, label, target, actor))
                except UserInputError as exc:
                    problems.append((line, str(exc)))
        return done, problems

    def current(self, workspace: str, evidence_id: str) -> Correction | None:
        with self.db.session() as s:
            row = s.scalars(_active_label(workspace, evidence_id)).first()
            return _correction(row) if row is not None else None

    def unlabel(self, workspace: str, evidence_id: str, actor: str) -> Correction:
        """Undo the evidence's label: the analysis places it again."""
        with self.db.writing() as s:
            row = self._end_active(s, workspace, evidence_id, "undone", actor)
            if row is None:
                self._chunks(s, workspace, LabelIn(evidence_id=evidence_id))  # 404 if unknown
                raise NotFound(f"evidence {evidence_id} has no label to undo")
            return _correction(row)

    # themes --------------------------------------------------------------------------------
    def add_rule(
        self,
        workspace: str,
        action: str,
        anchors: list[ThemeAnchor],
        actor: str,
        evidence_id: str | None = None,
        note: str = "",
    ) -> Correction:
        """A theme rule: ``merge`` (two anchors in one stage) or ``move_out`` (one anchor and
        the evidence to take out of it)."""
        if action == "merge":
            if len(anchors) != 2 or anchors[0].id == anchors[1].id:
                raise UserInputError("a merge names two different themes")
            if anchors[0].stage != anchors[1].stage:
                raise UserInputError(
                    f"themes {anchors[0].id} and {anchors[1].id} are in different stages "
                    f"({anchors[0].stage}, {anchors[1].stage}); move the evidence to one stage "
                    "first (label it), then merge"
                )
        elif action == "move_out":
            if len(anchors) != 1 or not evidence_id:
                raise UserInputError("moving evidence out of a theme names one theme and evidence")
        else:
            raise UserInputError("a theme correction is a merge or a move_out")
        with self.db.writing() as s:
            record_id = text_hash = None
            if evidence_id:
                _, record_id, text_hash = self._chunks(s, workspace, LabelIn(evidence_id))[0]
            row = CorrectionRow(
                id=stable_id(
                    "cor", workspace, action, *(a.id for a in anchors), utcnow().isoformat()
                ),
                workspace=workspace,
                action=action,
                evidence_id=evidence_id,
                record_id=record_id,
                text_hash=text_hash,
                themes=[a.as_dict() for a in anchors],
                note=clean_text(note)[:MAX_TEXT],
                actor=actor,
                created_at=utcnow(),
                state="active",
            )
            s.add(row)
            s.flush()
            return _correction(row)

    # any -----------------------------------------------------------------------------------
    def undo(self, workspace: str, correction_id: str, actor: str) -> Correction:
        with self.db.writing() as s:
            row = s.get(CorrectionRow, correction_id, with_for_update=True)
            if row is None or row.workspace != workspace:
                raise NotFound(f"no correction {correction_id} in workspace {workspace}")
            if row.state != "active":
                raise UserInputError(f"correction {correction_id} is already {row.state}")
            row.state, row.ended_by, row.ended_at = "undone", actor, utcnow()
            return _correction(row)

    def active(self, workspace: str) -> Corrections:
        with self.db.session() as s:
            rows = [
                _correction(r)
                for r in s.scalars(
                    select(CorrectionRow)
                    .where(CorrectionRow.workspace == workspace, CorrectionRow.state == "active")
                    .order_by(CorrectionRow.created_at, CorrectionRow.id)
                )
            ]
        return Corrections(
            labels=tuple(r for r in rows if r.action == "label"),
            rules=tuple(r for r in rows if r.action != "label"),
        )

    def page(
        self, workspace: str, everything: bool = False, offset: int = 0, limit: int = 50
    ) -> tuple[list[Correction], int]:
        """One page of the workspace's corrections, newest first, and how many there are: the
        active ones, or (``everything``) superseded and undone ones too."""
        where = [CorrectionRow.workspace == workspace]
        if not everything:
            where.append(CorrectionRow.state == "active")
        with self.db.session() as s:
            total = s.scalar(select(func.count(CorrectionRow.id)).where(*where)) or 0
            rows = s.scalars(
                select(CorrectionRow)
                .where(*where)
                .order_by(CorrectionRow.created_at.desc(), CorrectionRow.id.desc())
                .offset(offset)
                .limit(limit)
            )
            return [_correction(r) for r in rows], total

    def require_evidence(self, workspace: str, evidence_id: str) -> None:
        """NotFound unless ``evidence_id`` is customer evidence stored in ``workspace``."""
        with self.db.session() as s:
            self._chunks(s, workspace, LabelIn(evidence_id=evidence_id))

    def history(
        self, workspace: str, evidence_id: str | None = None, limit: int | None = None
    ) -> list[Correction]:
        """Every correction, newest first (superseded and undone ones too)."""
        query = select(CorrectionRow).where(CorrectionRow.workspace == workspace)
        if evidence_id:
            query = query.where(CorrectionRow.evidence_id == evidence_id)
        query = query.order_by(CorrectionRow.created_at.desc(), CorrectionRow.id.desc())
        if limit:
            query = query.limit(limit)
        with self.db.session() as s:
            return [_correction(r) for r in s.scalars(query)]

    def summary(self, workspace: str) -> dict[str, Any]:
        active = self.active(workspace)
        return {
            "labels": len(active.labels),
            "theme_rules": len(active.rules),
        }

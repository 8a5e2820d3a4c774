"""Researchers' corrections of the analysis, one row per correction and never deleted: a newer
label on the same evidence supersedes the older, an undo marks a row undone. The rows are the
corrections' audit history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.store.schema import Base, UTCDateTime, utcnow


class CorrectionRow(Base):
    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_scope", "workspace", "evidence_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(100), index=True)
    # "label" (stage / code / not evidence of one chunk), "merge" (two themes are one),
    # "move_out" (this evidence does not belong in this theme)
    action: Mapped[str] = mapped_column(String(20))
    evidence_id: Mapped[str | None] = mapped_column(String(40))
    # what finds the same evidence again after its file is ingested anew
    record_id: Mapped[str | None] = mapped_column(String(300))
    text_hash: Mapped[str | None] = mapped_column(String(64))
    framework: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[str | None] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(100))
    not_evidence: Mapped[bool] = mapped_column(Boolean, default=False)
    # merge: [anchor, anchor]; move_out: [anchor]; an anchor is {id, stage, code, evidence}
    themes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # "active", "superseded" (a newer label on the same evidence) or "undone"
    state: Mapped[str] = mapped_column(String(20), default="active")
    ended_by: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

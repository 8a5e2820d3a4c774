"""Long-running work (drafts, analyses, translations, ingests), persisted so a restart never
loses a job; what a job needs to run is in its row (a spec, never a closure), the files of an
upload job are rows too (every worker reads them), and an analysis job's document is kept in
the store (every API replica serves it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.store.schema import Base, UTCDateTime, utcnow


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        # a client's retry with the same Idempotency-Key finds the job it started
        UniqueConstraint("workspace", "idempotency_key", name="uq_jobs_idempotency"),
        UniqueConstraint("lock_key", name="uq_jobs_lock_key"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # queued, running, succeeded, failed, ...
    actor: Mapped[str] = mapped_column(String(200))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    progress: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # the key and role of the caller who started it: the work runs as that caller
    caller_key: Mapped[str | None] = mapped_column(String(40))
    caller_role: Mapped[str | None] = mapped_column(String(20))
    # which run holds it: a run that lost the job (stalled, retried elsewhere) changes nothing
    attempt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    # held while the job is unfinished: one regeneration per map at a time
    lock_key: Mapped[str | None] = mapped_column(String(300))


class UploadRow(Base):
    """One uploaded file of an ingest job, deleted when the job ends."""

    __tablename__ = "job_uploads"

    job_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)  # as uploaded
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AnalysisRow(Base):
    """An analysis job's document (the shape of ``cjm analyze --json``)."""

    __tablename__ = "analyses"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the job's id
    workspace: Mapped[str] = mapped_column(String(100), index=True)
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

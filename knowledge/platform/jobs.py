"""Persisted jobs: queued -> running -> succeeded | failed. A job that was queued or running
when the process stopped is marked failed at the next start, with the reason, so a client
polling it learns what happened instead of waiting forever."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from knowledge.platform.errors import NotFound
from knowledge.store import Database, JobRow
from knowledge.store.schema import utcnow

INTERRUPTED = "interrupted by a restart of the server; submit it again"


@dataclass(frozen=True)
class Job:
    id: str
    workspace: str
    kind: str
    status: str
    actor: str
    request: dict[str, Any]
    progress: str
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    updated_at: datetime


def _job(r: JobRow) -> Job:
    return Job(
        r.id,
        r.workspace,
        r.kind,
        r.status,
        r.actor,
        r.request,
        r.progress,
        r.result,
        r.error,
        r.created_at,
        r.updated_at,
    )


class JobStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, workspace: str, kind: str, actor: str, request: dict[str, Any]) -> Job:
        with self.db.session() as s:
            row = JobRow(
                id=f"job_{secrets.token_hex(8)}",
                workspace=workspace,
                kind=kind,
                status="queued",
                actor=actor,
                request=request,
                progress="",
                result=None,
                error=None,
            )
            s.add(row)
            s.flush()
            return _job(row)

    def get(self, workspace: str, job_id: str) -> Job:
        with self.db.session() as s:
            row = s.get(JobRow, job_id)
            if row is None or row.workspace != workspace:
                raise NotFound(f"no job {job_id} in workspace {workspace}")
            return _job(row)

    def list_jobs(
        self,
        workspace: str,
        offset: int = 0,
        limit: int = 50,
        kind: str | None = None,
        status: str | None = None,
    ) -> tuple[list[Job], int]:
        """Newest first, optionally of one kind or status; and how many match in all."""
        where = [JobRow.workspace == workspace]
        if kind:
            where.append(JobRow.kind == kind)
        if status:
            where.append(JobRow.status == status)
        with self.db.session() as s:
            total = s.scalar(select(func.count()).select_from(JobRow).where(*where)) or 0
            rows = s.scalars(
                select(JobRow)
                .where(*where)
                .order_by(JobRow.created_at.desc(), JobRow.id)
                .offset(offset)
                .limit(limit)
            )
            return [_job(r) for r in rows], total

    def _set(self, job_id: str, **values: Any) -> None:
        with self.db.session() as s:
            s.execute(
                update(JobRow).where(JobRow.id == job_id).values(updated_at=utcnow(), **values)
            )

    def start(self, job_id: str) -> None:
        self._set(job_id, status="running")

    def progress(self, job_id: str, message: str) -> None:
        self._set(job_id, progress=message)

    def succeed(self, job_id: str, result: dict[str, Any]) -> None:
        self._set(job_id, status="succeeded", result=result, progress="done")

    def fail(self, job_id: str, error: str, result: dict[str, Any] | None = None) -> None:
        self._set(job_id, status="failed", error=error, result=result)

    def recover(self) -> int:
        """Mark jobs left queued or running by a stopped process as failed."""
        with self.db.session() as s:
            done = s.execute(
                update(JobRow)
                .where(JobRow.status.in_(("queued", "running")))
                .values(status="failed", error=INTERRUPTED, updated_at=utcnow())
            )
            return int(done.rowcount or 0)  # type: ignore[attr-defined]

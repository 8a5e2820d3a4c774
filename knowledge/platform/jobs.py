"""Persisted jobs: queued -> running -> succeeded | failed, or cancelled by a person while
queued or running. A job that was queued or running when the process stopped is marked failed
at the next start, with the reason, so a client polling it learns what happened instead of
waiting forever. A job moves on only from the status it is expected to be in: an ended job is
never flipped back by the worker that was running it, and that worker's next progress report
stops its work."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import func, select, update

from knowledge.platform.errors import NotFound, UserInputError
from knowledge.store import Database, JobRow
from knowledge.store.schema import utcnow

INTERRUPTED = "interrupted by a restart of the server; submit it again"
JobKind = Literal["draft", "regenerate", "analysis", "ingest", "translate"]
JOB_KINDS: tuple[str, ...] = get_args(JobKind)
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
JOB_STATUSES: tuple[str, ...] = get_args(JobStatus)
UNFINISHED = ("queued", "running")


class JobEnded(UserInputError):
    """The job has ended (succeeded, failed or cancelled): it cannot be cancelled."""

    http_status = 409
    title = "Conflict"


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

    def _set(self, job_id: str, when: tuple[str, ...], **values: Any) -> bool:
        """Move the job on only from the statuses in ``when``: a job another process marked
        failed (a restart's ``recover``) is never flipped back by its old worker. True when
        it moved."""
        with self.db.session() as s:
            done = s.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status.in_(when))
                .values(updated_at=utcnow(), **values)
            )
            return bool(done.rowcount)  # type: ignore[attr-defined]

    def start(self, job_id: str) -> bool:
        return self._set(job_id, ("queued",), status="running")

    def progress(self, job_id: str, message: str) -> bool:
        return self._set(job_id, ("running",), progress=message)

    def succeed(self, job_id: str, result: dict[str, Any]) -> bool:
        return self._set(job_id, ("running",), status="succeeded", result=result, progress="done")

    def fail(self, job_id: str, error: str, result: dict[str, Any] | None = None) -> bool:
        return self._set(job_id, UNFINISHED, status="failed", error=error, result=result)

    def cancel(self, workspace: str, job_id: str, actor: str) -> Job:
        """Cancel a queued or running job: it will not start, or its work stops at its next
        progress report; what it stored before stays (a map is stored whole or not at all)."""
        job = self.get(workspace, job_id)
        if not self._set(job.id, UNFINISHED, status="cancelled", error=f"cancelled by {actor}"):
            ended = self.get(workspace, job_id)
            raise JobEnded(f"job {job_id} has already {ended.status}: it cannot be cancelled")
        return self.get(workspace, job_id)

    def unfinished(self) -> dict[str, int]:
        """Jobs queued and running, in every workspace (for health)."""
        with self.db.session() as s:
            rows = s.execute(
                select(JobRow.status, func.count())
                .where(JobRow.status.in_(UNFINISHED))
                .group_by(JobRow.status)
            ).all()
        counts = {str(status): int(n) for status, n in rows}
        return {status: counts.get(status, 0) for status in UNFINISHED}

    def recover(self) -> int:
        """Mark jobs left queued or running by a stopped process as failed."""
        with self.db.session() as s:
            done = s.execute(
                update(JobRow)
                .where(JobRow.status.in_(UNFINISHED))
                .values(status="failed", error=INTERRUPTED, updated_at=utcnow())
            )
            return int(done.rowcount or 0)  # type: ignore[attr-defined]

"""Persisted jobs: queued -> running -> succeeded | failed, or cancelled by a person while
queued or running. A job moves on only from the status it is expected to be in, and a running
job only by the run (attempt) that holds it: an ended job is never flipped back by the worker
that was running it, a worker that lost its job (stalled, retried elsewhere) changes nothing,
and that worker's next progress report stops its work. When a job ends, its uploaded files are
deleted and the lock it held (one regeneration per map) is released, in the same transaction.

A job is created at most once per ``Idempotency-Key`` of a workspace: the same key with the
same request finds the job it started; with another request it is refused."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from knowledge.platform.errors import NotFound, UserInputError
from knowledge.platform.keys import Principal
from knowledge.store import Database, JobRow, UploadRow
from knowledge.store.schema import utcnow

INTERRUPTED = "interrupted by a restart of the server; submit it again"
JobKind = Literal["draft", "regenerate", "analysis", "ingest", "translate"]
JOB_KINDS: tuple[str, ...] = get_args(JobKind)
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
JOB_STATUSES: tuple[str, ...] = get_args(JobStatus)
UNFINISHED = ("queued", "running")
MAX_IDEMPOTENCY_KEY = 255


class IdempotencyKeyReused(UserInputError):
    """The Idempotency-Key started another request's job."""

    http_status = 422
    title = "Idempotency-Key reused"


class JobLocked(UserInputError):
    """Another unfinished job holds what this one would change (a map being regenerated)."""

    http_status = 409
    title = "Conflict"


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
    attempt: int = 0
    caller_key: str | None = None
    caller_role: str | None = None

    @property
    def caller(self) -> Principal:
        """Who started the job: its work runs as them."""
        role = (
            self.caller_role if self.caller_role in ("viewer", "editor", "reviewer") else "editor"
        )
        return Principal(self.caller_key or "", self.workspace, role, self.actor)  # type: ignore[arg-type]


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
        r.attempt or 0,
        r.caller_key,
        r.caller_role,
    )


def request_hash(kind: str, request: dict[str, Any]) -> str:
    """What makes two submissions the same request (for an Idempotency-Key)."""
    canonical = json.dumps([kind, request], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class JobStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(
        self,
        workspace: str,
        kind: str,
        actor: str,
        request: dict[str, Any],
        caller: Principal | None = None,
        *,
        idempotency_key: str | None = None,
        lock_key: str | None = None,
    ) -> Job:
        """A queued job; ``lock_key`` is held until it ends (``IntegrityError`` while another
        unfinished job holds it)."""
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
                caller_key=caller.key_id if caller else None,
                caller_role=caller.role if caller else None,
                attempt=0,
                idempotency_key=idempotency_key,
                request_hash=request_hash(kind, request),
                lock_key=lock_key,
            )
            s.add(row)
            s.flush()
            return _job(row)

    def create_once(
        self,
        caller: Principal,
        kind: str,
        request: dict[str, Any],
        *,
        idempotency_key: str | None = None,
        lock_key: str | None = None,
        lock_holder: str = "another job",
    ) -> tuple[Job, bool]:
        """The queued job, and True; or, for an ``idempotency_key`` the workspace used before
        with the same request, the job it started, and False. While another unfinished job
        holds ``lock_key`` the job is refused (``JobLocked``)."""
        digest = request_hash(kind, request)
        if idempotency_key is not None:
            if not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
                raise UserInputError(
                    f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters",
                    field="Idempotency-Key",
                )
            found = self._by_key(caller.workspace, idempotency_key, kind, digest)
            if found is not None:
                return found, False
        try:
            job = self.create(
                caller.workspace,
                kind,
                caller.name,
                request,
                caller,
                idempotency_key=idempotency_key,
                lock_key=lock_key,
            )
            return job, True
        except IntegrityError:
            if idempotency_key is not None:  # the same key's request won a race
                found = self._by_key(caller.workspace, idempotency_key, kind, digest)
                if found is not None:
                    return found, False
            if lock_key is not None:
                holder = self._lock_holder(lock_key)
                if holder is not None:
                    raise JobLocked(
                        f"{lock_holder} is running as job {holder}: wait for it to end or cancel it"
                    ) from None
            raise

    def _by_key(self, workspace: str, key: str, kind: str, digest: str) -> Job | None:
        with self.db.session() as s:
            row = s.scalar(
                select(JobRow).where(JobRow.workspace == workspace, JobRow.idempotency_key == key)
            )
            if row is None:
                return None
            if row.kind != kind or row.request_hash != digest:
                raise IdempotencyKeyReused(
                    f"Idempotency-Key {key!r} started job {row.id} with another request; use a "
                    "new key for a new request",
                    field="Idempotency-Key",
                )
            return _job(row)

    def _lock_holder(self, lock_key: str) -> str | None:
        with self.db.session() as s:
            return s.scalar(select(JobRow.id).where(JobRow.lock_key == lock_key))

    def get(self, workspace: str, job_id: str) -> Job:
        with self.db.session() as s:
            row = s.get(JobRow, job_id)
            if row is None or row.workspace != workspace:
                raise NotFound(f"no job {job_id} in workspace {workspace}")
            return _job(row)

    def get_by_id(self, job_id: str) -> Job | None:
        """Any workspace's job (for the process that runs it)."""
        with self.db.session() as s:
            row = s.get(JobRow, job_id)
            return _job(row) if row is not None else None

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

    def _set(
        self, job_id: str, when: tuple[str, ...], held_by: int | None = None, **values: Any
    ) -> bool:
        """Move the job on only from the statuses in ``when`` and, given ``held_by``, only while
        that attempt holds it: a job another process ended or took over is never flipped back
        by its old worker. A job that ends releases its lock and its uploads. True when it
        moved."""
        where = [JobRow.id == job_id, JobRow.status.in_(when)]
        if held_by is not None:
            where.append(JobRow.attempt == held_by)
        ends = values.get("status") in ("succeeded", "failed", "cancelled")
        if ends:
            values["lock_key"] = None
        with self.db.session() as s:
            done = s.execute(update(JobRow).where(*where).values(updated_at=utcnow(), **values))
            moved = bool(done.rowcount)  # type: ignore[attr-defined]
            if moved and ends:
                s.execute(delete(UploadRow).where(UploadRow.job_id == job_id))
            return moved

    def start(self, job_id: str, attempt: int = 1) -> bool:
        """The run ``attempt`` takes the queued job."""
        return self._set(job_id, ("queued",), status="running", attempt=attempt)

    def progress(self, job_id: str, message: str, attempt: int | None = None) -> bool:
        return self._set(job_id, ("running",), attempt, progress=message)

    def succeed(self, job_id: str, result: dict[str, Any], attempt: int | None = None) -> bool:
        return self._set(
            job_id, ("running",), attempt, status="succeeded", result=result, progress="done"
        )

    def fail(
        self,
        job_id: str,
        error: str,
        result: dict[str, Any] | None = None,
        attempt: int | None = None,
    ) -> bool:
        return self._set(job_id, UNFINISHED, attempt, status="failed", error=error, result=result)

    def requeue(self, job_id: str, attempt: int, reason: str) -> bool:
        """Put a job whose run ``attempt`` stopped (its worker died) back in the queue."""
        return self._set(job_id, ("running",), attempt, status="queued", progress=reason)

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
        """Mark jobs left queued or running by a stopped process as failed (the single-process
        runner's start; never on a queue that other processes share)."""
        with self.db.session() as s:
            stopped = list(s.scalars(select(JobRow.id).where(JobRow.status.in_(UNFINISHED))))
            if not stopped:
                return 0
            s.execute(
                update(JobRow)
                .where(JobRow.id.in_(stopped), JobRow.status.in_(UNFINISHED))
                .values(status="failed", error=INTERRUPTED, lock_key=None, updated_at=utcnow())
            )
            s.execute(delete(UploadRow).where(UploadRow.job_id.in_(stopped)))
            return len(stopped)

    def attach(self, job_id: str, files: list[tuple[str, bytes]]) -> None:
        """Keep an ingest job's uploaded files (name as uploaded, content) in the store, where
        every worker reads them; they are deleted when the job ends."""
        with self.db.session() as s:
            for position, (name, content) in enumerate(files):
                s.add(UploadRow(job_id=job_id, position=position, name=name, content=content))

    def attachments(self, job_id: str) -> list[tuple[str, bytes]]:
        with self.db.session() as s:
            rows = s.scalars(
                select(UploadRow).where(UploadRow.job_id == job_id).order_by(UploadRow.position)
            )
            return [(r.name, r.content) for r in rows]

"""Jobs: one job's status, progress and result link, and the workspace's jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.http.deps import Caller, JobsDep, Limit, Offset
from api.http.jobs_common import job_out
from api.http.problems import WRITE, documented
from api.http.schemas import JobOut, Page
from knowledge.platform.jobs import JobKind, JobStatus

router = APIRouter(prefix="/v1/workspaces/{workspace}/jobs", tags=["jobs"], responses=WRITE)


@router.get("", response_model=Page[JobOut])
def list_jobs(
    caller: Caller,
    jobs: JobsDep,
    request: Request,
    offset: Offset = 0,
    limit: Limit = 50,
    kind: Annotated[JobKind | None, Query()] = None,
    status: Annotated[JobStatus | None, Query()] = None,
) -> Page[JobOut]:
    """The workspace's jobs, newest first."""
    found, total = jobs.list_jobs(caller.workspace, offset, limit, kind, status)
    return Page(items=[job_out(request, j) for j in found], total=total, offset=offset, limit=limit)


@router.get("/{job_id}", response_model=JobOut, name="get_job")
def get_job(caller: Caller, jobs: JobsDep, job_id: str, request: Request) -> JobOut:
    """A job: queued, running (with progress), succeeded (with result links) or failed (with
    the reason, and for a failed draft the model's last answer)."""
    return job_out(request, jobs.get(caller.workspace, job_id))


@router.delete("/{job_id}", response_model=JobOut, responses=documented(409))
def cancel_job(caller: Caller, jobs: JobsDep, job_id: str, request: Request) -> JobOut:
    """Cancel a queued or running job (editor): it does not start, or its work stops at its
    next step; the job answers ``cancelled`` with who cancelled it. An ended job: 409."""
    caller.require("editor")
    return job_out(request, jobs.cancel(caller.workspace, job_id, caller.name))

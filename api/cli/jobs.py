"""``cjm jobs``: the workspace's jobs (drafts, regenerations, analyses, ingests, translations
started over HTTP or by ``cjm draft``), newest first, and one job with its result or reason."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer

from api.cli.common import JsonOption, WorkspaceOption, open_library, out, print_json
from api.cli.reviewer import AsOption, local_reviewer
from knowledge.platform.errors import UserInputError
from knowledge.platform.jobs import JOB_KINDS, JOB_STATUSES, Job, JobStore

jobs = typer.Typer(
    help="Jobs the HTTP API runs (drafts, analyses, translations...) and their results.",
    no_args_is_help=True,
)


def _as_json(job: Job) -> dict[str, Any]:
    times = {"created_at": job.created_at.isoformat(), "updated_at": job.updated_at.isoformat()}
    return {**asdict(job), **times}


def _line(job: Job) -> str:
    result = ""
    if job.result and "map_id" in job.result:
        result = f"  → map {job.result['map_id']} v{job.result.get('version', '?')}"
    why = f"  ({job.error})" if job.error else ""
    return (
        f"{job.id}  {job.kind}  {job.status}  {job.actor}  "
        f"{job.created_at:%Y-%m-%d %H:%M:%S}{result}{why}"
    )


@jobs.command("list")
def list_command(
    workspace: WorkspaceOption = "default",
    kind: Annotated[
        str | None, typer.Option(help=f"Only this kind: {', '.join(JOB_KINDS)}.")
    ] = None,
    status: Annotated[
        str | None, typer.Option(help=f"Only this status: {', '.join(JOB_STATUSES)}.")
    ] = None,
    offset: Annotated[int, typer.Option(min=0, help="Jobs to skip.")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Jobs to show.")] = 50,
    json_output: JsonOption = False,
) -> None:
    """The workspace's jobs, newest first."""
    with open_library() as library:
        for value, allowed, option in (
            (kind, JOB_KINDS, "--kind"),
            (status, JOB_STATUSES, "--status"),
        ):
            if value is not None and value not in allowed:
                raise UserInputError(f"{option} must be one of {', '.join(allowed)}")
        found, total = JobStore(library.db).list_jobs(workspace, offset, limit, kind, status)
    if json_output:
        items = [_as_json(j) for j in found]
        print_json({"items": items, "total": total, "offset": offset, "limit": limit})
        return
    if not found:
        out.print(f"no jobs in workspace {workspace}")
    for job in found:
        out.print(_line(job), markup=False, highlight=False)


@jobs.command("show")
def show(
    job_id: Annotated[str, typer.Argument(help="The job (job_...).")],
    workspace: WorkspaceOption = "default",
    json_output: JsonOption = False,
) -> None:
    """A job: its request, status, progress, and its result or the reason it failed."""
    with open_library() as library:
        job = JobStore(library.db).get(workspace, job_id)
    if json_output:
        print_json(_as_json(job))
        return
    out.print(_line(job), markup=False, highlight=False)
    for name, value in (
        ("progress", job.progress),
        ("request", job.request),
        ("result", job.result),
        ("error", job.error),
    ):
        if value:
            out.print(f"  {name}: {value}", markup=False, highlight=False)


@jobs.command("cancel")
def cancel(
    job_id: Annotated[str, typer.Argument(help="The job (job_...).")],
    workspace: WorkspaceOption = "default",
    actor: AsOption = None,
) -> None:
    """Cancel a queued or running job: it does not start, or its work stops at its next step."""
    with open_library() as library:
        who = local_reviewer(workspace, actor)
        job = JobStore(library.db).cancel(workspace, job_id, who.name)
    out.print(_line(job), markup=False, highlight=False)

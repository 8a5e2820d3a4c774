"""Drafting as jobs: a new map from the evidence, a future state from a stored map, and a
regeneration of a stored map that keeps human edits and locked elements."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.http.deps import MapsDep
from api.http.launcher import JobLauncherDep
from api.http.problems import WRITE, documented
from api.http.routes.maps import IfMatch, based_on
from api.http.schemas import JobOut
from api.http.specs import DraftIn, RegenerateIn, check_draft, regeneration_draft

router = APIRouter(prefix="/v1/workspaces/{workspace}", tags=["drafts"], responses=WRITE)


@router.post(
    "/drafts",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses=documented(503),
)
def start_draft(
    body: DraftIn,
    launcher: JobLauncherDep,
    repo: MapsDep,
) -> JobOut:
    """Draft a map as a job: the configured model writes it, else it is evidence-only. The
    finished job links to the stored map (version 1, status draft)."""
    check_draft(body, repo, launcher.caller.workspace, launcher.require_model)
    return launcher.launch("draft", body.model_dump())


@router.post(
    "/maps/{map_id}/regenerate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses=documented(409, 412, 428, 503),
)
def regenerate(
    map_id: str,
    body: RegenerateIn,
    launcher: JobLauncherDep,
    repo: MapsDep,
    if_match: IfMatch,
) -> JobOut:
    """Draft the map again from the current evidence, as a job. The result is the next
    version; human-edited and locked fields are kept, and the job lists those that no longer
    had a place. If someone changed the map meanwhile, the job fails and nothing is written.
    One regeneration of a map runs at a time: another one meanwhile is refused (409)."""
    caller = launcher.caller
    base = based_on(if_match)
    draft = regeneration_draft(repo, caller, map_id, base, body)
    if draft.needs_model:
        launcher.require_model()
    draft.analysis_options()
    return launcher.launch(
        "regenerate",
        {"map_id": map_id, "based_on": base, "body": body.model_dump()},
        lock_key=f"regenerate:{caller.workspace}:{map_id}",
        lock_holder=f"a regeneration of map {map_id}",
    )

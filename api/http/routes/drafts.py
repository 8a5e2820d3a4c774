"""Drafting as jobs: a new map from the evidence, a future state from a stored map, and a
regeneration of a stored map that keeps human edits and locked elements."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, status

from api.http.deps import MapsDep
from api.http.jobs_common import analysis_request
from api.http.launcher import JobLauncherDep
from api.http.problems import WRITE, documented
from api.http.routes.maps import IfMatch, based_on
from api.http.schemas import JobOut
from api.http.specs import DraftIn, RegenerateIn, regeneration_draft
from generator.drafting.future_state import check_future_state_language
from knowledge.journey.review import actions as review
from knowledge.platform.errors import UserInputError

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
    caller = launcher.caller
    draft = body.draft_request()
    if draft.needs_model:
        launcher.require_model()
    if draft.map_type == "future_state":
        if draft.from_map is None:
            raise UserInputError("a future_state draft needs from_map: a current-state map id")
        current = review.standing_version(repo, caller.workspace, draft.from_map)
        check_future_state_language(current, draft.lang)
    else:  # the evidence's request is refused now, not in the job
        replace(draft, analysis=analysis_request(caller.workspace, body)).analysis_options()
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

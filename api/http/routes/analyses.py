"""Evidence analysis as a job: stages, themes, counts and coverage, kept in the store as a
JSON document the job links to (the same shape as ``cjm analyze --json``)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from api.http.deps import Caller, DatabaseDep, JobsDep, SettingsDep
from api.http.jobs_common import analysis_request
from api.http.launcher import ViewerJobLauncherDep
from api.http.problems import WRITE
from api.http.schemas import EvidenceScopeIn, JobOut
from generator.analysis.documents import load_analysis
from knowledge.platform.errors import NotFound
from knowledge.platform.jobs import JobStore
from knowledge.platform.settings import Settings

router = APIRouter(prefix="/v1/workspaces/{workspace}/analyses", tags=["analyses"], responses=WRITE)
JOB_ID = re.compile(r"^job_[0-9a-f]{16}$")


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut)
def start_analysis(body: EvidenceScopeIn, launcher: ViewerJobLauncherDep) -> JobOut:
    """Analyse the workspace's evidence as a job; the finished job links to the analysis."""
    analysis_request(launcher.caller.workspace, body).options()  # refused now, not in the job
    return launcher.launch("analysis", body.model_dump())


@router.get(
    "/{analysis_id}",
    name="get_analysis",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "The analysis."}},
)
def get_analysis(
    caller: Caller,
    db: DatabaseDep,
    jobs: JobsDep,
    settings: SettingsDep,
    analysis_id: Annotated[str, Path(max_length=40)],
) -> Response:
    """A finished analysis: per stage its evidence and themes, per theme its members, counts,
    polarity, severity and priority, per evidence its source location, stage and theme."""
    document = None
    if JOB_ID.match(analysis_id):
        document = load_analysis(db, caller.workspace, analysis_id)
        if document is None:
            document = _kept_by_an_earlier_release(jobs, settings, caller.workspace, analysis_id)
    if document is None:
        raise NotFound(f"no analysis {analysis_id} in workspace {caller.workspace}")
    return Response(document, media_type="application/json")


def _kept_by_an_earlier_release(
    jobs: JobStore, settings: Settings, workspace: str, analysis_id: str
) -> str | None:
    """Earlier releases kept an analysis as a file in this replica's CJM_HOME."""
    legacy = settings.home / "analyses" / f"{analysis_id}.json"
    try:
        job = jobs.get(workspace, analysis_id)  # another workspace's analysis is not found
    except NotFound:
        return None
    if job.kind != "analysis" or not legacy.is_file():
        return None
    return legacy.read_text(encoding="utf-8")

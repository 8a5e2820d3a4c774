"""Evidence analysis as a job: stages, themes, counts and coverage, kept in the store as a
JSON document the job links to (the same shape as ``cjm analyze --json``)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from api.http.deps import Caller, DatabaseDep
from api.http.jobs_common import analysis_request
from api.http.launcher import ViewerJobLauncherDep
from api.http.problems import WRITE
from api.http.schemas import EvidenceScopeIn, JobOut
from generator.analysis.documents import load_analysis
from knowledge.platform.errors import NotFound

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
    caller: Caller, db: DatabaseDep, analysis_id: Annotated[str, Path(max_length=40)]
) -> Response:
    """A finished analysis: per stage its evidence and themes, per theme its members, counts,
    polarity, severity and priority, per evidence its source location, stage and theme."""
    document = (
        load_analysis(db, caller.workspace, analysis_id) if JOB_ID.match(analysis_id) else None
    )
    if document is None:
        raise NotFound(f"no analysis {analysis_id} in workspace {caller.workspace}")
    return Response(document, media_type="application/json")

"""Evidence analysis as a job: stages, themes, counts and coverage, kept as a JSON document
the job links to (the same shape as ``cjm analyze --json``)."""

from __future__ import annotations

import json
import re
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, status
from fastapi.responses import FileResponse

from api.http.deps import Caller, JobsDep, LibraryDep, SettingsDep
from api.http.jobs_common import analysis_request
from api.http.launcher import JobContext, ViewerJobLauncherDep
from api.http.problems import WRITE
from api.http.schemas import EvidenceScopeIn, JobOut
from generator.analysis.analyze import analyze
from knowledge.platform.errors import NotFound
from knowledge.platform.settings import Settings

router = APIRouter(prefix="/v1/workspaces/{workspace}/analyses", tags=["analyses"], responses=WRITE)
JOB_ID = re.compile(r"^job_[0-9a-f]{16}$")


def analysis_path(settings: Settings, analysis_id: str) -> FilePath:
    return settings.home / "analyses" / f"{analysis_id}.json"


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut)
def start_analysis(
    body: EvidenceScopeIn, launcher: ViewerJobLauncherDep, library: LibraryDep
) -> JobOut:
    """Analyse the workspace's evidence as a job; the finished job links to the analysis."""
    options = analysis_request(launcher.caller.workspace, body).options()
    job = launcher.create("analysis", body.model_dump())
    target = analysis_path(launcher.settings, job.id)

    def work(run: JobContext) -> dict[str, Any]:
        run.progress("analysing evidence")
        analysis, _ = analyze(library, options)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_text(json.dumps(analysis.as_dict(), ensure_ascii=False), encoding="utf-8")
        partial.replace(target)  # a reader never sees half a file
        coverage = analysis.coverage()
        return {
            "analysis_id": job.id,
            "evidence": coverage["total_evidence"],
            "unplaced": coverage["unplaced"],
            "themes": len(analysis.themes),
            "seconds": round(analysis.seconds, 3),
        }

    return launcher.start(job, work)


@router.get(
    "/{analysis_id}",
    name="get_analysis",
    response_class=FileResponse,
    responses={200: {"content": {"application/json": {}}, "description": "The analysis."}},
)
def get_analysis(
    caller: Caller,
    jobs: JobsDep,
    settings: SettingsDep,
    analysis_id: Annotated[str, Path(max_length=40)],
) -> FileResponse:
    """A finished analysis: per stage its evidence and themes, per theme its members, counts,
    polarity, severity and priority, per evidence its source location, stage and theme."""
    missing = NotFound(f"no analysis {analysis_id} in workspace {caller.workspace}")
    if not JOB_ID.match(analysis_id):
        raise missing
    job = jobs.get(caller.workspace, analysis_id)  # another workspace's analysis is not found
    path = analysis_path(settings, job.id)
    if job.kind != "analysis" or not path.exists():
        raise missing
    return FileResponse(path, media_type="application/json")

"""Drafts as jobs (202 + job), job status, and search."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import Field

from api.cli.analysis import analysis_options
from api.http.deps import Caller, JobsDep, LibraryDep, RunnerDep, require
from api.http.schemas import Body, JobOut
from generator.drafting.llm_draft import DraftSpec
from generator.drafting.pipeline import draft_map
from generator.llm.factory import configured_model
from knowledge.errors import UserInputError
from knowledge.filters import EvidenceFilter
from knowledge.journey.frameworks import BUILTIN
from knowledge.maps.repository import MapRepository
from knowledge.search import Searcher
from knowledge.settings import get_settings

router = APIRouter(prefix="/v1/workspaces/{workspace}", tags=["drafts and jobs"])
Lang = Literal["fa", "ru", "th", "zh", "en"]


class DraftIn(Body):
    framework: str = Field(default="six_stage", examples=["food_delivery"])
    lang: Lang = Field(default="en", description="Language of the map.")
    map_type: Literal["current_state", "day_in_the_life", "service_blueprint"] = "current_state"
    personas: int = Field(default=3, ge=0, le=8)
    goal: str | None = Field(default=None, max_length=2000, examples=["کاهش تاخیر ارسال"])
    kinds: list[str] = Field(default_factory=list, max_length=6)
    evidence_langs: list[Lang] = Field(default_factory=list)
    product: str | None = None
    segment: str | None = None
    label_map: list[str] = Field(default_factory=list, max_length=10)
    rating_scale: float | None = Field(default=None, gt=1, le=100)
    stage_method: Literal["offline", "llm"] = "offline"


def job_out(request: Request, job: Any) -> JobOut:
    data = asdict(job)
    links = {"self": str(request.url_for("get_job", workspace=job.workspace, job_id=job.id))}
    if job.result and "map_id" in job.result:
        links["map"] = str(
            request.url_for("get_map", workspace=job.workspace, map_id=job.result["map_id"])
        )
    return JobOut(**data, links=links)


@router.post("/drafts", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut)
def start_draft(
    caller: Caller,
    body: DraftIn,
    jobs: JobsDep,
    runner: RunnerDep,
    library: LibraryDep,
    request: Request,
    response: Response,
) -> JobOut:
    """Draft a map from the workspace's evidence as a job: the configured model writes it, else
    it is evidence-only. The finished job links to the stored map (version 1, draft)."""
    require(caller, "editor")
    if body.framework not in BUILTIN:
        raise UserInputError(f"framework must be one of {', '.join(BUILTIN)}")
    options = analysis_options(
        caller.workspace,
        body.framework,
        body.kinds or None,
        list(body.evidence_langs) or None,
        body.product,
        body.segment,
        body.label_map or None,
        body.rating_scale,
    )
    job = jobs.create(caller.workspace, "draft", caller.name, body.model_dump())
    settings = get_settings()
    spec = DraftSpec(map_type=body.map_type, personas=body.personas, goal=body.goal)

    def work(progress: Any) -> dict[str, Any]:
        model = configured_model(settings)
        try:
            journey = draft_map(
                library, options, body.lang, spec, model, settings, body.stage_method, progress
            )
        finally:
            close = getattr(model, "close", None)
            if close is not None:
                close()
        info = MapRepository(library.db).create(caller.workspace, journey, caller.name)
        return {"map_id": info.id, "version": info.head, "evidence_only": journey.evidence_only}

    runner.submit(job, work)
    out = job_out(request, job)
    response.headers["Location"] = out.links["self"]
    return out


@router.get("/jobs/{job_id}", response_model=JobOut, name="get_job")
def get_job(caller: Caller, jobs: JobsDep, job_id: str, request: Request) -> JobOut:
    return job_out(request, jobs.get(caller.workspace, job_id))


@router.get("/search")
def search(
    caller: Caller,
    library: LibraryDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, examples=["پیک دیر رسید"])],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    lang: Annotated[list[Lang] | None, Query()] = None,
) -> list[dict[str, Any]]:
    """Hybrid, cross-lingual search of the workspace's evidence."""
    hits = Searcher(library).search(
        q, k=k, filters=EvidenceFilter(workspace=caller.workspace, langs=tuple(lang or ()))
    )
    return [h.as_dict() for h in hits]

"""Drafting as jobs: a new map from the evidence, a future state from a stored map, and a
regeneration of a stored map that keeps human edits and locked elements."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import Field

from api.http.deps import Caller, JobsDep, LibraryDep, MapsDep, ModelFactoryDep, RunnerDep, require
from api.http.jobs_common import accepted, model_for_job, options_from
from api.http.problems import WRITE, documented
from api.http.routes.maps import IfMatch, based_on
from api.http.schemas import EvidenceScopeIn, JobOut, Lang
from generator.drafting.future_state import draft_future_state
from generator.drafting.llm_draft import DraftSpec
from generator.drafting.pipeline import draft_map
from generator.llm.errors import LLMConfigError
from generator.llm.job import LLMJob
from generator.qa.vectors import store_element_vectors
from knowledge.journey.frameworks import BUILTIN
from knowledge.journey.review import actions as review
from knowledge.journey.review.errors import StaleVersion
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import get_settings

router = APIRouter(prefix="/v1/workspaces/{workspace}", tags=["drafts"], responses=WRITE)
NEEDS_MODEL = (
    "this needs a language model: the server has none configured (set CJM_LLM_BASE_URL, "
    "CJM_LLM_MODEL and the key variable, then restart cjm serve)"
)


class DraftIn(EvidenceScopeIn):
    lang: Lang = Field(default="en", description="Language of the map.")
    map_type: Literal["current_state", "future_state", "day_in_the_life", "service_blueprint"] = (
        "current_state"
    )
    personas: int = Field(default=3, ge=0, le=8)
    goal: str | None = Field(
        default=None,
        max_length=2000,
        description="What the map is for; a future state's goals.",
        examples=["کاهش تاخیر ارسال", "Сократить время доставки", "ลดเวลารอไรเดอร์"],
    )
    from_map: str | None = Field(
        default=None,
        max_length=100,
        description="future_state: the stored current-state map it starts from (its approved "
        "version, else its head).",
    )
    stage_method: Literal["offline", "llm"] = "offline"


class RegenerateIn(EvidenceScopeIn):
    personas: int | None = Field(
        default=None, ge=0, le=8, description="Default: as many as the map has."
    )
    stage_method: Literal["offline", "llm"] = "offline"


@router.post(
    "/drafts",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses=documented(503),
)
def start_draft(
    caller: Caller,
    body: DraftIn,
    jobs: JobsDep,
    runner: RunnerDep,
    library: LibraryDep,
    factory: ModelFactoryDep,
    request: Request,
    response: Response,
) -> JobOut:
    """Draft a map as a job: the configured model writes it, else it is evidence-only. The
    finished job links to the stored map (version 1, status draft)."""
    require(caller, "editor")
    settings = get_settings()
    needs_model = body.map_type == "future_state" or body.stage_method == "llm"
    if needs_model and factory(settings) is None:
        raise LLMConfigError(NEEDS_MODEL)
    repo = MapRepository(library.db)
    if body.map_type == "future_state":
        if body.from_map is None:
            raise UserInputError("a future_state draft needs from_map: a current-state map id")
        current = review.standing_version(repo, caller.workspace, body.from_map)
        if current.language != body.lang:
            raise UserInputError(
                f"map {body.from_map} is in {current.language}; draft its future state in "
                f"{current.language} or translate it first"
            )
    else:
        options = options_from(caller.workspace, body)
    job = jobs.create(caller.workspace, "draft", caller.name, body.model_dump())
    spec = DraftSpec(map_type=body.map_type, personas=body.personas, goal=body.goal)

    def work(progress: Any) -> dict[str, Any]:
        with model_for_job(factory, settings) as model:
            if body.map_type == "future_state":
                assert model is not None
                llm = LLMJob.from_settings(model, settings, body.lang, progress)
                journey = draft_future_state(llm, current, body.goal)
            else:
                journey = draft_map(
                    library, options, body.lang, spec, model, settings, body.stage_method, progress
                )
        stores = MapRepository(library.db, stored=store_element_vectors(library, progress))
        info = review.store_draft(stores, caller, journey)
        return {"map_id": info.id, "version": info.head, "evidence_only": journey.evidence_only}

    runner.submit(job, work)
    return accepted(request, response, job)


@router.post(
    "/maps/{map_id}/regenerate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses=documented(412, 428, 503),
)
def regenerate(
    caller: Caller,
    map_id: str,
    body: RegenerateIn,
    jobs: JobsDep,
    repo: MapsDep,
    runner: RunnerDep,
    library: LibraryDep,
    factory: ModelFactoryDep,
    request: Request,
    response: Response,
    if_match: IfMatch,
) -> JobOut:
    """Draft the map again from the current evidence, as a job. The result is the next
    version; human-edited and locked fields are kept, and the job lists those that no longer
    had a place. If someone changed the map meanwhile, the job fails and nothing is written."""
    require(caller, "editor")
    base = based_on(if_match)
    info = repo.get(caller.workspace, map_id)
    current = repo.version(caller.workspace, map_id, base).journey
    if base != info.head:
        raise StaleVersion(map_id, base, info.head)
    if current.map_type == "future_state":
        raise UserInputError("regenerate a future state by drafting it again from its source")
    if current.framework.id not in BUILTIN and body.framework_yaml is None:
        raise UserInputError(
            f"map {map_id} uses the custom framework {current.framework.id}: send it as "
            "framework_yaml"
        )
    scope = current.scope
    stored = body.model_copy(
        update={
            "framework": current.framework.id,
            "kinds": body.kinds or scope.kinds,
            "evidence_langs": body.evidence_langs or scope.languages,
            "product": body.product or scope.product,
            "segment": body.segment or scope.segment,
        }
    )
    options = options_from(caller.workspace, stored)
    settings = get_settings()
    if body.stage_method == "llm" and factory(settings) is None:
        raise LLMConfigError(NEEDS_MODEL)
    personas = (len(current.personas) or 3) if body.personas is None else body.personas
    spec = DraftSpec(map_type=current.map_type, personas=personas, goal=scope.goal)
    job = jobs.create(
        caller.workspace, "regenerate", caller.name, {"map_id": map_id, "based_on": base}
    )

    def work(progress: Any) -> dict[str, Any]:
        with model_for_job(factory, settings) as model:
            journey = draft_map(
                library,
                options,
                current.language,
                spec,
                model,
                settings,
                body.stage_method,
                progress,
            )
        stores = MapRepository(library.db, stored=store_element_vectors(library, progress))
        new, orphaned = review.regenerate(stores, caller, map_id, base, journey)
        return {"map_id": map_id, "version": new.head, "orphaned": orphaned}

    runner.submit(job, work)
    return accepted(request, response, job)

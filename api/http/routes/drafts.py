"""Drafting as jobs: a new map from the evidence, a future state from a stored map, and a
regeneration of a stored map that keeps human edits and locked elements."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from fastapi import APIRouter, status
from pydantic import Field

from api.http.deps import LibraryDep, MapsDep, SettingsDep
from api.http.jobs_common import analysis_request
from api.http.launcher import JobContext, JobLauncherDep, ModelUse
from api.http.problems import WRITE, documented
from api.http.routes.maps import IfMatch, based_on
from api.http.schemas import EvidenceScopeIn, JobOut, Lang
from generator.analysis.analyze import AnalysisOptions
from generator.drafting.future_state import check_future_state_language, draft_future_state
from generator.drafting.pipeline import draft_map
from generator.drafting.request import DraftRequest
from generator.llm.job import LLMJob
from generator.qa.vectors import store_element_vectors
from knowledge.journey.frameworks import BUILTIN
from knowledge.journey.model import JourneyMap
from knowledge.journey.review import actions as review
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import Settings
from knowledge.search.library import Library
from knowledge.vocabulary import MapType

router = APIRouter(prefix="/v1/workspaces/{workspace}", tags=["drafts"], responses=WRITE)


class DraftIn(EvidenceScopeIn):
    lang: Lang = Field(default="en", description="Language of the map.")
    map_type: MapType = "current_state"
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
    body: DraftIn,
    launcher: JobLauncherDep,
    repo: MapsDep,
    library: LibraryDep,
    settings: SettingsDep,
) -> JobOut:
    """Draft a map as a job: the configured model writes it, else it is evidence-only. The
    finished job links to the stored map (version 1, status draft)."""
    caller = launcher.caller
    draft = DraftRequest(
        None,  # the evidence's request once the model is known to be there, below
        lang=body.lang,
        map_type=body.map_type,
        personas=body.personas,
        goal=body.goal,
        stage_method=body.stage_method,
        from_map=body.from_map,
    )
    if draft.needs_model:
        launcher.require_model()
    if draft.map_type == "future_state":
        if draft.from_map is None:
            raise UserInputError("a future_state draft needs from_map: a current-state map id")
        current = review.standing_version(repo, caller.workspace, draft.from_map)
        check_future_state_language(current, draft.lang)
    else:
        draft = replace(draft, analysis=analysis_request(caller.workspace, body))
        options = draft.analysis_options()

    def work(run: JobContext) -> dict[str, Any]:
        if draft.map_type == "future_state":
            llm = LLMJob.from_settings(run.chat, settings, draft.lang, run.progress)
            journey = draft_future_state(llm, current, draft.goal)
        else:
            journey = _drafted(library, settings, draft, options, run)
        stores = MapRepository(library.db, stored=store_element_vectors(library, run.progress))
        info = review.store_draft(stores, caller, journey)
        return {"map_id": info.id, "version": info.head, "evidence_only": journey.evidence_only}

    use: ModelUse = "required" if draft.needs_model else "optional"
    return launcher.launch("draft", body.model_dump(), work, model=use)


@router.post(
    "/maps/{map_id}/regenerate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    responses=documented(412, 428, 503),
)
def regenerate(
    map_id: str,
    body: RegenerateIn,
    launcher: JobLauncherDep,
    repo: MapsDep,
    library: LibraryDep,
    settings: SettingsDep,
    if_match: IfMatch,
) -> JobOut:
    """Draft the map again from the current evidence, as a job. The result is the next
    version; human-edited and locked fields are kept, and the job lists those that no longer
    had a place. If someone changed the map meanwhile, the job fails and nothing is written."""
    caller = launcher.caller
    base = based_on(if_match)
    current = review.regeneration_base(repo, caller.workspace, map_id, base)
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
    draft = DraftRequest(
        analysis_request(caller.workspace, stored),
        lang=current.language,
        map_type=current.map_type,
        personas=(len(current.personas) or 3) if body.personas is None else body.personas,
        goal=scope.goal,
        stage_method=body.stage_method,
    )
    options = draft.analysis_options()

    def work(run: JobContext) -> dict[str, Any]:
        journey = _drafted(library, settings, draft, options, run)
        stores = MapRepository(library.db, stored=store_element_vectors(library, run.progress))
        new, orphaned = review.regenerate(stores, caller, map_id, base, journey)
        return {"map_id": map_id, "version": new.head, "orphaned": orphaned}

    use: ModelUse = "required" if draft.needs_model else "optional"
    return launcher.launch("regenerate", {"map_id": map_id, "based_on": base}, work, model=use)


def _drafted(
    library: Library,
    settings: Settings,
    draft: DraftRequest,
    options: AnalysisOptions,
    run: JobContext,
) -> JourneyMap:
    """The map a draft or regeneration job writes from the evidence."""
    return draft_map(
        library,
        options,
        draft.lang,
        draft.spec,
        run.model,
        settings,
        draft.stage_method,
        run.progress,
    )

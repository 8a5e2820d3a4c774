"""Translations of a map for other language teams, as jobs; which translations a map has and
whether they are stale."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import Field

from api.http.deps import Caller, JobsDep, LibraryDep, MapsDep, ModelFactoryDep, RunnerDep, require
from api.http.jobs_common import accepted, model_for_job
from api.http.problems import WRITE, documented
from api.http.routes.drafts import NEEDS_MODEL
from api.http.schemas import Body, JobOut, Lang, LinkOut
from generator.llm.errors import LLMConfigError
from generator.llm.job import LLMJob
from generator.qa.vectors import store_element_vectors
from generator.translation.service import translate_map
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import get_settings
from knowledge.translation.glossary import GlossaryStore

router = APIRouter(
    prefix="/v1/workspaces/{workspace}/maps/{map_id}/translations",
    tags=["translations"],
    responses=WRITE,
)


class TranslateIn(Body):
    to: Lang = Field(description="The target team's language.", examples=["th"])
    glossary: str | None = Field(
        default=None, max_length=64, description="A glossary of the workspace, by name."
    )
    version: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Version of the source map (default: its head).",
    )


@router.get("", response_model=list[LinkOut])
def list_translations(caller: Caller, repo: MapsDep, map_id: str) -> list[LinkOut]:
    """The map's translations, each with the source version it was made from and whether the
    source has moved on since (stale)."""
    return [
        LinkOut(**asdict(t), stale=t.stale) for t in repo.translations(caller.workspace, map_id)
    ]


@router.post(
    "", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut, responses=documented(503)
)
def translate(
    caller: Caller,
    map_id: str,
    body: TranslateIn,
    jobs: JobsDep,
    repo: MapsDep,
    runner: RunnerDep,
    library: LibraryDep,
    factory: ModelFactoryDep,
    request: Request,
    response: Response,
) -> JobOut:
    """Translate the map as a job. The first time the result is a new map in the target
    language (status draft, for that team to review); later, a refresh of it that sends only
    changed texts and keeps that team's edits. The job links to the translated map."""
    require(caller, "editor")
    settings = get_settings()
    if factory(settings) is None:
        raise LLMConfigError(NEEDS_MODEL)
    source = repo.get(caller.workspace, map_id)
    if source.language == body.to:
        raise UserInputError(f"map {map_id} is already in {body.to}")
    glossary = (
        GlossaryStore(library.db).get(caller.workspace, body.glossary) if body.glossary else None
    )
    job = jobs.create(
        caller.workspace, "translate", caller.name, {"map_id": map_id, **body.model_dump()}
    )

    def work(progress: Any) -> dict[str, Any]:
        with model_for_job(factory, settings) as model:
            assert model is not None
            llm = LLMJob.from_settings(model, settings, body.to, progress)
            stores = MapRepository(library.db, stored=store_element_vectors(library, progress))
            done = translate_map(
                stores, caller.workspace, map_id, llm, caller.name, glossary, body.version, progress
            )
        return done.summary()

    runner.submit(job, work)
    return accepted(request, response, job)

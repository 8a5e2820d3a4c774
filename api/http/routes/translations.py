"""Translations of a map for other language teams, as jobs; which translations a map has and
whether they are stale."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, status
from pydantic import Field

from api.http.deps import Caller, GlossariesDep, LibraryDep, MapsDep, SettingsDep
from api.http.launcher import JobContext, JobLauncherDep
from api.http.problems import WRITE, documented
from api.http.schemas import Body, JobOut, Lang, LinkOut
from generator.llm.job import LLMJob
from generator.qa.vectors import store_element_vectors
from generator.translation.service import translate_map, translation_source
from knowledge.journey.review.repository import MapRepository

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
    map_id: str,
    body: TranslateIn,
    launcher: JobLauncherDep,
    repo: MapsDep,
    glossaries: GlossariesDep,
    library: LibraryDep,
    settings: SettingsDep,
) -> JobOut:
    """Translate the map as a job. The first time the result is a new map in the target
    language (status draft, for that team to review); later, a refresh of it that sends only
    changed texts and keeps that team's edits. The job links to the translated map."""
    caller = launcher.caller
    launcher.require_model()
    translation_source(repo, caller.workspace, map_id, body.to)
    glossary = glossaries.get(caller.workspace, body.glossary) if body.glossary else None

    def work(run: JobContext) -> dict[str, Any]:
        llm = LLMJob.from_settings(run.chat, settings, body.to, run.progress)
        stores = MapRepository(library.db, stored=store_element_vectors(library, run.progress))
        done = translate_map(
            stores, caller.workspace, map_id, llm, caller.name, glossary, body.version, run.progress
        )
        return done.summary()

    params = {"map_id": map_id, **body.model_dump()}
    return launcher.launch("translate", params, work, model="required")

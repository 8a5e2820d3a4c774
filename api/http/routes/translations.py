"""Translations of a map for other language teams, as jobs; which translations a map has and
whether they are stale."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, status

from api.http.deps import Caller, GlossariesDep, MapsDep
from api.http.launcher import JobLauncherDep
from api.http.problems import WRITE, documented
from api.http.schemas import JobOut, LinkOut
from api.http.specs import TranslateIn
from generator.translation.service import translation_source

router = APIRouter(
    prefix="/v1/workspaces/{workspace}/maps/{map_id}/translations",
    tags=["translations"],
    responses=WRITE,
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
) -> JobOut:
    """Translate the map as a job. The first time the result is a new map in the target
    language (status draft, for that team to review); later, a refresh of it that sends only
    changed texts and keeps that team's edits. The job links to the translated map."""
    caller = launcher.caller
    launcher.require_model()
    translation_source(repo, caller.workspace, map_id, body.to)
    if body.glossary:
        glossaries.get(caller.workspace, body.glossary)  # a missing glossary: 404 now
    return launcher.launch("translate", {"map_id": map_id, **body.model_dump()})

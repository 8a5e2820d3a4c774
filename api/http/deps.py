"""Dependencies: settings, the store, the caller's key, and the workspace it may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import Cookie, Depends, Header, Path, Query, Request
from starlette.applications import Starlette

from api.http.jobs_common import ModelFactory
from api.http.problems import Forbidden, Unauthenticated
from api.http.runner import Dispatcher
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import NotFound
from knowledge.platform.jobs import JobStore
from knowledge.platform.keys import Principal, Role, authenticate
from knowledge.platform.settings import Settings, get_settings
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher
from knowledge.store import Database
from knowledge.translation.glossary import GlossaryStore

MAX_VERSION = 1_000_000
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page (at most 200).")]


def settings_of(app: Starlette | None) -> Settings:
    """The settings ``create_app`` was given, else the process-wide ones, read at each call so
    a changed environment counts once ``get_settings.cache_clear()`` ran."""
    given: Settings | None = getattr(app.state, "settings", None) if app is not None else None
    return given if given is not None else get_settings()


def app_settings(request: Request) -> Settings:
    return settings_of(request.app)


SettingsDep = Annotated[Settings, Depends(app_settings)]


def database(request: Request) -> Database:
    """The store of the process's research library."""
    return request.app.state.library.db  # type: ignore[no-any-return]


DatabaseDep = Annotated[Database, Depends(database)]


def maps(db: DatabaseDep) -> MapRepository:
    return MapRepository(db)


MapsDep = Annotated[MapRepository, Depends(maps)]


def jobs(db: DatabaseDep) -> JobStore:
    return JobStore(db)


JobsDep = Annotated[JobStore, Depends(jobs)]


def glossaries(db: DatabaseDep) -> GlossaryStore:
    return GlossaryStore(db)


GlossariesDep = Annotated[GlossaryStore, Depends(glossaries)]


def dispatcher(request: Request) -> Dispatcher:
    return request.app.state.dispatcher  # type: ignore[no-any-return]


DispatcherDep = Annotated[Dispatcher, Depends(dispatcher)]


def model_factory(request: Request) -> ModelFactory:
    return request.app.state.model_factory  # type: ignore[no-any-return]


ModelFactoryDep = Annotated[ModelFactory, Depends(model_factory)]


def library(request: Request) -> Library:
    return request.app.state.library  # type: ignore[no-any-return]


LibraryDep = Annotated[Library, Depends(library)]


def searcher(request: Request) -> Searcher:
    return request.app.state.searcher  # type: ignore[no-any-return]


SearcherDep = Annotated[Searcher, Depends(searcher)]


REVIEW_COOKIE = "cjm_key"
REVIEW_HEADER = "x-cjm-review"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def key_of(authorization: str | None, x_api_key: str | None) -> str | None:
    """The API key a request sends: X-API-Key, else Authorization: Bearer."""
    if x_api_key is None and authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return x_api_key


def principal(
    request: Request,
    db: DatabaseDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
    cjm_key: Annotated[
        str | None, Cookie(description="Set by the review page's sign-in (SameSite=Strict).")
    ] = None,
) -> Principal:
    key = key_of(authorization, x_api_key)
    if not key and cjm_key:
        # the review page: a change must also carry a header a cross-site form cannot send
        if request.method not in SAFE_METHODS and REVIEW_HEADER not in request.headers:
            raise Forbidden("changes signed in by cookie need the X-CJM-Review header")
        key = cjm_key
    if not key:
        raise Unauthenticated("send an API key: Authorization: Bearer cjm_... (cjm keys create)")
    found = authenticate(db, key)
    if found is None:
        raise Unauthenticated("unknown or revoked API key")
    return found


def workspace_principal(
    workspace: Annotated[str, Path(description="Workspace (one research library per team).")],
    caller: Annotated[Principal, Depends(principal)],
) -> Principal:
    """The caller, inside the workspace of the path; another workspace does not exist for it."""
    if caller.workspace != workspace:
        raise NotFound(f"no workspace {workspace}")
    return caller


Caller = Annotated[Principal, Depends(workspace_principal)]


def require(caller: Principal, role: Role) -> None:
    caller.require(role)

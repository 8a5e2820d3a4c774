"""Dependencies: settings, the store, the caller's key, and the workspace it may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from api.http.problems import Forbidden, Unauthenticated
from api.http.runner import JobRunner
from knowledge.access.keys import Principal, Role, authenticate
from knowledge.jobs import JobStore
from knowledge.library import Library
from knowledge.maps.errors import MapNotFound
from knowledge.maps.repository import MapRepository
from knowledge.store import Database


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


def runner(request: Request) -> JobRunner:
    return request.app.state.runner  # type: ignore[no-any-return]


RunnerDep = Annotated[JobRunner, Depends(runner)]


def library(request: Request) -> Library:
    return request.app.state.library  # type: ignore[no-any-return]


LibraryDep = Annotated[Library, Depends(library)]


def principal(
    db: DatabaseDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    key = x_api_key
    if key is None and authorization and authorization.lower().startswith("bearer "):
        key = authorization[7:].strip()
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
        raise MapNotFound(f"no workspace {workspace}")
    return caller


Caller = Annotated[Principal, Depends(workspace_principal)]


def require(caller: Principal, role: Role) -> None:
    if not caller.may(role):
        raise Forbidden(f"this needs the {role} role; the key is {caller.role}")

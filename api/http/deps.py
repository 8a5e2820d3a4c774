"""Dependencies: settings, the store, the caller's key, and the workspace it may see."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Header, Path

from api.http.problems import Forbidden, Unauthenticated
from knowledge.access.keys import Principal, Role, authenticate
from knowledge.maps.errors import MapNotFound
from knowledge.maps.repository import MapRepository
from knowledge.settings import Settings, get_settings
from knowledge.store import Database


@lru_cache(maxsize=4)
def _database(url: str, home: str) -> Database:
    return Database(get_settings())


def database(settings: Annotated[Settings, Depends(get_settings)]) -> Database:
    return _database(settings.resolved_database_url(), str(settings.home))


DatabaseDep = Annotated[Database, Depends(database)]


def maps(db: DatabaseDep) -> MapRepository:
    return MapRepository(db)


MapsDep = Annotated[MapRepository, Depends(maps)]


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

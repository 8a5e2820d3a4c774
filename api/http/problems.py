"""Every error as RFC 9457 problem+json, mapped in one place."""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from knowledge.journey.review.errors import StaleVersion
from knowledge.journey.review.integrity import MapIntegrityError
from knowledge.platform.errors import CJMError, Unavailable, UserInputError

PROBLEM = "application/problem+json"


class Problem(BaseModel):
    """An RFC 9457 problem: every error the API returns has this shape."""

    type: str = "about:blank"
    title: str = Field(examples=["Precondition failed"])
    status: int = Field(examples=[412])
    detail: str = Field(
        examples=["map cx-food-delivery is at version 3, not 2: reload it and apply the change"]
    )
    errors: list[dict[str, Any]] | None = Field(
        default=None,
        description="422: what is wrong with which part of the request (for a map that would "
        "not hold: path and msg of each quote or id that does not resolve).",
    )
    field: str | None = Field(
        default=None,
        description="The request field the problem is about, when it is about one.",
        examples=["lang"],
    )
    head: int | None = Field(default=None, description="412: the map's current version.")
    based_on: int | None = Field(default=None, description="412: the version the change named.")
    limit: int | None = Field(default=None, description="413: the size limit, in bytes.")
    formats: list[str] | None = Field(
        default=None,
        description="503 of a PDF or PNG export: the export formats this server can produce.",
        examples=[["json", "md", "csv", "html"]],
    )


DESCRIPTIONS = {
    401: "No API key, or an unknown or revoked one.",
    403: "The key's role may not do this.",
    404: "No such workspace, map, version, comment, job, analysis or glossary for this key.",
    409: "The map's status does not allow this action, the workspace already has a map with "
    "this id, or a stored version predates the map schema's bounds (edit the named field).",
    412: "If-Match names a version that is no longer the head; nothing was written.",
    413: "The request body is over its size limit, or the map would be.",
    422: "The request is not valid; errors says where.",
    428: "The change needs an If-Match header with the ETag of the version it is based on.",
    502: "The language model answered with nothing usable (junk that never validates, a bad "
    "reply, an answer cut off beyond recovery).",
    503: "This server lacks what the request needs (PDF and PNG exports need Chromium; a model "
    "task needs a configured, reachable language model that is not rate limiting it); the "
    "request is fine and works on a server that has it (Retry-After when known).",
    504: "The language model timed out, or the task's deadline passed.",
}


def documented(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for problem codes, for a route's or router's ``responses``."""
    schema = Problem.model_json_schema()
    return {
        code: {"description": DESCRIPTIONS[code], "content": {PROBLEM: {"schema": schema}}}
        for code in codes
    }


READ = documented(401, 404, 422)
WRITE = documented(401, 403, 404, 413, 422)
MODEL = documented(502, 503, 504)  # a route that waits for a language model


NO_IF_MATCH = 'send If-Match with the ETag of the version you edited, e.g. If-Match: "v3"'


class PreconditionRequired(UserInputError):
    """A change was sent without If-Match."""

    http_status = 428
    title = "Precondition required"


class TooLarge(UserInputError):
    """A request body over its size limit."""

    http_status = 413
    title = "Content too large"


class Unauthenticated(CJMError):
    http_status = 401
    title = "Unauthenticated"
    exit_code = 2


class Forbidden(CJMError):
    http_status = 403
    title = "Forbidden"
    exit_code = 2


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def product_problem(exc: CJMError) -> JSONResponse:
    """The problem for an error of the product's tree: its class's status and title."""
    answered = exc.answered_as()
    extra: dict[str, Any] = {}
    if isinstance(exc, StaleVersion):
        extra = {"head": exc.head, "based_on": exc.based_on}
    if isinstance(exc, MapIntegrityError):
        extra = {"errors": exc.errors}
    if isinstance(exc, Unavailable) and exc.works:
        extra = {"formats": list(exc.works)}
    if exc.field is not None:
        extra["field"] = exc.field
    headers = None
    retry_after = getattr(exc, "retry_after", None)
    if answered.http_status == 503 and isinstance(retry_after, int | float) and retry_after > 0:
        headers = {"Retry-After": str(math.ceil(retry_after))}
    return problem(answered.http_status, answered.title, str(exc), headers, **extra)


def install(app: FastAPI) -> None:
    async def domain(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CJMError)
        return product_problem(exc)

    async def validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"loc": [str(x) for x in e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        if all(
            e["type"] == "missing" and tuple(e["loc"]) == ("header", "if-match")
            for e in exc.errors()
        ):
            return problem(428, "Precondition required", NO_IF_MATCH)
        said = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        return problem(
            422, "Unprocessable request", f"the request is not valid: {said}{more}", errors=errors
        )

    async def http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        limit = getattr(exc, "limit", None)  # a body over its limit (api.http.body_limit)
        extra = {} if limit is None else {"limit": limit}
        try:
            title = HTTPStatus(exc.status_code).phrase
        except ValueError:
            title = str(exc.detail)
        return problem(exc.status_code, title, str(exc.detail), **extra)

    async def store(_: Request, exc: Exception) -> JSONResponse:
        # the store refused a value or a concurrent write won: the request's fault or a race,
        # never the server's (the routes map what they expect; this is the net under them)
        if isinstance(exc, IntegrityError):
            return problem(409, "Conflict", "a concurrent change got there first; try again")
        return problem(422, "Unprocessable request", "the request holds a value the store refuses")

    app.add_exception_handler(CJMError, domain)
    app.add_exception_handler(IntegrityError, store)
    app.add_exception_handler(DataError, store)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)

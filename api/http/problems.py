"""Every error as RFC 9457 problem+json, mapped in one place."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from knowledge.errors import KnowledgeError, NotFound, UserInputError
from knowledge.maps.errors import StaleVersion, TransitionRefused

PROBLEM = "application/problem+json"


class PreconditionRequired(UserInputError):
    """A change was sent without If-Match."""


class TooLarge(UserInputError):
    """A request body over its size limit."""


class Unauthenticated(Exception):
    pass


class Forbidden(Exception):
    pass


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


# most specific first
STATUS: list[tuple[type[Exception], int, str]] = [
    (Unauthenticated, 401, "Unauthenticated"),
    (Forbidden, 403, "Forbidden"),
    (NotFound, 404, "Not found"),
    (PreconditionRequired, 428, "Precondition required"),
    (TooLarge, 413, "Content too large"),
    (StaleVersion, 412, "Precondition failed"),
    (TransitionRefused, 409, "Conflict"),
    (UserInputError, 422, "Unprocessable request"),
    (KnowledgeError, 500, "Internal error"),
]


def install(app: FastAPI) -> None:
    async def domain(_: Request, exc: Exception) -> JSONResponse:
        for cls, status, title in STATUS:
            if isinstance(exc, cls):
                extra: dict[str, Any] = {}
                if isinstance(exc, StaleVersion):
                    extra = {"head": exc.head, "based_on": exc.based_on}
                return problem(status, title, str(exc), **extra)
        return problem(500, "Internal error", "unexpected error")

    async def validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"loc": [str(x) for x in e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        return problem(422, "Unprocessable request", "the request is not valid", errors=errors)

    async def http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem(exc.status_code, str(exc.detail), str(exc.detail))

    for cls, _status, _title in STATUS:
        app.add_exception_handler(cls, domain)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)

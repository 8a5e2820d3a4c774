"""Request bodies are bounded: ``CJM_MAX_BODY_BYTES`` for JSON and every other body,
``CJM_MAX_UPLOAD_BYTES`` for multipart uploads of research files.

A declared Content-Length over the limit is refused before anything is read; a body without
one (chunked) is counted as it arrives and refused the moment it passes the limit, so no more
than the limit is ever read into memory. Either way the answer is a 413 problem naming the
limit, and the route never runs its change.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.deps import settings_of
from api.http.problems import problem
from knowledge.platform.settings import Settings


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its limit (FastAPI lets an
    HTTPException through its body parsing; the problem handlers and this middleware answer
    it)."""

    def __init__(self, limit: int, what: str) -> None:
        self.limit = limit
        super().__init__(413, f"the {what} is over the limit of {limit} bytes")


def limit_for(headers: Headers, settings: Settings) -> tuple[int, str]:
    if headers.get("content-type", "").lower().startswith("multipart/form-data"):
        return settings.max_upload_bytes, "upload"
    return settings.max_body_bytes, "request body"


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit, what = limit_for(headers, settings_of(scope.get("app")))
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            too_large = BodyTooLarge(limit, what)
            await _refuse(too_large, scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit, what)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refuse(exc, scope, receive, send)


async def _refuse(exc: BodyTooLarge, scope: Scope, receive: Receive, send: Send) -> None:
    response = problem(413, "Content too large", str(exc.detail), limit=exc.limit)
    response.headers["Connection"] = "close"  # the rest of the body is never read
    await response(scope, receive, send)

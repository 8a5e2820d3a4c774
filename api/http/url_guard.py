"""A URL whose path or query holds a control character (``%00``, ``%7F``...) names nothing the
API stores, and PostgreSQL cannot even be asked about it: it gets a 422 problem before any
route runs."""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.problems import problem

CONTROL = re.compile(rb"[\x00-\x1f\x7f]")


class ControlCharacterUrls:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path") or str(scope["path"]).encode("utf-8", "surrogatepass")
            query = scope.get("query_string", b"").replace(b"+", b" ")
            for part, where in ((raw, "path"), (query, "query")):
                if CONTROL.search(unquote_to_bytes(part)):
                    detail = f"the URL's {where} holds a control character"
                    await problem(422, "Unprocessable request", detail)(scope, receive, send)
                    return
        await self.app(scope, receive, send)

"""Each request gets an id: the caller's ``X-Request-ID`` when it is a sane one, else a new
one. The response carries it back, every log line written while serving it (and by the jobs
it starts) carries it, and one line per request records method, path (never the query: it may
hold what a customer wrote), status and time."""

from __future__ import annotations

import logging
import re
import time
import uuid

from opentelemetry import trace
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from knowledge.platform.logs import REQUEST_ID

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
log = logging.getLogger("cjm.http")


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(HEADER, "")
        request_id = given if SANE.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        # the request's span (FastAPI's own, when tracing is on) is found by the id too
        trace.get_current_span().set_attribute("cjm.request_id", request_id)
        status = 500
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            ms = round((time.perf_counter() - began) * 1000, 1)
            method, path = scope["method"], scope["path"]
            extra = {"method": method, "path": path, "status": status, "ms": ms}
            log.info("%s %s %s %.1f ms", method, path, status, ms, extra=extra)
            REQUEST_ID.reset(token)

"""The MCP server (``api.mcp``) at ``/mcp``: Streamable HTTP, stateless (any replica answers
any request) with JSON answers, behind the HTTP API's own keys. Each request carries its key
(``Authorization: Bearer cjm_...`` or ``X-API-Key``; no cookie, so no page of another site
can call it for a signed-in reviewer); none, or an unknown or revoked one, gets a 401 problem
before the MCP server sees the request. The key's workspace is the only one its tools see, and
its role is checked as the HTTP API checks it.

A draft started here is checked, persisted and dispatched as POST ``/drafts`` does it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from api.http.deps import key_of, settings_of
from api.http.jobs_common import ModelFactory
from api.http.problems import problem
from api.http.runner import Dispatcher
from api.http.specs import DraftIn, check_draft
from api.http.tasks import NEEDS_MODEL
from api.mcp.backend import Access, Backend, DraftStarter
from api.mcp.errors import invalid
from api.mcp.server import build_server
from generator.llm.errors import LLMConfigError
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.jobs import Job, JobStore
from knowledge.platform.keys import Principal, authenticate
from knowledge.platform.settings import Settings
from knowledge.search.library import Library

PATH = "/mcp"
CALLER = "cjm.caller"  # the request scope's key for the authenticated caller


def draft_starter(
    library: Library,
    settings: Callable[[], Settings],
    factory: ModelFactory,
    dispatcher: Dispatcher,
) -> DraftStarter:
    """Starts a draft job as POST ``/drafts`` does: the caller's role first, then the request
    (a tool error naming its fields), the model it needs, and the evidence or map it starts
    from; then the job is persisted and dispatched."""

    def start(caller: Principal, spec: dict[str, Any]) -> Job:
        caller.require("editor")
        try:
            body = DraftIn.model_validate(spec)
        except ValidationError as exc:
            raise invalid(exc, "the draft request") from exc

        def require_model() -> None:
            probe = factory(settings())
            if probe is None:
                raise LLMConfigError(NEEDS_MODEL)
            probe.close()

        check_draft(body, MapRepository(library.db), caller.workspace, require_model)
        job, _ = JobStore(library.db).create_once(caller, "draft", body.model_dump())
        dispatcher.submit(job.id)
        return job

    return start


def backend_of(app: Starlette) -> Backend:
    """The MCP server's backend: the app's library, searcher, model factory and dispatcher,
    and the settings a request sees."""
    state = app.state
    return Backend(
        library=state.library,
        searcher=state.searcher,
        settings=settings_of(app),
        model_factory=state.model_factory,
        start_draft=draft_starter(
            state.library, lambda: settings_of(app), state.model_factory, state.dispatcher
        ),
    )


def caller_of(request: object | None) -> Principal:
    scope = getattr(request, "scope", None)
    caller = scope.get(CALLER) if isinstance(scope, dict) else None
    if not isinstance(caller, Principal):  # the endpoint lets no request through without one
        raise RuntimeError("an MCP request reached a tool without an authenticated caller")
    return caller


class McpEndpoint:
    """The ASGI endpoint at ``/mcp``: the caller's key is checked, then the request goes to
    the session manager the app's lifespan runs."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        key = key_of(headers.get("authorization"), headers.get("x-api-key"))
        if not key:
            detail = "send an API key: Authorization: Bearer cjm_... (cjm keys create)"
            await problem(401, "Unauthorized", detail)(scope, receive, send)
            return
        db = self.app.state.library.db
        caller = await anyio.to_thread.run_sync(authenticate, db, key)
        if caller is None:
            await problem(401, "Unauthorized", "unknown or revoked API key")(scope, receive, send)
            return
        manager = self.app.state.mcp_sessions
        await manager.handle_request({**scope, CALLER: caller}, receive, send)


def mount(app: Starlette) -> None:
    """Answer MCP at ``/mcp`` (the session manager is started by ``serving``)."""
    app.router.routes.append(Route(PATH, McpEndpoint(app), methods=["GET", "POST", "DELETE"]))


@asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[None]:
    """Run the MCP server's session manager for the app's lifetime (inside its lifespan, once
    the library is open): one per lifespan, stateless, answering in JSON."""
    server = build_server(Access(lambda: backend_of(app), caller_of))
    server.streamable_http_app(
        streamable_http_path=PATH,
        stateless_http=True,
        json_response=True,
        # the key is a header no other site's page can send: no DNS-rebinding exposure, and
        # the API is reached under whatever host name its deployment gives it
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    app.state.mcp_sessions = server.session_manager
    async with server.session_manager.run():
        yield

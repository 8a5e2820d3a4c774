"""What the MCP server works with, given by whoever runs it (``cjm mcp`` or ``cjm serve``):
the open library and its searcher, the settings, the chat model's factory, how a draft job is
started, and who is asking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import Context

from generator.llm.interface import ChatModel
from knowledge.platform.jobs import Job
from knowledge.platform.keys import Principal
from knowledge.platform.settings import Settings
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher

ModelFactory = Callable[[Settings], ChatModel | None]
# starts a draft job for the caller from a draft request's fields (as POST .../drafts takes
# them): checks the caller's role and the request, persists the job and dispatches it
DraftStarter = Callable[[Principal, dict[str, Any]], Job]
# the caller of one MCP request, from the HTTP request that carried it (None over stdio)
CallerOf = Callable[[object | None], Principal]


@dataclass(frozen=True)
class Backend:
    library: Library
    searcher: Searcher
    settings: Settings
    model_factory: ModelFactory
    start_draft: DraftStarter


@dataclass(frozen=True)
class Access:
    """The backend, opened by the time a request comes (``cjm serve`` opens it in its
    lifespan), and who asks each request."""

    backend: Callable[[], Backend]
    caller_of: CallerOf

    def caller(self, ctx: Context[Any, Any]) -> Principal:
        return self.caller_of(ctx.request_context.request)

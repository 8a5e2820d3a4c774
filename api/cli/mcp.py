"""``cjm mcp``: the MCP server over stdio, for an MCP client on this machine (Claude Desktop,
Cursor...), acting as the local user of CJM_HOME in one workspace, as the other commands do."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.reviewer import AsOption, local_reviewer
from knowledge.platform import logs
from knowledge.platform.settings import get_settings


def mcp_command(
    workspace: Annotated[
        str,
        typer.Option(
            "--workspace", "-w", help="The workspace the client sees (its evidence and maps)."
        ),
    ] = "default",
    actor: AsOption = None,
) -> None:
    """Serve MCP over stdio, for a client on this machine (Claude Desktop, Cursor...).

    The client starts this command. Its tools search the workspace's evidence,
    read its maps and top pain points, answer cited questions, start drafts and
    follow their jobs, and comment on maps, as you: the local user, a reviewer
    (--as or CJM_USER names you in the maps' history). Approved maps are
    resources (cjm://maps, cjm://maps/MAP_ID). The data is CJM_HOME's, as for
    every command; drafts run in this process (on PostgreSQL, on the queue's
    workers); logs go to stderr. Over HTTP, cjm serve answers MCP at /mcp with
    API keys.

    A client's configuration (e.g. claude_desktop_config.json):

    {"mcpServers": {"cjm": {"command": "cjm", "args": ["mcp", "--workspace", "cx"]}}}
    """
    # imported here: the other commands start without the server's packages
    from api.http.mcp_endpoint import draft_starter
    from api.http.queue import QueueDispatcher, uses_queue
    from api.http.runner import Dispatcher, LocalRunner
    from api.http.tasks import JobEnv
    from api.mcp.backend import Access, Backend
    from api.mcp.server import build_server
    from generator.llm.factory import configured_model
    from knowledge.platform.jobs import JobStore
    from knowledge.search.library import Library
    from knowledge.search.searcher import Searcher

    caller = local_reviewer(workspace, actor)
    settings = get_settings()
    logs.configure(settings.log_format, settings.log_level)  # to stderr
    library = Library(settings)
    searcher = Searcher(library)
    dispatcher: Dispatcher
    if uses_queue(settings):
        dispatcher = QueueDispatcher(settings, JobStore(library.db))
    else:  # no recovery: jobs a running cjm serve holds are not this process's to fail
        dispatcher = LocalRunner(lambda: JobEnv(library, settings, configured_model))
    backend = Backend(
        library=library,
        searcher=searcher,
        settings=settings,
        model_factory=configured_model,
        start_draft=draft_starter(library, lambda: settings, configured_model, dispatcher),
    )
    server = build_server(Access(lambda: backend, lambda _request: caller))
    try:
        server.run("stdio")
    except KeyboardInterrupt:
        pass
    finally:
        dispatcher.shutdown()
        searcher.close()
        library.close()

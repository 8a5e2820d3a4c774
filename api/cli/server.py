"""``cjm serve`` (the HTTP API), ``cjm worker`` (runs the API's jobs from the queue on
PostgreSQL) and ``cjm keys`` (API keys per workspace and role)."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from api.cli.common import err, out
from knowledge.platform import logs, tracing
from knowledge.platform.errors import LibraryError, NotFound
from knowledge.platform.keys import ROLES, create_key, revoke_key
from knowledge.platform.settings import get_settings
from knowledge.store import Database

keys = typer.Typer(help="API keys: one workspace and one role each.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs), the review page (/review) and MCP for
    assistants (/mcp, with the API's keys)."""
    import uvicorn

    from api.http.app import create_app

    settings = get_settings()
    logs.configure(settings.log_format, settings.log_level)
    tracing.configure(settings.otlp_endpoint)
    # one line per request comes from the app, with its request id: not uvicorn's own
    uvicorn.run(create_app(), host=host, port=port, log_config=None, access_log=False)


def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Jobs run at once by this worker.")
    ] = 1,
) -> None:
    """Run the API's jobs (drafts, analyses, translations, ingests) from the queue on
    PostgreSQL; start as many workers, on as many machines, as you like. Ctrl-C or SIGTERM
    stops it once its running jobs end."""
    import asyncio

    from api.http.queue import conninfo, work
    from api.http.tasks import JobEnv
    from generator.llm.factory import configured_model
    from knowledge.search.library import Library

    settings = get_settings()
    logs.configure(settings.log_format, settings.log_level)
    tracing.configure(settings.otlp_endpoint)
    conninfo(settings)  # refused readably on SQLite
    try:
        library = Library(settings)
        library.db.engine.connect().close()  # upgrades the store first (CJM_DB_UPGRADE=auto)
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise LibraryError(f"the database did not answer: {reason}") from None
    if tracing.enabled():
        tracing.instrument_engine(library.db.engine)
    err.print(f"worker: running up to {concurrency} job(s) at once; Ctrl-C stops it")
    try:
        asyncio.run(work(JobEnv(library, settings, configured_model), concurrency))
    except KeyboardInterrupt:
        pass
    finally:
        library.close()


@keys.command("create")
def create(
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="The key's workspace.")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "viewer",
    name: Annotated[str, typer.Option(help="Who or what uses it (shown in the audit log).")] = "",
) -> None:
    """Create a key and print it once (only its hash is stored)."""
    db = Database(get_settings())
    try:
        key, who = create_key(db, workspace, role, name)
    finally:
        db.dispose()
    out.print(key, highlight=False)
    err.print(f"{who.key_id}: {who.role} in workspace {who.workspace} (shown once; keep it)")


@keys.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id (key_...).")]) -> None:
    """Revoke a key."""
    db = Database(get_settings())
    try:
        if not revoke_key(db, key_id):
            raise NotFound(f"no key {key_id}")
    finally:
        db.dispose()
    err.print(f"revoked {key_id}")

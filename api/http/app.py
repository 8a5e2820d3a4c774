"""The FastAPI application: one research library per process, and one dispatcher of jobs —
the job queue on PostgreSQL (``cjm worker`` processes run the jobs; replicas share it), else
this process's own runner, which marks the jobs a previous process left unfinished failed at
start. MCP clients are answered at ``/mcp`` with the same keys (``api.http.mcp_endpoint``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.http import mcp_endpoint, problems
from api.http.body_limit import BodyLimit
from api.http.deps import settings_of
from api.http.health import EndpointProbe
from api.http.jobs_common import ModelFactory
from api.http.queue import QueueDispatcher, uses_queue
from api.http.request_ids import RequestIds
from api.http.routes import (
    analyses,
    documents,
    drafts,
    exports,
    glossaries,
    health,
    jobs,
    labels,
    maps,
    questions,
    review,
    search,
    translations,
)
from api.http.runner import Dispatcher, LocalRunner
from api.http.tasks import JobEnv
from api.http.url_guard import ControlCharacterUrls
from api.web.fonts import FONTS
from generator.llm.factory import configured_model, given_model
from knowledge.platform import tracing
from knowledge.platform.jobs import JobStore
from knowledge.platform.settings import Settings
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    library = Library(settings_of(app))
    if tracing.enabled():
        tracing.instrument_engine(library.db.engine)
    settings = settings_of(app)
    store = JobStore(library.db)
    dispatcher: Dispatcher
    if uses_queue(settings):
        dispatcher = QueueDispatcher(settings, store)
    else:
        store.recover()
        dispatcher = LocalRunner(lambda: JobEnv(library, settings_of(app), app.state.model_factory))
    app.state.library = library
    # one searcher for the app: its per-workspace lexical index is kept between requests and
    # rebuilt only when ingest changed the workspace
    app.state.searcher = Searcher(library)
    app.state.dispatcher = dispatcher
    try:
        async with mcp_endpoint.serving(app):
            yield
    finally:
        dispatcher.shutdown()
        app.state.searcher.close()
        library.close()


def create_app(
    model_factory: ModelFactory = configured_model,
    settings: Settings | None = None,
    *,
    model: Any = None,
) -> FastAPI:
    """The API; ``model_factory`` makes the chat model a job uses (None: evidence-only), or
    ``model`` is the one every job uses: any LangChain ``BaseChatModel`` (``ChatAnthropic(...)``,
    ``ChatBedrockConverse(...)``, ...) or a ``ChatModel``. Without ``settings`` every request
    reads the process-wide settings (``get_settings()``)."""
    if model is not None:
        model_factory = given_model(model)
    app = FastAPI(
        title="cjm — customer journey maps",
        summary="Multilingual, evidence-grounded journey maps: draft, review, edit, approve.",
        version="1",
        lifespan=lifespan,
    )
    app.state.model_factory = model_factory
    app.state.settings = settings
    app.state.endpoint_probe = EndpointProbe()  # model and embeddings endpoints, for health
    problems.install(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(ControlCharacterUrls)
    app.add_middleware(RequestIds)  # outermost: every answer carries its id
    app.include_router(health.router)
    app.include_router(maps.router)
    app.include_router(drafts.router)
    app.include_router(analyses.router)
    app.include_router(jobs.router)
    app.include_router(search.router)
    app.include_router(documents.router)
    app.include_router(glossaries.router)
    app.include_router(translations.router)
    app.include_router(questions.router)
    app.include_router(exports.router)
    app.include_router(review.router)
    app.include_router(labels.router)
    mcp_endpoint.mount(app)  # MCP clients, with the same keys (api.http.mcp_endpoint)
    app.mount("/static/fonts", StaticFiles(directory=FONTS), name="fonts")
    return app

"""The FastAPI application: one research library and one job runner per process; jobs a
previous process left unfinished are marked failed at start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.http import problems
from api.http.routes import documents, health, jobs, maps
from api.http.runner import JobRunner
from knowledge.jobs import JobStore
from knowledge.library import Library
from knowledge.settings import get_settings


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    library = Library(get_settings())
    store = JobStore(library.db)
    store.recover()
    app.state.library = library
    app.state.runner = JobRunner(store)
    try:
        yield
    finally:
        app.state.runner.shutdown()
        library.close()


def create_app() -> FastAPI:
    app = FastAPI(
        title="cjm — customer journey maps",
        summary="Multilingual, evidence-grounded journey maps: draft, review, edit, approve.",
        version="1",
        lifespan=lifespan,
    )
    problems.install(app)
    app.include_router(health.router)
    app.include_router(maps.router)
    app.include_router(jobs.router)
    app.include_router(documents.router)
    return app

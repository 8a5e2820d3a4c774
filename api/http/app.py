"""The FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from api.http import problems
from api.http.routes import health, maps


def create_app() -> FastAPI:
    app = FastAPI(
        title="cjm — customer journey maps",
        summary="Multilingual, evidence-grounded journey maps: review, edit, approve.",
        version="1",
    )
    problems.install(app)
    app.include_router(health.router)
    app.include_router(maps.router)
    return app

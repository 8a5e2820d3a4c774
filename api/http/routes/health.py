from __future__ import annotations

from fastapi import APIRouter

from api.http.schemas import Health
from generator.llm.provenance import tool_version

router = APIRouter(tags=["health"])


@router.get("/v1/health", response_model=Health)
def health() -> Health:
    return Health(status="ok", version=tool_version())

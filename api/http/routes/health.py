"""``/v1/health``: the replica and each part it depends on (``api.http.health``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.http.deps import LibraryDep, SettingsDep
from api.http.health import EndpointProbe, report
from api.http.schemas import Health
from generator.llm.provenance import tool_version

router = APIRouter(tags=["health"])


@router.get(
    "/v1/health",
    response_model=Health,
    response_model_exclude_none=True,
    responses={503: {"model": Health, "description": "The database does not answer."}},
)
def health(request: Request, library: LibraryDep, settings: SettingsDep) -> Health | JSONResponse:
    """The replica's status and each part's: database, index, queue, model and embeddings
    endpoints. No sign-in; names no URL or key."""
    probe: EndpointProbe = request.app.state.endpoint_probe
    found = Health(
        version=tool_version(),
        **report(library, settings, probe, request.app.state.dispatcher.kind),
    )
    if found.status == "down":
        return JSONResponse(found.model_dump(mode="json", exclude_none=True), status_code=503)
    return found

"""Exports of a map version: JSON, Markdown, CSV, HTML, PDF and PNG, with a download file name
in the map's own script (RFC 6266 / 5987)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.http.deps import MAX_VERSION, Caller, MapsDep
from api.http.problems import WRITE, documented
from api.web.exports import FORMATS, export_bytes, filename
from api.web.filenames import content_disposition
from api.web.service import map_for_export

router = APIRouter(prefix="/v1/workspaces/{workspace}/maps", tags=["exports"], responses=WRITE)
Fmt = Annotated[str, Query(pattern="^(json|md|csv|html|pdf|png)$", description="Export format.")]


@router.get(
    "/{map_id}/export",
    response_class=Response,
    responses={
        200: {
            "description": "The file.",
            "content": {media: {} for media, _ in FORMATS.values()},
        },
        **documented(409, 503),
    },
)
def export(
    caller: Caller,
    repo: MapsDep,
    map_id: str,
    format: Fmt = "json",  # noqa: A002 - the query parameter's name
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> Response:
    """The map (its head, or ``version``) as a file. HTML is self-contained (fonts embedded);
    PDF and PNG are printed from it by headless Chromium."""
    journey, info = map_for_export(repo, caller.workspace, map_id, version)
    body = export_bytes(journey, format, info)
    return Response(
        body,
        media_type=FORMATS[format][0],
        headers={
            "Content-Disposition": content_disposition(filename(journey, format, info.version))
        },
    )

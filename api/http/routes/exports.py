"""Exports of a map version: JSON, Markdown, CSV, HTML, PDF and PNG, with a download file name
in the map's own script (RFC 6266 / 5987)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.http.deps import MAX_VERSION, Caller, MapsDep
from api.http.problems import WRITE, documented
from api.web.exports import FORMATS, ZIP, ExportOptions, export_file, filename
from api.web.filenames import content_disposition
from api.web.service import map_for_export

router = APIRouter(prefix="/v1/workspaces/{workspace}/maps", tags=["exports"], responses=WRITE)
Fmt = Annotated[str, Query(pattern="^(json|md|csv|html|pdf|png)$", description="Export format.")]
PaperQuery = Annotated[
    str | None,
    Query(
        pattern="^(a4|a3|letter|tabloid)$",
        description="PDF paper, printed landscape (default: letter for en maps, a4 otherwise).",
    ),
]
SectionQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description="PDF or PNG of one part: personas, journey, recommendations, coverage or a "
        "stage id.",
    ),
]


@router.get(
    "/{map_id}/export",
    response_class=Response,
    responses={
        200: {
            "description": "The file.",
            "content": {media: {} for media in [*(m for m, _ in FORMATS.values()), ZIP]},
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
    paper: PaperQuery = None,
    section: SectionQuery = None,
) -> Response:
    """The map (its head, or ``version``) as a file. HTML is self-contained (fonts embedded);
    PDF (landscape sheets of ``paper``) and PNG (the whole page) are printed from it by headless
    Chromium. A PNG taller than one image can be comes as numbered PNGs in a zip
    (``application/zip``)."""
    journey, info = map_for_export(repo, caller.workspace, map_id, version)
    file = export_file(journey, format, info, ExportOptions(paper=paper, section=section))
    name = filename(journey, format, info.version, file.extension)
    return Response(
        file.body,
        media_type=file.media_type,
        headers={"Content-Disposition": content_disposition(name)},
    )

"""``cjm export``: a stored map as JSON, Markdown, CSV, HTML, PDF or PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import WorkspaceOption, err, open_library
from api.web.exports import FORMATS, export_bytes, filename
from api.web.service import map_for_export
from knowledge.maps.repository import MapRepository


def export_command(
    map_id: Annotated[str, typer.Argument(help="The stored map (its id).")],
    format: Annotated[  # noqa: A002 - the option's name
        str, typer.Option("--format", "-f", help="json, md, csv, html, pdf or png.")
    ] = "json",
    workspace: WorkspaceOption = "default",
    version: Annotated[int | None, typer.Option(help="A version (default: the head).")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File or folder (default: the map's title)."),
    ] = None,
) -> None:
    """Export a map: JSON, Markdown, CSV (Excel-ready), self-contained HTML, PDF or PNG."""
    if format not in FORMATS:
        err.print(f"[red]error:[/red] --format must be one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    with open_library() as library:
        journey, info = map_for_export(MapRepository(library.db), workspace, map_id, version)
        body = export_bytes(journey, format, info)
    name = filename(journey, format, info.version)
    target = output or Path(name)
    if target.is_dir():
        target = target / name
    target.write_bytes(body)
    err.print(f"wrote {target} ({len(body):,} bytes)")

"""``cjm export``: a stored map as JSON, Markdown, CSV, HTML, PDF or PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import WorkspaceOption, err, open_library
from api.web.exports import FORMATS, ExportOptions, export_file, filename
from api.web.paper import PAPERS
from api.web.service import map_for_export
from knowledge.journey.review.repository import MapRepository


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
    paper: Annotated[
        str | None,
        typer.Option(
            help="PDF paper, printed landscape: a4, a3, letter or tabloid "
            "(default: letter for en maps, a4 otherwise)."
        ),
    ] = None,
    section: Annotated[
        str | None,
        typer.Option(
            help="PDF or PNG of one part only: personas, journey, recommendations, coverage "
            "or a stage id."
        ),
    ] = None,
) -> None:
    """Export a map: JSON, Markdown, CSV (Excel-ready), self-contained HTML, PDF or PNG. A PNG
    too tall for one image is written as numbered PNGs in a zip."""
    if format not in FORMATS:
        err.print(f"[red]error:[/red] --format must be one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    if paper is not None and paper.lower() not in PAPERS:
        err.print(f"[red]error:[/red] --paper must be one of {', '.join(PAPERS)}")
        raise typer.Exit(2)
    with open_library() as library:
        journey, info = map_for_export(MapRepository(library.db), workspace, map_id, version)
        file = export_file(journey, format, info, ExportOptions(paper=paper, section=section))
    name = filename(journey, format, info.version, file.extension)
    target = output or Path(name)
    if target.is_dir():
        target = target / name
    target.write_bytes(file.body)
    err.print(f"wrote {target} ({len(file.body):,} bytes)")

"""``cjm ingest`` and ``cjm reindex``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from api.cli.common import JsonOption, WorkspaceOption, err, open_library, out, print_json
from api.cli.errors import with_flag
from knowledge.research.ingest import IngestOptions, Ingestor, IngestReport, reindex
from knowledge.vocabulary import EVIDENCE_KINDS, EvidenceKind


class BarProgress:
    """A progress bar on stderr, per file, counting evidence chunks embedded or found cached."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def file_started(self, name: str, total: int) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(Path(name).name, total=total)

    def advance(self, n: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, n)


def _bar(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not enabled,
    )


def _short(path: str, base: Path | None = None) -> str:
    """The path as the user would type it: relative to ``base`` or the working directory."""
    try:
        return str(Path(path).resolve().relative_to((base or Path.cwd()).resolve()))
    except ValueError:
        return path


def _print_report(report: IngestReport, base: Path | None = None) -> None:
    s = report.summary()
    table = Table(show_header=True, header_style="bold")
    for col in ("file", "status", "documents", "chunks", "note"):
        table.add_column(col)
    for f in report.files:
        shown = _short(f.path, base)
        color = {"failed": "red", "skipped": "yellow", "unchanged": "dim"}.get(f.status, "green")
        table.add_row(
            shown,
            f"[{color}]{f.status}[/{color}]",
            str(f.documents or ""),
            str(f.chunks or ""),
            with_flag(f.reason, f.field)
            if f.reason
            else (f"{f.skipped_records} empty records skipped" if f.skipped_records else ""),
        )
    out.print(table)
    pii = ", ".join(f"{n} {kind.lower()}" for kind, n in sorted(report.pii_redacted.items()))
    out.print(
        f"{s['ingested']} ingested, {s['resumed']} resumed, {s['unchanged']} unchanged, "
        f"{s['skipped']} skipped, {s['failed']} failed; {s['documents']} documents, "
        f"{s['chunks']} chunks, {s['embedded_texts']} texts embedded"
        + (f"; redacted: {pii}" if pii else "")
        + f" ({s['seconds']:.1f} s)"
    )


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (walked recursively).")],
    kind: Annotated[
        str,
        typer.Option("--kind", "-k", help=f"What the research is: {', '.join(EVIDENCE_KINDS)}."),
    ],
    workspace: WorkspaceOption = "default",
    product: Annotated[str | None, typer.Option(help="Product the research is about.")] = None,
    segment: Annotated[str | None, typer.Option(help="Customer segment.")] = None,
    text_field: Annotated[
        str | None, typer.Option(help="Field/column holding the text (tables, JSON).")
    ] = None,
    id_field: Annotated[
        str | None, typer.Option(help="Field/column holding the record id (tables, JSON).")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding of legacy files, e.g. cp1256, cp1251.")
    ] = None,
    keep_pii: Annotated[
        bool,
        typer.Option(
            "--keep-pii", help="Do not redact emails, phones, cards, IBANs (default: redact)."
        ),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Ingest research files into the library; exit status 1 if any file failed."""
    if kind not in EVIDENCE_KINDS:
        err.print(
            f"[red]error:[/red] unknown kind {kind!r}; use one of {', '.join(EVIDENCE_KINDS)}"
        )
        raise typer.Exit(2)
    kind_value: EvidenceKind = kind  # type: ignore[assignment]
    options = IngestOptions(
        kind=kind_value,
        workspace=workspace,
        product=product,
        segment=segment,
        text_field=text_field,
        id_field=id_field,
        encoding=encoding,
        redact_pii=not keep_pii,
    )
    with open_library() as library, _bar(err.is_terminal and not json_output) as bar:
        report = Ingestor(library, BarProgress(bar)).run(paths, options)
    if json_output:
        summary = report.summary()
        for failure in summary["failures"]:  # the flag for an option a reason asks for
            failure["reason"] = with_flag(failure["reason"], failure.get("field"))
        print_json(summary)
    else:
        _print_report(report)
    if not report.ok:
        raise typer.Exit(1)


def reindex_command(json_output: JsonOption = False) -> None:
    """Rebuild the Chroma index from the SQL store with the configured embedder (also after
    an upgrade changes what is embedded)."""
    with open_library() as library, _bar(err.is_terminal and not json_output) as bar:
        n = reindex(library, BarProgress(bar))
        embedder = library.embedder.id
    if json_output:
        print_json({"chunks": n, "embedder": embedder})
    else:
        out.print(f"reindexed {n} evidence chunks with {embedder}")

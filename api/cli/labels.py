"""``cjm label``: a researcher's corrections to the analysis, per workspace: the stage, code or
not-evidence of one evidence or a file of them, theme merges and moves on a stored map, with
history and undo. ``cjm label EVIDENCE_ID --stage ...`` is ``cjm label set EVIDENCE_ID ...``."""

from __future__ import annotations

import getpass
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select
from typer.core import TyperGroup

from api.cli.common import JsonOption, WorkspaceOption, err, open_library, out, print_json
from api.cli.errors import reported
from generator.analysis.analyze import analyze
from generator.analysis.request import AnalysisRequest
from generator.analysis.suggest import suggest
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings, get_settings
from knowledge.research.corrections.anchors import anchors_from_map
from knowledge.research.corrections.files import (
    LabelFileLimits,
    label_format,
    read_labels,
    write_labels,
)
from knowledge.research.corrections.model import Correction, ThemeAnchor
from knowledge.research.corrections.store import CorrectionStore, LabelIn
from knowledge.research.corrections.target import label_target, workspace_framework
from knowledge.research.readers.archives import ArchiveLimits
from knowledge.store import ChunkRow, Database
from knowledge.text.segment import clip


class LabelGroup(TyperGroup):
    """``cjm label EVIDENCE_ID ...`` runs ``cjm label set EVIDENCE_ID ...``: a first argument
    that is not a subcommand (nor --help) goes to ``set``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["set", *args]
        return super().parse_args(ctx, args)


label = typer.Typer(
    cls=LabelGroup,
    help=(
        "Correct the analysis: label evidence with a stage, a code or as not customer "
        "experience (one by one, or a CSV/TSV/XLSX/JSONL file), merge themes or move evidence "
        "out of one on a stored map; every correction keeps who made it and when, and can be "
        "undone. Later analyses and maps keep every correction and place the rest of the "
        "evidence with a classifier that learns from them. `cjm label EVIDENCE_ID --stage "
        "STAGE` is short for `cjm label set ...`."
    ),
    no_args_is_help=True,
)

FrameworkOpt = Annotated[
    str | None,
    typer.Option(
        "--framework",
        "-f",
        help="Stages to check labels against: a built-in framework or a YAML file. Default: "
        "the --map's, else that of the workspace's latest map, else six_stage.",
    ),
]
CodebookOpt = Annotated[
    str | None,
    typer.Option(
        "--codebook",
        help="Codes to check labels against: a built-in codebook, a YAML file or none. "
        "Default: the framework's own, else cx_general.",
    ),
]
MapOpt = Annotated[
    str | None,
    typer.Option("--map", help="A stored map whose framework the labels use."),
]


def actor() -> str:
    """Who makes the correction: the OS user."""
    try:
        return getpass.getuser() or "cli"
    except (OSError, KeyError, ImportError):
        return "cli"


def _limits(settings: Settings) -> LabelFileLimits:
    return LabelFileLimits(
        max_bytes=settings.max_file_bytes,
        max_line_chars=settings.max_line_chars,
        archive=ArchiveLimits(
            settings.max_archive_bytes, settings.max_archive_entries, settings.max_archive_ratio
        ),
    )


@contextmanager
def _store() -> Iterator[tuple[Database, CorrectionStore]]:
    """The store, with a mistake (unknown evidence, stage, code, map ...) turned into a
    one-line message and exit status 1 (a label command exits 1 when nothing was stored)."""
    db = Database(get_settings())
    try:
        with reported(code=1):
            yield db, CorrectionStore(db)
    finally:
        db.dispose()


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _describe(c: Correction) -> str:
    if c.action == "merge":
        return "merge " + " + ".join(t.id for t in c.themes)
    if c.action == "move_out":
        return f"move {c.evidence_id} out of {c.themes[0].id if c.themes else '?'}"
    if c.not_evidence:
        return f"{c.evidence_id}: not customer experience"
    parts = [f"stage {c.stage}" if c.stage else "", f"code {c.code}" if c.code else ""]
    return f"{c.evidence_id}: " + ", ".join(p for p in parts if p)


@label.command("set")
def set_label(
    evidence_id: Annotated[str, typer.Argument(help="The evidence (its id, as search shows).")],
    workspace: WorkspaceOption = "default",
    stage: Annotated[
        str | None,
        typer.Option(help="Its stage; not given: the stage its current label has, if any."),
    ] = None,
    code: Annotated[
        str | None,
        typer.Option(help="Its code; not given: the code its current label has, if any."),
    ] = None,
    not_evidence: Annotated[
        bool,
        typer.Option(
            "--not-evidence", help="It is not customer experience (no stage or code then)."
        ),
    ] = False,
    note: Annotated[str, typer.Option(help="Why (kept with the label).")] = "",
    framework: FrameworkOpt = None,
    codebook: CodebookOpt = None,
    map_id: MapOpt = None,
    json_output: JsonOption = False,
) -> None:
    """Label one evidence: `cjm label EVIDENCE_ID --stage STAGE [--code CODE]`.

    A stage or code not given keeps what the evidence's current label had; the label it had
    is superseded and stays in the history."""
    with _store() as (db, store):
        if not not_evidence:
            current = store.current(workspace, evidence_id)
            if current is not None and not current.not_evidence:
                stage = stage or current.stage
                code = code or current.code
        target = label_target(db, workspace, framework, codebook, map_id)
        stored = store.label(
            workspace,
            LabelIn(
                evidence_id=evidence_id,
                stage=stage,
                code=code,
                not_evidence=not_evidence,
                note=note,
            ),
            target,
            actor(),
        )
    if json_output:
        print_json([c.as_dict() for c in stored])
        return
    for c in stored:
        out.print(f"labelled {escape(_describe(c))} (correction {c.id})", markup=True)


@label.command("import")
def import_labels(
    file: Annotated[
        Path,
        typer.Argument(
            help="A .csv, .tsv, .xlsx (first sheet) or .jsonl file: columns evidence_id or "
            "record_id, and stage and/or code; optional not_evidence (true/false) and note."
        ),
    ],
    workspace: WorkspaceOption = "default",
    framework: FrameworkOpt = None,
    codebook: CodebookOpt = None,
    map_id: MapOpt = None,
) -> None:
    """Label evidence from a file; a row that cannot be stored is reported and skipped.

    Every bad row is printed as FILE:LINE: reason.

    Exit status 0 when any label was stored, even if some rows failed; 1 when none was."""
    settings = get_settings()
    with _store() as (db, store):
        parsed = read_labels(file, _limits(settings))
        target = label_target(db, workspace, framework, codebook, map_id)
        stored, problems = store.label_many(workspace, parsed.labels, target, actor())
    problems = sorted([*parsed.problems, *problems])
    for line, reason in problems:
        err.print(escape(f"{file}:{line}: {reason}"))
    rows = len(parsed.labels) + len(parsed.problems)
    out.print(
        escape(
            f"stored {_n(len(stored), 'label')} from {file}: {rows - len(problems)} of "
            f"{_n(rows, 'row')}; {_n(len(problems), 'row')} failed"
        )
    )
    if not stored:
        raise typer.Exit(1)


def _texts(db: Database, workspace: str, ids: list[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    with db.session() as s:
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            query = select(ChunkRow.id, ChunkRow.text).where(
                ChunkRow.workspace == workspace, ChunkRow.id.in_(batch)
            )
            texts.update({r[0]: r[1] for r in s.execute(query)})
    return texts


@label.command("export")
def export_labels(
    workspace: WorkspaceOption = "default",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file; its extension gives the format (.csv, .tsv, .xlsx, "
            ".jsonl). Default: CSV on stdout.",
        ),
    ] = None,
    history: Annotated[
        bool,
        typer.Option(
            "--history", help="Every label ever given (with its state), not only active ones."
        ),
    ] = False,
) -> None:
    """Export the workspace's labels (CSV, TSV, XLSX or JSONL) with each evidence's text.

    The file imports again as it is (`cjm label import`); the text column is ignored then."""
    with _store() as (db, store):
        fmt = label_format(str(output)) if output is not None else "csv"
        if history:
            labels = [c for c in reversed(store.history(workspace)) if c.action == "label"]
        else:
            labels = list(store.active(workspace).labels)
        texts = _texts(db, workspace, [c.evidence_id for c in labels if c.evidence_id])
        extra = {c.id: {"state": c.state} for c in labels} if history else None
        if output is None:
            buffer = io.StringIO()
            write_labels(labels, buffer, fmt, texts, extra)
            sys.stdout.write(buffer.getvalue())
            return
        try:
            n = write_labels(labels, output, fmt, texts, extra)
        except OSError as exc:
            err.print(f"[red]error:[/red] {escape(str(output))}: {exc.strerror or exc}")
            raise typer.Exit(1) from exc
    err.print(escape(f"wrote {n} labels to {output}"))


@label.command("undo")
def undo(
    evidence_id: Annotated[str | None, typer.Argument(help="Undo this evidence's label.")] = None,
    workspace: WorkspaceOption = "default",
    correction: Annotated[
        str | None,
        typer.Option("--correction", help="Undo this correction (a label or a theme rule)."),
    ] = None,
) -> None:
    """Undo an evidence's label, or any correction by its id (--correction).

    The analysis places the evidence again; `cjm label list` shows correction ids, and the
    undone correction stays in the history."""
    if (evidence_id is None) == (correction is None):
        err.print("[red]error:[/red] give an EVIDENCE_ID or --correction ID (one of them)")
        raise typer.Exit(2)
    with _store() as (_, store):
        if correction is not None:
            done = store.undo(workspace, correction, actor())
        else:
            assert evidence_id is not None
            done = store.unlabel(workspace, evidence_id, actor())
    out.print(escape(f"undone {done.id}: {_describe(done)}"))


@label.command("list")
def list_labels(
    workspace: WorkspaceOption = "default",
    history: Annotated[
        bool, typer.Option("--history", help="Superseded and undone corrections too.")
    ] = False,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="Only this evidence's corrections.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """The workspace's corrections: active ones, newest first (all of them with --history)."""
    with _store() as (_, store):
        items = store.history(workspace, evidence)
    if not history:
        items = [c for c in items if c.state == "active"]
    if json_output:
        print_json([c.as_dict() for c in items])
        return
    table = Table()
    for name in ("id", "evidence"):  # ids are copied from here: never cut
        table.add_column(name, no_wrap=True)
    for name in ("stage", "code", "not-evidence", "actor", "when", "state", "note"):
        table.add_column(name, overflow="fold")
    for c in items:
        stage = c.stage or ""
        if c.action != "label":
            stage = _describe(c)
        table.add_row(
            *(
                escape(v)
                for v in (
                    c.id,
                    c.evidence_id or "",
                    stage,
                    c.code or "",
                    "yes" if c.not_evidence else "",
                    c.actor,
                    f"{c.created_at:%Y-%m-%d %H:%M}",
                    c.state,
                    c.note,
                )
            )
        )
    # wider than the terminal rather than ids cut short
    Console(soft_wrap=True, width=max(out.width, 180)).print(table)
    if not items:
        err.print(f"no corrections in workspace {escape(workspace)}")


def _anchors(db: Database, workspace: str, map_id: str, themes: list[str]) -> list[ThemeAnchor]:
    journey = MapRepository(db).version(workspace, map_id).journey
    return anchors_from_map(journey, themes)


@label.command("merge")
def merge(
    theme_a: Annotated[str, typer.Argument(help="A pain point or delighter (pp-... / dl-...).")],
    theme_b: Annotated[str, typer.Argument(help="The theme to merge with it, same stage.")],
    map_id: Annotated[str, typer.Option("--map", help="The stored map that shows them.")],
    workspace: WorkspaceOption = "default",
    note: Annotated[str, typer.Option(help="Why (kept with the rule).")] = "",
) -> None:
    """Merge two themes of one stage in later analyses.

    The themes are named as the map's latest version shows them (pp-... or dl-...)."""
    with _store() as (db, store):
        anchors = _anchors(db, workspace, map_id, [theme_a, theme_b])
        rule = store.add_rule(workspace, "merge", anchors, actor(), note=note)
    out.print(escape(f"stored {rule.id}: {_describe(rule)}"))


@label.command("move-out")
def move_out(
    evidence_id: Annotated[str, typer.Argument(help="The evidence to take out of the theme.")],
    theme: Annotated[str, typer.Option("--theme", help="The pain point or delighter.")],
    map_id: Annotated[str, typer.Option("--map", help="The stored map that shows it.")],
    workspace: WorkspaceOption = "default",
    note: Annotated[str, typer.Option(help="Why (kept with the rule).")] = "",
) -> None:
    """Take evidence out of a theme in later analyses.

    The theme is named as the map's latest version shows it (pp-... or dl-...)."""
    with _store() as (db, store):
        anchors = _anchors(db, workspace, map_id, [theme])
        rule = store.add_rule(
            workspace, "move_out", anchors, actor(), evidence_id=evidence_id, note=note
        )
    out.print(escape(f"stored {rule.id}: {_describe(rule)}"))


@label.command("suggest")
def suggest_labels(
    workspace: WorkspaceOption = "default",
    n: Annotated[int, typer.Option("--n", min=1, max=500, help="How many to suggest.")] = 20,
    framework: FrameworkOpt = None,
    codebook: CodebookOpt = None,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Only evidence in these languages.")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only evidence of these kinds.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """The evidence worth labelling next.

    What the analysis is least sure where to place, among what looks most frequent (similar
    evidence in any language), each pick a different thing. Label them with `cjm label
    EVIDENCE_ID --stage ...`; the next analysis learns from them."""
    with open_library() as library:
        with reported(code=1):
            chosen = framework or workspace_framework(library.db, workspace)
            options = AnalysisRequest(
                workspace=workspace,
                framework=chosen,
                codebook=codebook,
                kinds=tuple(kind or ()),
                langs=tuple(lang or ()),
            ).options()
            analysis, evidence = analyze(library, options)
        picks = suggest(analysis, evidence, n)
    if json_output:
        print_json([s.as_dict() for s in picks])
        return
    so_far = _n(analysis.corrections, "correction")
    table = Table(title=f"label next ({options.framework.id}; {so_far} so far)")
    table.add_column("evidence", no_wrap=True)
    for name in ("lang", "placed in", "sure", "code", "text"):
        table.add_column(name, overflow="fold")
    for s in picks:
        table.add_row(
            escape(s.evidence_id),
            s.lang,
            s.stage,
            f"{s.confidence:.2f}",
            escape(s.code or ""),
            escape(clip(s.text, 300)),
        )
    Console(soft_wrap=True, width=max(out.width, 160)).print(table)
    if not picks:
        err.print(f"nothing left to suggest in workspace {escape(workspace)}")

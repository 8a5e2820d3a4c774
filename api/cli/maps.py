"""``cjm maps``: the workspace's stored maps — list, show, history, diff, comments — and the
review actions (``api.cli.map_review``), with the rules of the HTTP API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from api.cli.common import JsonOption, WorkspaceOption, open_library, out, print_json
from api.cli.map_review import approve, comment, edit, import_command, request_changes, submit
from api.http.schemas import ChangeOut, CommentOut, EventOut, MapSummary, Page
from api.web.element_names import element_names
from api.web.labels import LABELS
from api.web.wording import MapWords
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.repository import MapInfo, MapRepository

maps = typer.Typer(
    help="Stored maps and their review: list, show, import, edit, submit, approve, request "
    "changes, comment, history, diff. You act as a named local reviewer (--as NAME, or "
    "CJM_USER): whoever can read CJM_HOME owns it, so you may do what a reviewer key may.",
    no_args_is_help=True,
)
MapIdArgument = Annotated[str, typer.Argument(help="The stored map (its id).")]
VersionOption = Annotated[
    int | None, typer.Option("--version", "-v", min=1, help="A version (default: the head).")
]


def summary(info: MapInfo) -> MapSummary:
    return MapSummary.model_validate(asdict(info))


def _line(info: MapInfo) -> str:
    approved = f", approved v{info.approved_version}" if info.approved_version else ""
    return (
        f"{info.id}  {info.language}  {info.status}  v{info.head}{approved}  {info.title}  "
        f"({info.map_type}, {info.updated_at:%Y-%m-%d %H:%M})"
    )


@maps.command("list")
def list_command(
    workspace: WorkspaceOption = "default",
    offset: Annotated[int, typer.Option(min=0, help="Maps to skip.")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=200, help="Maps to show.")] = 50,
    json_output: JsonOption = False,
) -> None:
    """The workspace's maps, last changed first: id, language, status, head version, title."""
    with open_library() as library:
        infos, total = MapRepository(library.db).list_maps(workspace, offset, limit)
    if json_output:
        page = Page[MapSummary](
            items=[summary(i) for i in infos], total=total, offset=offset, limit=limit
        )
        print_json(page.model_dump(mode="json"))
        return
    if not infos:
        out.print(f"no maps in workspace {workspace} (store one with cjm draft or cjm maps import)")
    for info in infos:
        out.print(_line(info), markup=False, highlight=False)
    if total > offset + len(infos):
        out.print(f"… {total} in all (--offset {offset + len(infos)} for more)")


def print_summary(info: MapInfo, journey: JourneyMap, number: int) -> None:
    """A map at a glance, headed in its own language: status, version, personas, each stage
    with its evidence, pain points and delighters."""
    words = LABELS.get(journey.language, LABELS["en"])
    w = MapWords.of(journey)
    say = out.print
    say(f"[bold]{journey.title.text}[/bold]", highlight=False)
    approved = (
        f" · {w.status('approved')} {words['version']} {info.approved_version}"
        if info.approved_version
        else ""
    )
    say(
        f"{info.id} · {w.language(journey.language)} · {w.map_type(journey.map_type)} · "
        f"{journey.framework.name}\n"
        f"{words['status']}: {w.status(info.status)} · {words['version']} {number}/{info.head}"
        f"{approved}",
        markup=False,
        highlight=False,
    )
    if journey.evidence_only:
        say(words["evidence_only"], markup=False)
    say(
        f"{words['personas']}: {len(journey.personas)} · {words['recommendations']}: "
        f"{len(journey.recommendations)} · {words['coverage']}: "
        f"{w.count('evidence', journey.coverage.total_evidence)}",
        markup=False,
        highlight=False,
    )
    say(f"{words['journey']}:", markup=False)
    for n, stage in enumerate(journey.stages, 1):
        say(
            f"  {n}. {stage.name.text} · {w.count('evidence', stage.evidence_count)} · "
            f"{words['pain_points']}: {len(stage.pain_points)} · "
            f"{words['delighters']}: {len(stage.delighters)}",
            markup=False,
            highlight=False,
        )


@maps.command("show")
def show(
    map_id: MapIdArgument,
    workspace: WorkspaceOption = "default",
    version: VersionOption = None,
    json_output: Annotated[
        bool,
        typer.Option("--json", help="Print the map itself (as cjm draft -o writes it)."),
    ] = False,
) -> None:
    """A map's summary in its language: status, version, personas, stages and their counts."""
    with open_library() as library:
        repo = MapRepository(library.db)
        info = repo.get(workspace, map_id)
        stored = repo.version(workspace, map_id, version)
        journey = stored.journey
    if json_output:
        print_json(journey.model_dump(mode="json"))
    else:
        print_summary(info, journey, stored.number)


@maps.command("history")
def history(
    map_id: MapIdArgument, workspace: WorkspaceOption = "default", json_output: JsonOption = False
) -> None:
    """Who did what to the map and when, oldest first (the audit log)."""
    with open_library() as library:
        events, _ = MapRepository(library.db).history(workspace, map_id)
    if json_output:
        print_json([EventOut(**asdict(e)).model_dump(mode="json") for e in events])
        return
    for e in events:
        detail = f"  {e.detail}" if e.detail else ""
        out.print(
            f"v{e.version}  {e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  {e.action}{detail}",
            markup=False,
            highlight=False,
        )


@maps.command("diff")
def diff_command(
    map_id: MapIdArgument,
    from_version: Annotated[
        int | None, typer.Option("--from", min=1, help="Older version (default: head - 1).")
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to", min=1, help="Newer version (default: the head).")
    ] = None,
    workspace: WorkspaceOption = "default",
    json_output: JsonOption = False,
) -> None:
    """What changed between two versions: which stage, pain point or field, old and new."""
    with open_library() as library:
        repo = MapRepository(library.db)
        head = repo.get(workspace, map_id).head
        b = to_version or head
        a = from_version or max(b - 1, 1)
        changes = repo.diff(workspace, map_id, a, b)
    if json_output:
        print_json([ChangeOut(**c.as_dict()).model_dump(mode="json") for c in changes])
        return
    out.print(f"{map_id}: version {a} → {b}, {len(changes)} changes", highlight=False)
    for c in changes:
        out.print(f"{c.kind}: {c.label or c.path}  ({c.path})", markup=False, highlight=False)
        if c.kind != "added":
            out.print(f"  - {c.old}", markup=False, highlight=False)
        if c.kind != "removed":
            out.print(f"  + {c.new}", markup=False, highlight=False)


@maps.command("comments")
def comments(
    map_id: MapIdArgument,
    workspace: WorkspaceOption = "default",
    anchor: Annotated[
        str | None, typer.Option(help="Only on this element and inside it (stages/delivery).")
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only unresolved comments.")] = False,
    json_output: JsonOption = False,
) -> None:
    """The map's comments, oldest first; a reply names its parent."""
    with open_library() as library:
        repo = MapRepository(library.db)
        found, _ = repo.comments(workspace, map_id, anchor=anchor, open_only=open_only)
        doc = repo.version(workspace, map_id).journey.model_dump(mode="json")
    names = element_names(doc, [c.anchor for c in found])
    if json_output:
        print_json([CommentOut(**asdict(c)).model_dump(mode="json") for c in found])
        return
    for c in found:
        reply = f" (reply to {c.parent_id})" if c.parent_id else ""
        done = " [resolved]" if c.resolved else ""
        out.print(
            f"{c.id}  v{c.version}  {c.author}  on «{names.get(c.anchor, c.anchor)}» "
            f"({c.anchor}){reply}{done}\n  {c.body}",
            markup=False,
            highlight=False,
        )


maps.command("import")(import_command)
maps.command("edit")(edit)
maps.command("submit")(submit)
maps.command("approve")(approve)
maps.command("request-changes")(request_changes)
maps.command("comment")(comment)

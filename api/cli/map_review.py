"""``cjm maps import|edit|submit|approve|request-changes|comment``: the review actions, as the
HTTP API performs them (``knowledge.journey.review.actions``), by the person at the command line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from api.cli.common import (
    JsonOption,
    WorkspaceOption,
    err,
    open_library,
    out,
    parsed,
    print_json,
)
from api.cli.reviewer import AsOption, local_reviewer
from api.http.schemas import ActionIn, CommentIn, CommentOut, MapSummary, PatchIn
from api.web.element_names import element_name
from knowledge.journey.model import JourneyMap
from knowledge.journey.review import actions as review
from knowledge.journey.review.repository import MapInfo, MapRepository
from knowledge.journey.review.transitions import Action
from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import get_settings

DONE: dict[Action, str] = {
    "submit": "submitted",
    "approve": "approved",
    "request_changes": "requested changes on",
}
MapIdArgument = Annotated[str, typer.Argument(help="The stored map (its id).")]
NoteOption = Annotated[str, typer.Option("--note", "-n", help="Why (kept in the history).")]
BasedOnOption = Annotated[
    int | None,
    typer.Option(
        "--version",
        "-v",
        min=1,
        help="The version you reviewed; refused if the map has moved on (default: the head).",
    ),
]


def _report(info: MapInfo, did: str, json_output: bool) -> None:
    if json_output:
        print_json(MapSummary.model_validate(asdict(info)).model_dump(mode="json"))
    else:
        out.print(
            f"{did} {info.id} (workspace {info.workspace}): {info.status}, version {info.head}",
            markup=False,
            highlight=False,
        )


def read_map(path: Path) -> JourneyMap:
    """A map JSON file, refused as POST /maps refuses a body: over CJM_MAX_BODY_BYTES, or not
    a journey map (naming the fields)."""
    limit = get_settings().max_body_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            raise UserInputError(
                f"{path} is {size:,} bytes; a map may be at most {limit:,} (CJM_MAX_BODY_BYTES)"
            )
        text = path.read_bytes()
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    return parsed(JourneyMap, f"{path} as a journey map", text)


def import_command(
    path: Annotated[Path, typer.Argument(help="A map JSON file (as cjm draft -o writes it).")],
    workspace: WorkspaceOption = "default",
    actor: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Store a map JSON as version 1 (draft) under its own id, as POST maps does.

    Every quote must be a verbatim part of evidence in this workspace; stages, pain points and
    the pain points recommendations address must resolve."""
    with open_library() as library:
        who = local_reviewer(workspace, actor)
        journey = read_map(path)
        info = review.import_map(MapRepository(library.db), who, journey)
    _report(info, "imported", json_output)


def status_command(action: Action, help_text: str) -> Callable[..., None]:
    """The command that applies one status change (submit, approve, request changes)."""

    def command(
        map_id: MapIdArgument,
        workspace: WorkspaceOption = "default",
        note: NoteOption = "",
        version: BasedOnOption = None,
        actor: AsOption = None,
        json_output: JsonOption = False,
    ) -> None:
        with open_library() as library:
            who = local_reviewer(workspace, actor)
            body = parsed(ActionIn, "--note", {"note": note})
            repo = MapRepository(library.db)
            base = version if version is not None else repo.get(workspace, map_id).head
            info = review.transition(repo, who, map_id, action, base, body.note)
        _report(info, DONE[action], json_output)

    command.__doc__ = help_text
    return command


submit = status_command(
    "submit", "Send a draft (or a map with changes requested) for review: in_review."
)
approve = status_command("approve", "Approve a map in review: approved, at its head version.")
request_changes = status_command(
    "request_changes",
    "Send a map in review back: changes_requested (say why with --note or a comment).",
)


def edit(
    map_id: MapIdArgument,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="PATH=TEXT: set a text, e.g. stages/delivery/pain_points/pp-delivery-1/title="
            "'Late and cold' (repeatable; the text becomes human).",
        ),
    ] = None,
    remove: Annotated[
        list[str] | None,
        typer.Option(
            help="Take a quote out, e.g. stages/delivery/pain_points/pp-delivery-1/evidence/1 "
            "(repeatable)."
        ),
    ] = None,
    workspace: WorkspaceOption = "default",
    version: BasedOnOption = None,
    actor: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Edit the map as one new version; its status starts again at draft.

    The --set texts first, then the --remove quotes. Ids, counts and quotes themselves are not
    set."""
    patches: list[dict[str, str]] = []
    for item in set_ or []:
        path, sep, value = item.partition("=")
        if not sep:
            raise_usage(f"--set {item!r}: write PATH=TEXT")
        patches.append({"path": path.strip(), "value": value})
    patches += [{"op": "remove", "path": path} for path in remove or []]
    if not patches:
        raise_usage("nothing to change: give --set PATH=TEXT or --remove PATH")
    with open_library() as library:
        who = local_reviewer(workspace, actor)
        request = parsed(PatchIn, "the edit", {"patches": patches})
        repo = MapRepository(library.db)
        base = version if version is not None else repo.get(workspace, map_id).head
        info = review.edit(repo, who, map_id, base, request.patches)
    _report(info, "edited", json_output)


def raise_usage(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


def comment(
    map_id: MapIdArgument,
    body: Annotated[str, typer.Argument(help="The comment.")],
    anchor: Annotated[
        str,
        typer.Option(
            help="The element commented on, e.g. stages/delivery/pain_points/pp-delivery-1 "
            "(default: the map's title)."
        ),
    ] = "title",
    reply_to: Annotated[
        str | None, typer.Option("--reply-to", help="Answer this comment (its id).")
    ] = None,
    workspace: WorkspaceOption = "default",
    actor: AsOption = None,
    json_output: JsonOption = False,
) -> None:
    """Comment on an element of the map's head version, or reply to a comment."""
    with open_library() as library:
        who = local_reviewer(workspace, actor)
        request = parsed(
            CommentIn, "the comment", {"anchor": anchor, "body": body, "parent_id": reply_to}
        )
        repo = MapRepository(library.db)
        c = review.comment(
            repo,
            who,
            map_id,
            request.anchor,
            request.body,
            request.parent_id,
        )
        doc = repo.version(who.workspace, map_id).journey.model_dump(mode="json")
    if json_output:
        print_json(CommentOut(**asdict(c)).model_dump(mode="json"))
    else:
        name = element_name(doc, c.anchor)
        out.print(
            f"commented {c.id} on «{name}» ({c.anchor}, version {c.version})", highlight=False
        )

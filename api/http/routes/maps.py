"""Maps: list, read a version, diff, edit (If-Match), review actions, locks, comments, history.
Routes are plain ``def``: the store is synchronous, so FastAPI runs them in its threadpool."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response, status

from api.http.deps import MAX_VERSION, Caller, LibraryDep, Limit, MapsDep, Offset
from api.http.problems import NO_IF_MATCH, WRITE, PreconditionRequired, documented
from api.http.schemas import (
    ActionIn,
    ChangeOut,
    CommentIn,
    CommentOut,
    EventOut,
    LinkOut,
    LockIn,
    MapOut,
    MapSummary,
    Page,
    PatchIn,
)
from generator.evaluation.map_health import evaluate_map
from knowledge.journey.model import JourneyMap
from knowledge.journey.review import actions as review
from knowledge.journey.review.repository import MapInfo
from knowledge.journey.review.transitions import Action
from knowledge.platform.errors import UserInputError

TRANSITION = documented(409, 412, 428)
router = APIRouter(prefix="/v1/workspaces/{workspace}/maps", tags=["maps"], responses=WRITE)
IfMatch = Annotated[
    str,
    Header(
        description='The version the change is based on, as its ETag ("v3"); without it: 428.',
        pattern=r'^(W/)?"v[0-9]{1,9}"$',
        examples=['"v3"'],
    ),
]


def etag(version: int) -> str:
    return f'"v{version}"'


def based_on(if_match: str | None) -> int:
    if not if_match:
        raise PreconditionRequired(NO_IF_MATCH)
    tag = if_match.strip().removeprefix("W/").strip('"').removeprefix("v")
    if not tag.isdigit():
        raise UserInputError(f"If-Match {if_match!r} is not a map version ETag")
    return int(tag)


def summary(info: MapInfo) -> MapSummary:
    return MapSummary.model_validate(asdict(info), from_attributes=False)


@router.get("", response_model=Page[MapSummary])
def list_maps(
    caller: Caller, repo: MapsDep, offset: Offset = 0, limit: Limit = 50
) -> Page[MapSummary]:
    infos, total = repo.list_maps(caller.workspace, offset, limit)
    return Page(items=[summary(i) for i in infos], total=total, offset=offset, limit=limit)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MapSummary,
    responses=documented(409),
)
def import_map(
    caller: Caller, repo: MapsDep, journey: JourneyMap, response: Response
) -> MapSummary:
    """Store a drafted map (e.g. the output of ``cjm draft``) as version 1 of a new map; the
    workspace may not already have a map with its id (409). Every quote must be a verbatim part
    of evidence stored in this workspace, with its language and kind; stages, pain point ids and
    ``addresses`` must resolve; otherwise 422 naming each path."""
    info = review.import_map(repo, caller, journey)
    response.headers["ETag"] = etag(info.head)
    return summary(info)


@router.get("/{map_id}", response_model=MapOut, responses=documented(409))
def get_map(caller: Caller, repo: MapsDep, map_id: str, response: Response) -> MapOut:
    info = repo.get(caller.workspace, map_id)
    version = repo.version(caller.workspace, map_id)
    response.headers["ETag"] = etag(info.head)
    link = repo.link(caller.workspace, map_id)
    return MapOut(
        **summary(info).model_dump(),
        version=version.number,
        content=version.journey,
        translation=LinkOut(**asdict(link), stale=link.stale) if link else None,
    )


@router.get("/{map_id}/versions/{number}", response_model=MapOut, responses=documented(409))
def get_version(
    caller: Caller,
    repo: MapsDep,
    map_id: str,
    number: Annotated[int, Path(ge=1, le=MAX_VERSION)],
) -> MapOut:
    info = repo.get(caller.workspace, map_id)
    version = repo.version(caller.workspace, map_id, number)
    return MapOut(**summary(info).model_dump(), version=version.number, content=version.journey)


@router.get("/{map_id}/health", response_model=dict[str, Any])
def map_health(
    caller: Caller,
    repo: MapsDep,
    library: LibraryDep,
    map_id: str,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> dict[str, Any]:
    """What a reviewer should check before approving (as ``cjm evaluate``): quotes verbatim in
    the workspace's evidence, ids that resolve, texts in the map's language, quotes that are not
    customer experience or address an AI, thin stages, pain points quoting praise."""
    journey = repo.version(caller.workspace, map_id, version).journey
    return evaluate_map(library, journey, caller.workspace).as_dict()


@router.get("/{map_id}/diff", response_model=list[ChangeOut])
def diff_versions(
    caller: Caller,
    repo: MapsDep,
    map_id: str,
    from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_VERSION)],
    to_version: Annotated[int, Query(alias="to", ge=1, le=MAX_VERSION)],
) -> list[ChangeOut]:
    changes = repo.diff(caller.workspace, map_id, from_version, to_version)
    return [ChangeOut(**c.as_dict()) for c in changes]


@router.patch("/{map_id}", response_model=MapSummary, responses=documented(412, 428))
def edit_map(
    caller: Caller,
    repo: MapsDep,
    map_id: str,
    body: PatchIn,
    response: Response,
    if_match: IfMatch,
) -> MapSummary:
    """Edits applied together as one new version; an edited text's origin becomes human. Ids,
    counted numbers and quotes are not set: a quote is removed (op remove) or attached (op
    attach: an evidence id and a verbatim part of that stored evidence, whose language and kind
    come from the store). An edit that leaves a quote, stage or ``addresses`` unresolved gets
    422 naming the path, and nothing is written. A stale If-Match gets 412."""
    info = review.edit(repo, caller, map_id, based_on(if_match), body.patches)
    response.headers["ETag"] = etag(info.head)
    return summary(info)


def _transition(
    caller: Caller,
    repo: MapsDep,
    map_id: str,
    action: Action,
    body: ActionIn,
    if_match: str | None,
) -> MapSummary:
    return summary(review.transition(repo, caller, map_id, action, based_on(if_match), body.note))


@router.post("/{map_id}/submit", response_model=MapSummary, responses=TRANSITION)
def submit(
    caller: Caller, repo: MapsDep, map_id: str, body: ActionIn, if_match: IfMatch
) -> MapSummary:
    return _transition(caller, repo, map_id, "submit", body, if_match)


@router.post("/{map_id}/approve", response_model=MapSummary, responses=TRANSITION)
def approve(
    caller: Caller, repo: MapsDep, map_id: str, body: ActionIn, if_match: IfMatch
) -> MapSummary:
    return _transition(caller, repo, map_id, "approve", body, if_match)


@router.post("/{map_id}/request-changes", response_model=MapSummary, responses=TRANSITION)
def request_changes(
    caller: Caller, repo: MapsDep, map_id: str, body: ActionIn, if_match: IfMatch
) -> MapSummary:
    return _transition(caller, repo, map_id, "request_changes", body, if_match)


@router.post("/{map_id}/locks", response_model=MapSummary)
def lock(caller: Caller, repo: MapsDep, map_id: str, body: LockIn) -> MapSummary:
    """Lock elements so a regeneration keeps them (or unlock them)."""
    return summary(review.lock(repo, caller, map_id, body.paths, body.unlock))


@router.get("/{map_id}/history", response_model=Page[EventOut])
def history(
    caller: Caller, repo: MapsDep, map_id: str, offset: Offset = 0, limit: Limit = 50
) -> Page[EventOut]:
    """The audit log: who did what to the map and when, oldest first."""
    events, total = repo.history(caller.workspace, map_id, offset, limit)
    return Page(
        items=[EventOut(**asdict(e)) for e in events], total=total, offset=offset, limit=limit
    )


@router.get("/{map_id}/comments", response_model=Page[CommentOut])
def list_comments(
    caller: Caller,
    repo: MapsDep,
    map_id: str,
    offset: Offset = 0,
    limit: Limit = 50,
    anchor: Annotated[
        str | None,
        Query(
            max_length=500,
            description="Only comments on this element and the elements inside it.",
            examples=["stages/delivery"],
        ),
    ] = None,
    open_only: Annotated[bool, Query(description="Only unresolved comments.")] = False,
) -> Page[CommentOut]:
    """Comments oldest first; a reply carries its parent's id."""
    comments, total = repo.comments(caller.workspace, map_id, offset, limit, anchor, open_only)
    return Page(
        items=[CommentOut(**asdict(c)) for c in comments], total=total, offset=offset, limit=limit
    )


@router.post("/{map_id}/comments", status_code=status.HTTP_201_CREATED, response_model=CommentOut)
def add_comment(caller: Caller, repo: MapsDep, map_id: str, body: CommentIn) -> CommentOut:
    c = review.comment(repo, caller, map_id, body.anchor, body.body, body.parent_id)
    return CommentOut(**asdict(c))


@router.post("/{map_id}/comments/{comment_id}/resolve", status_code=204)
def resolve_comment(caller: Caller, repo: MapsDep, map_id: str, comment_id: str) -> None:
    review.set_resolved(repo, caller, map_id, comment_id, True)


@router.post("/{map_id}/comments/{comment_id}/reopen", status_code=204)
def reopen_comment(caller: Caller, repo: MapsDep, map_id: str, comment_id: str) -> None:
    review.set_resolved(repo, caller, map_id, comment_id, False)

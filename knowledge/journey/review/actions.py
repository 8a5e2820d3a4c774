"""The review actions as a caller performs them: the role each needs, checked before the
repository acts. The HTTP routes and the command line both call these, so a viewer's approval
is refused alike, and the actor in the audit log is always the caller's name.

    store a draft, regenerate, import, edit, lock, comment, submit  editor
    approve, request changes                                        reviewer

Which status changes are allowed, and what a stale version gets, is the repository's rule
(``MapRepository.transition``)."""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.journey.model import JourneyMap
from knowledge.journey.review.errors import StaleVersion
from knowledge.journey.review.patches import AttachQuote, FieldPatch, RemoveQuote
from knowledge.journey.review.repository import Comment, MapInfo, MapRepository
from knowledge.journey.review.transitions import ROLE, Action
from knowledge.platform.errors import UserInputError
from knowledge.platform.keys import Principal


def standing_version(repo: MapRepository, workspace: str, map_id: str) -> JourneyMap:
    """What a stored map stands for when another map starts from it (a future state): its
    approved version, else its head."""
    info = repo.get(workspace, map_id)
    return repo.version(workspace, map_id, info.approved_version or info.head).journey


def store_draft(repo: MapRepository, who: Principal, journey: JourneyMap) -> MapInfo:
    """A drafted map as version 1 of a new map (a suffixed id if the workspace has its id)."""
    who.require("editor")
    return repo.create(who.workspace, journey, who.name)


def regeneration_base(
    repo: MapRepository, workspace: str, map_id: str, based_on: int
) -> JourneyMap:
    """The version a regeneration starts from: the head the caller saw (``StaleVersion`` when
    the map moved on), of a map drafted from evidence (a future state is drafted again from
    its source instead)."""
    info = repo.get(workspace, map_id)
    current = repo.version(workspace, map_id, based_on).journey
    if based_on != info.head:
        raise StaleVersion(map_id, based_on, info.head)
    if current.map_type == "future_state":
        raise UserInputError("regenerate a future state by drafting it again from its source")
    return current


def regenerate(
    repo: MapRepository,
    who: Principal,
    map_id: str,
    based_on: int,
    journey: JourneyMap,
    reason: str = "regenerate",
) -> tuple[MapInfo, list[str]]:
    """A new draft as the map's next version, keeping human edits and locked elements."""
    who.require("editor")
    return repo.regenerate(who.workspace, map_id, based_on, journey, who.name, reason)


def import_map(repo: MapRepository, who: Principal, journey: JourneyMap) -> MapInfo:
    """A map from outside as version 1 under its own id (``MapExists`` if the workspace has
    it); its quotes must be verbatim parts of the workspace's evidence."""
    who.require("editor")
    return repo.create(who.workspace, journey, who.name, keep_id=True)


def transition(
    repo: MapRepository,
    who: Principal,
    map_id: str,
    action: Action,
    based_on: int,
    note: str = "",
) -> MapInfo:
    who.require(ROLE[action])
    return repo.transition(who.workspace, map_id, action, based_on, who.name, note)


def edit(
    repo: MapRepository,
    who: Principal,
    map_id: str,
    based_on: int,
    patches: Sequence[FieldPatch | RemoveQuote | AttachQuote],
) -> MapInfo:
    who.require("editor")
    return repo.edit(who.workspace, map_id, based_on, patches, who.name)


def lock(
    repo: MapRepository, who: Principal, map_id: str, paths: list[str], unlock: bool = False
) -> MapInfo:
    who.require("editor")
    return repo.lock(who.workspace, map_id, paths, who.name, unlock)


def comment(
    repo: MapRepository,
    who: Principal,
    map_id: str,
    anchor: str,
    body: str,
    parent_id: str | None = None,
) -> Comment:
    who.require("editor")
    return repo.comment(who.workspace, map_id, anchor, body, who.name, parent_id)


def set_resolved(
    repo: MapRepository, who: Principal, map_id: str, comment_id: str, resolved: bool
) -> None:
    who.require("editor")
    repo.set_resolved(who.workspace, map_id, comment_id, resolved, who.name)

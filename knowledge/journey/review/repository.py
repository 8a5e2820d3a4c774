"""Maps under review, in the canonical store.

Every draft, edit, regeneration and translation adds an immutable version; the map keeps its
head version and status::

    draft --submit--> in_review --approve--> approved
                          \\--request_changes--> changes_requested
    a new version of an in_review, approved or changes_requested map starts again at draft

Every change names the version it was based on; if that is no longer the head, nothing is
written (``StaleVersion``). Every action is in the audit log with who and when.

A map id is unique within its workspace. Every change is one transaction that holds the map's
row while it reads and writes (``Database.writing``), so concurrent changes queue instead of
overwriting each other.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge.journey.model import JourneyMap
from knowledge.journey.review.diff import Change, diff
from knowledge.journey.review.errors import (
    MapExists,
    MapNotFound,
    MapOutdated,
    MapTooLarge,
    StaleVersion,
    TransitionRefused,
)
from knowledge.journey.review.integrity import check, stored_chunks
from knowledge.journey.review.patches import AttachQuote, FieldPatch, RemoveQuote, apply_patches
from knowledge.journey.review.paths import resolve
from knowledge.journey.review.regenerate import carry_over
from knowledge.journey.review.transitions import TRANSITIONS, Action
from knowledge.platform.settings import get_settings
from knowledge.store import (
    CommentRow,
    Database,
    MapEventRow,
    MapLinkRow,
    MapRow,
    MapVersionRow,
)
from knowledge.store.schema import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MapInfo:
    id: str
    workspace: str
    title: str
    map_type: str
    language: str
    status: str
    head: int
    approved_version: int | None
    locked: list[str]
    updated_at: datetime


@dataclass(frozen=True)
class Link:
    """A translated map's source: map, version translated, and whether the source moved on."""

    map_id: str
    source_map_id: str
    source_version: int
    source_head: int
    language: str
    glossary: str | None

    @property
    def stale(self) -> bool:
        return self.source_head > self.source_version


@dataclass(frozen=True)
class Version:
    map_id: str
    number: int
    content: dict[str, Any]
    reason: str
    actor: str
    created_at: datetime

    @property
    def journey(self) -> JourneyMap:
        try:
            return JourneyMap.model_validate(self.content)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = "/".join(str(p) for p in error["loc"])
            raise MapOutdated(
                f"version {self.number} of map {self.map_id} does not fit the map schema at "
                f"{where}: {error['msg']}; edit that field to make a valid new version"
            ) from exc


@dataclass(frozen=True)
class Event:
    version: int
    actor: str
    action: str
    detail: str
    at: datetime


@dataclass(frozen=True)
class Comment:
    id: str
    anchor: str
    parent_id: str | None
    version: int
    author: str
    body: str
    resolved: bool
    created_at: datetime


def _info(row: MapRow) -> MapInfo:
    return MapInfo(
        row.id,
        row.workspace,
        row.title,
        row.map_type,
        row.language,
        row.status,
        row.head,
        row.approved_version,
        list(row.locked or []),
        row.updated_at,
    )


class MapRepository:
    def __init__(
        self,
        db: Database,
        max_map_bytes: int | None = None,
        stored: Callable[[JourneyMap], None] | None = None,
    ) -> None:
        """``max_map_bytes``: largest version, as JSON (default ``CJM_MAX_BODY_BYTES``, so
        every stored map can be imported again). ``stored``: called with each new version
        once it is committed (questions embed its elements then); its failure is logged, not
        raised, since the version is stored."""
        self.db = db
        self.max_map_bytes = max_map_bytes or get_settings().max_body_bytes
        self.stored = stored

    def _after_store(self, content: dict[str, Any]) -> None:
        if self.stored is None:
            return
        try:
            self.stored(JourneyMap.model_validate(content))
        except Exception:  # the version is stored; its vectors are computed when asked
            log.warning("after storing map %s", content.get("id"), exc_info=True)

    # -- reading --------------------------------------------------------------------------

    def _row(self, session: Session, workspace: str, map_id: str, hold: bool = False) -> MapRow:
        """The map's row; ``hold``: locked until the transaction ends (PostgreSQL FOR UPDATE;
        SQLite's write transactions hold the whole store)."""
        row = session.get(MapRow, (workspace, map_id), with_for_update=hold)
        if row is None:
            raise MapNotFound(f"no map {map_id} in workspace {workspace}")
        return row

    def get(self, workspace: str, map_id: str) -> MapInfo:
        with self.db.session() as s:
            return _info(self._row(s, workspace, map_id))

    def list_maps(
        self, workspace: str, offset: int = 0, limit: int = 50
    ) -> tuple[list[MapInfo], int]:
        with self.db.session() as s:
            total = (
                s.scalar(
                    select(func.count()).select_from(MapRow).where(MapRow.workspace == workspace)
                )
                or 0
            )
            rows = s.scalars(
                select(MapRow)
                .where(MapRow.workspace == workspace)
                .order_by(MapRow.updated_at.desc(), MapRow.id)
                .offset(offset)
                .limit(limit)
            ).all()
            return [_info(r) for r in rows], total

    def version(self, workspace: str, map_id: str, number: int | None = None) -> Version:
        with self.db.session() as s:
            row = self._row(s, workspace, map_id)
            n = row.head if number is None else number
            v = s.scalar(
                select(MapVersionRow).where(
                    MapVersionRow.workspace == workspace,
                    MapVersionRow.map_id == map_id,
                    MapVersionRow.number == n,
                )
            )
            if v is None:
                raise MapNotFound(f"map {map_id} has no version {n}")
            return Version(map_id, v.number, v.content, v.reason, v.actor, v.created_at)

    def diff(self, workspace: str, map_id: str, a: int, b: int) -> list[Change]:
        return diff(
            self.version(workspace, map_id, a).content, self.version(workspace, map_id, b).content
        )

    def history(
        self, workspace: str, map_id: str, offset: int = 0, limit: int | None = None
    ) -> tuple[list[Event], int]:
        """The audit log, oldest first, and how many events there are in all."""
        with self.db.session() as s:
            self._row(s, workspace, map_id)
            where = (MapEventRow.workspace == workspace, MapEventRow.map_id == map_id)
            total = s.scalar(select(func.count()).select_from(MapEventRow).where(*where)) or 0
            rows = s.scalars(
                select(MapEventRow)
                .where(*where)
                .order_by(MapEventRow.id)
                .offset(offset)
                .limit(limit)
            ).all()
            return [Event(r.version, r.actor, r.action, r.detail, r.at) for r in rows], total

    def link(self, workspace: str, map_id: str) -> Link | None:
        """Where a translated map comes from (None for a map that is not a translation)."""
        with self.db.session() as s:
            row = self._row(s, workspace, map_id)
            link = s.get(MapLinkRow, (workspace, map_id))
            if link is None:
                return None
            source = s.get(MapRow, (workspace, link.source_map_id))
            head = source.head if source is not None else link.source_version
            return Link(
                map_id, link.source_map_id, link.source_version, head, row.language, link.glossary
            )

    def translations(self, workspace: str, source_map_id: str) -> list[Link]:
        with self.db.session() as s:
            source = self._row(s, workspace, source_map_id)
            rows = s.execute(
                select(MapLinkRow, MapRow.language)
                .join(
                    MapRow,
                    (MapRow.workspace == MapLinkRow.workspace) & (MapRow.id == MapLinkRow.map_id),
                )
                .where(MapLinkRow.workspace == workspace, MapLinkRow.source_map_id == source_map_id)
                .order_by(MapRow.language)
            ).all()
            return [
                Link(
                    link.map_id,
                    source_map_id,
                    link.source_version,
                    source.head,
                    language,
                    link.glossary,
                )
                for link, language in rows
            ]

    def set_link(
        self,
        workspace: str,
        map_id: str,
        source_map_id: str,
        source_version: int,
        glossary: str | None,
    ) -> None:
        with self.db.writing() as s:
            self._row(s, workspace, map_id, hold=True)
            link = s.get(MapLinkRow, (workspace, map_id))
            if link is None:
                s.add(
                    MapLinkRow(
                        workspace=workspace,
                        map_id=map_id,
                        source_map_id=source_map_id,
                        source_version=source_version,
                        glossary=glossary,
                    )
                )
            else:
                link.source_version = source_version
                link.glossary = glossary

    # -- writing --------------------------------------------------------------------------

    def _log(
        self, s: Session, row: MapRow, version: int, actor: str, action: str, detail: str = ""
    ) -> None:
        s.add(
            MapEventRow(
                workspace=row.workspace,
                map_id=row.id,
                version=version,
                actor=actor,
                action=action,
                detail=detail,
            )
        )

    def _add_version(
        self, s: Session, row: MapRow, content: dict[str, Any], reason: str, actor: str
    ) -> int:
        journey = JourneyMap.model_validate(content)  # nothing invalid is ever stored
        content = journey.model_dump(mode="json")  # texts as cleaned by the schema
        size = len(json.dumps(content, ensure_ascii=False).encode())
        if size > self.max_map_bytes:
            raise MapTooLarge(
                f"map {row.id} would be {size} bytes as JSON; the limit is {self.max_map_bytes}"
            )
        check(s, row.workspace, content)  # nor anything naming evidence or ids that are not there
        row.head += 1
        row.title = journey.title.text
        row.updated_at = utcnow()
        if row.status != "draft":
            row.status = "draft"
        try:
            # two writers on one head: the unique version number stops the second; the
            # savepoint keeps its session usable so the refusal, not a broken session, surfaces
            with s.begin_nested():
                s.add(
                    MapVersionRow(
                        workspace=row.workspace,
                        map_id=row.id,
                        number=row.head,
                        content=content,
                        reason=reason,
                        actor=actor,
                    )
                )
        except IntegrityError as exc:
            raise StaleVersion(row.id, row.head - 1, row.head) from exc
        return row.head

    @staticmethod
    def _head_content(s: Session, row: MapRow) -> dict[str, Any]:
        content = s.scalar(
            select(MapVersionRow.content).where(
                MapVersionRow.workspace == row.workspace,
                MapVersionRow.map_id == row.id,
                MapVersionRow.number == row.head,
            )
        )
        if content is None:
            raise MapNotFound(f"map {row.id} has no version {row.head}")
        out: dict[str, Any] = content
        return out

    @staticmethod
    def _check(row: MapRow, based_on: int) -> None:
        if based_on != row.head:
            raise StaleVersion(row.id, based_on, row.head)

    def create(
        self,
        workspace: str,
        journey: JourneyMap,
        actor: str,
        reason: str = "draft",
        keep_id: bool = False,
    ) -> MapInfo:
        """Store a map as version 1. Its id is unique within the workspace: with ``keep_id`` a
        clash is refused (``MapExists``), else the new map gets a suffixed id."""
        clash = f"workspace {workspace} already has a map {journey.id}"
        for _ in range(3):
            try:
                return self._create(workspace, journey, actor, reason, keep_id)
            except IntegrityError as exc:  # a concurrent create took the id first
                if keep_id:
                    raise MapExists(clash) from exc
        raise MapExists(clash)

    def _create(
        self, workspace: str, journey: JourneyMap, actor: str, reason: str, keep_id: bool
    ) -> MapInfo:
        content = journey.model_dump(mode="json")
        with self.db.writing() as s:
            map_id = journey.id
            if s.get(MapRow, (workspace, map_id)) is not None:
                if keep_id:
                    raise MapExists(f"workspace {workspace} already has a map {map_id}")
                map_id = f"{journey.id[:90]}-{secrets.token_hex(3)}"
            content["id"] = map_id
            row = MapRow(
                id=map_id,
                workspace=workspace,
                title=journey.title.text,
                map_type=journey.map_type,
                language=journey.language,
                status="draft",
                head=0,
                approved_version=None,
                locked=[],
            )
            s.add(row)
            s.flush()
            self._add_version(s, row, content, reason, actor)
            self._log(
                s,
                row,
                1,
                actor,
                reason,
                "evidence-only draft" if journey.evidence_only else journey.map_type,
            )
            info = _info(row)
        self._after_store(content)
        return info

    def edit(
        self,
        workspace: str,
        map_id: str,
        based_on: int,
        patches: Sequence[FieldPatch | RemoveQuote | AttachQuote],
        actor: str,
    ) -> MapInfo:
        with self.db.writing() as s:
            row = self._row(s, workspace, map_id, hold=True)
            self._check(row, based_on)
            current = self._head_content(s, row)
            content = apply_patches(
                current, list(patches), lambda i: stored_chunks(s, workspace, [i]).get(i)
            )
            number = self._add_version(s, row, content, "edit", actor)
            detail = ", ".join(p.path if p.op == "set" else f"{p.op} {p.path}" for p in patches)
            self._log(s, row, number, actor, "edit", detail)
            info = _info(row)
        self._after_store(content)
        return info

    def regenerate(
        self,
        workspace: str,
        map_id: str,
        based_on: int,
        journey: JourneyMap,
        actor: str,
        reason: str = "regenerate",
    ) -> tuple[MapInfo, list[str]]:
        """A new draft as the next version, keeping human edits and locked elements; returns
        the paths that no longer had a place in it."""
        with self.db.writing() as s:
            row = self._row(s, workspace, map_id, hold=True)
            self._check(row, based_on)
            current = self._head_content(s, row)
            new = journey.model_dump(mode="json")
            new["id"] = map_id
            merged, kept, orphaned = carry_over(current, new, list(row.locked or []))
            number = self._add_version(s, row, merged, reason, actor)
            detail = f"kept {len(kept)} edited or locked fields"
            if orphaned:
                detail += f"; no place for {', '.join(orphaned)}"
            self._log(s, row, number, actor, reason, detail)
            info = _info(row)
        self._after_store(merged)
        return info, orphaned

    def lock(
        self, workspace: str, map_id: str, paths: list[str], actor: str, unlock: bool = False
    ) -> MapInfo:
        with self.db.writing() as s:
            row = self._row(s, workspace, map_id, hold=True)
            current = self._head_content(s, row)
            for path in paths:
                resolve(current, path)  # must name something
            locked = [p for p in (row.locked or []) if not (unlock and p in paths)]
            if not unlock:
                locked += [p for p in paths if p not in locked]
            row.locked = locked
            self._log(s, row, row.head, actor, "unlock" if unlock else "lock", ", ".join(paths))
            return _info(row)

    def transition(
        self, workspace: str, map_id: str, action: Action, based_on: int, actor: str, note: str = ""
    ) -> MapInfo:
        allowed_from, to = TRANSITIONS[action]
        with self.db.writing() as s:
            row = self._row(s, workspace, map_id, hold=True)
            self._check(row, based_on)
            if row.status not in allowed_from:
                raise TransitionRefused(
                    f"cannot {action.replace('_', ' ')} map {map_id}: it is {row.status}"
                )
            row.status = to
            row.updated_at = utcnow()
            if action == "approve":
                row.approved_version = row.head
            self._log(s, row, row.head, actor, action, note)
            return _info(row)

    # -- comments -------------------------------------------------------------------------

    def comment(
        self,
        workspace: str,
        map_id: str,
        anchor: str,
        body: str,
        author: str,
        parent_id: str | None = None,
    ) -> Comment:
        with self.db.writing() as s:
            row = self._row(s, workspace, map_id, hold=True)
            if parent_id is not None:
                parent = s.get(CommentRow, parent_id)
                if parent is None or (parent.workspace, parent.map_id) != (workspace, map_id):
                    raise MapNotFound(f"no comment {parent_id} on map {map_id}")
                anchor = parent.anchor
            else:
                content = self._head_content(s, row)
                resolve(content, anchor)  # the element must exist
            c = CommentRow(
                id=f"c_{secrets.token_hex(8)}",
                workspace=workspace,
                map_id=map_id,
                anchor=anchor,
                parent_id=parent_id,
                version=row.head,
                author=author,
                body=body,
                resolved=False,
            )
            s.add(c)
            s.flush()
            self._log(s, row, row.head, author, "comment", f"{c.id} on {anchor}")
            return Comment(
                c.id, c.anchor, c.parent_id, c.version, c.author, c.body, c.resolved, c.created_at
            )

    def set_resolved(
        self, workspace: str, map_id: str, comment_id: str, resolved: bool, actor: str
    ) -> None:
        with self.db.writing() as s:
            row = self._row(s, workspace, map_id, hold=True)
            c = s.get(CommentRow, comment_id)
            if c is None or (c.workspace, c.map_id) != (workspace, map_id):
                raise MapNotFound(f"no comment {comment_id} on map {map_id}")
            c.resolved = resolved
            self._log(s, row, row.head, actor, "resolve" if resolved else "reopen", comment_id)

    def comments(
        self,
        workspace: str,
        map_id: str,
        offset: int = 0,
        limit: int | None = None,
        anchor: str | None = None,
        open_only: bool = False,
    ) -> tuple[list[Comment], int]:
        """Comments oldest first (replies carry their parent's id), optionally those on one
        element and what is under it, or only unresolved ones; and how many match in all."""
        with self.db.session() as s:
            self._row(s, workspace, map_id)
            where = [CommentRow.workspace == workspace, CommentRow.map_id == map_id]
            if anchor:
                prefix = anchor.rstrip("/")
                where.append(
                    (CommentRow.anchor == prefix)
                    | CommentRow.anchor.startswith(prefix + "/", autoescape=True)
                )
            if open_only:
                where.append(CommentRow.resolved.is_(False))
            total = s.scalar(select(func.count()).select_from(CommentRow).where(*where)) or 0
            rows = s.scalars(
                select(CommentRow)
                .where(*where)
                .order_by(CommentRow.created_at, CommentRow.id)
                .offset(offset)
                .limit(limit)
            ).all()
            items = [
                Comment(
                    c.id,
                    c.anchor,
                    c.parent_id,
                    c.version,
                    c.author,
                    c.body,
                    c.resolved,
                    c.created_at,
                )
                for c in rows
            ]
            return items, total

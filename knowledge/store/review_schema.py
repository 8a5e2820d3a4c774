"""Tables of the review workflow: journey maps, their immutable versions, the audit log and
comments anchored to map elements.

A map id is unique within its workspace only: every table keys a map by (workspace, map id), so
two workspaces can hold the same id without either learning of the other. (Before, map ids
were global, in tables named ``maps``, ``map_versions``...; ``knowledge.store.upgrade`` moves
such a store's rows over.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.store.schema import Base, UTCDateTime, utcnow


class MapRow(Base):
    """A journey map: its head version and review status."""

    __tablename__ = "journey_maps"

    workspace: Mapped[str] = mapped_column(String(100), primary_key=True)
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    map_type: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    head: Mapped[int] = mapped_column(Integer)
    approved_version: Mapped[int | None] = mapped_column(Integer)
    locked: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MapVersionRow(Base):
    """One immutable version of a map's content."""

    __tablename__ = "journey_map_versions"
    __table_args__ = (
        UniqueConstraint("workspace", "map_id", "number", name="uq_journey_map_version"),
        ForeignKeyConstraint(
            ["workspace", "map_id"],
            ["journey_maps.workspace", "journey_maps.id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(100))
    map_id: Mapped[str] = mapped_column(String(120), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(20))  # draft, edit, regenerate, translate
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MapEventRow(Base):
    """The audit log: who did what to which map, version, and when."""

    __tablename__ = "journey_map_events"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace", "map_id"],
            ["journey_maps.workspace", "journey_maps.id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace: Mapped[str] = mapped_column(String(100))
    map_id: Mapped[str] = mapped_column(String(120), index=True)
    version: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommentRow(Base):
    """A comment on one element of a map (by its path), or a reply to another comment."""

    __tablename__ = "journey_map_comments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workspace", "map_id"],
            ["journey_maps.workspace", "journey_maps.id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(100))
    map_id: Mapped[str] = mapped_column(String(120), index=True)
    anchor: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

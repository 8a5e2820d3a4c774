"""Team glossaries, one row per workspace and name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.store.schema import Base, UTCDateTime, utcnow


class GlossaryRow(Base):
    __tablename__ = "glossaries"

    workspace: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    terms: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

"""Translation memory (source text -> team's translation) and links from a translated map to
the map and version it was translated from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from knowledge.store.schema import Base, UTCDateTime, utcnow


class TranslationMemoryRow(Base):
    __tablename__ = "translation_memory"

    workspace: Mapped[str] = mapped_column(String(100), primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    target_lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MapLinkRow(Base):
    """A translated map's source, within one workspace."""

    __tablename__ = "journey_map_links"

    workspace: Mapped[str] = mapped_column(String(100), primary_key=True)
    map_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    source_map_id: Mapped[str] = mapped_column(String(120), index=True)
    source_version: Mapped[int] = mapped_column(Integer)
    glossary: Mapped[str | None] = mapped_column(String(64))

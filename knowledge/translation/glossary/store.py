"""Glossaries in the canonical store, per workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from knowledge.platform.errors import NotFound
from knowledge.store import Database, GlossaryRow
from knowledge.store.schema import utcnow
from knowledge.translation.glossary.model import Glossary, validate_unique


@dataclass(frozen=True)
class GlossaryInfo:
    name: str
    terms: int
    languages: list[str]
    actor: str
    updated_at: datetime


def _info(row: GlossaryRow) -> GlossaryInfo:
    g = Glossary(name=row.name, terms=row.terms)
    return GlossaryInfo(row.name, len(g.terms), g.languages(), row.actor, row.updated_at)


class GlossaryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def put(self, workspace: str, glossary: Glossary, actor: str) -> tuple[GlossaryInfo, bool]:
        """Create or replace; says whether it was created."""
        validate_unique(glossary)
        with self.db.session() as s:
            row = s.get(GlossaryRow, (workspace, glossary.name))
            created = row is None
            if row is None:
                row = GlossaryRow(workspace=workspace, name=glossary.name)
                s.add(row)
            row.terms = glossary.terms
            row.actor = actor
            row.updated_at = utcnow()
            s.flush()
            return _info(row), created

    def get(self, workspace: str, name: str) -> Glossary:
        with self.db.session() as s:
            row = s.get(GlossaryRow, (workspace, name))
            if row is None:
                raise NotFound(f"no glossary {name} in workspace {workspace}")
            return Glossary(name=row.name, terms=row.terms)

    def list(self, workspace: str) -> list[GlossaryInfo]:
        with self.db.session() as s:
            rows = s.scalars(
                select(GlossaryRow)
                .where(GlossaryRow.workspace == workspace)
                .order_by(GlossaryRow.name)
            )
            return [_info(r) for r in rows]

    def delete(self, workspace: str, name: str) -> None:
        with self.db.session() as s:
            row = s.get(GlossaryRow, (workspace, name))
            if row is None:
                raise NotFound(f"no glossary {name} in workspace {workspace}")
            s.delete(row)

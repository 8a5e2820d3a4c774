"""Which glossary a translation uses: a stored one by name, or a CSV/YAML file."""

from __future__ import annotations

from pathlib import Path

from knowledge.store import Database
from knowledge.translation.glossary import Glossary, GlossaryStore, parse_glossary
from knowledge.translation.glossary.model import GlossaryError


def resolve_glossary(db: Database, workspace: str, name_or_file: str | None) -> Glossary | None:
    if not name_or_file:
        return None
    path = Path(name_or_file)
    if path.suffix.lower() in (".csv", ".yaml", ".yml") and path.exists():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise GlossaryError(f"{path}: cannot be read as UTF-8 text") from exc
        try:
            return parse_glossary(text, path.stem, path.suffix.lstrip(".").lower())
        except GlossaryError as exc:
            raise GlossaryError(f"{path}: {exc}") from exc
    return GlossaryStore(db).get(workspace, name_or_file)

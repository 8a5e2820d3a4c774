"""Translation memory per workspace and language pair, keyed by the exact source text: a map
refreshed after a one-field edit sends only that field to the model."""

from __future__ import annotations

from sqlalchemy import select

from knowledge.search.embeddings import text_hash
from knowledge.store import Database, TranslationMemoryRow


class TranslationMemory:
    def __init__(self, db: Database, workspace: str) -> None:
        self.db = db
        self.workspace = workspace

    def lookup(self, source_lang: str, target_lang: str, texts: list[str]) -> dict[str, str]:
        hashes = {text_hash(t): t for t in texts}
        found: dict[str, str] = {}
        with self.db.session() as s:
            keys = list(hashes)
            for start in range(0, len(keys), 500):
                rows = s.scalars(
                    select(TranslationMemoryRow).where(
                        TranslationMemoryRow.workspace == self.workspace,
                        TranslationMemoryRow.source_lang == source_lang,
                        TranslationMemoryRow.target_lang == target_lang,
                        TranslationMemoryRow.source_hash.in_(keys[start : start + 500]),
                    )
                )
                for row in rows:
                    if row.source_text == hashes[row.source_hash]:
                        found[row.source_text] = row.target_text
        return found

    def store(self, source_lang: str, target_lang: str, pairs: dict[str, str]) -> None:
        with self.db.session() as s:
            for source, target in pairs.items():
                key = (self.workspace, source_lang, target_lang, text_hash(source))
                row = s.get(TranslationMemoryRow, key)
                if row is None:
                    s.add(
                        TranslationMemoryRow(
                            workspace=self.workspace,
                            source_lang=source_lang,
                            target_lang=target_lang,
                            source_hash=key[3],
                            source_text=source,
                            target_text=target,
                        )
                    )
                else:
                    row.target_text = target

"""Translate a stored map into another language as a stored map linked to its source: the
first time a new map (a draft for the target team), afterwards a refresh that re-translates
only changed texts (translation memory) and keeps the target team's own edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.llm.job import LLMJob
from generator.translation.translate import TranslationResult, Translator
from knowledge.journey.review.repository import MapInfo, MapRepository
from knowledge.platform.errors import UserInputError
from knowledge.translation.glossary import Glossary
from knowledge.translation.memory import TranslationMemory


@dataclass
class Translated:
    info: MapInfo
    result: TranslationResult
    refreshed: bool
    orphaned: list[str]

    def summary(self) -> dict[str, Any]:
        r = self.result
        return {
            "map_id": self.info.id,
            "version": self.info.head,
            "refreshed": self.refreshed,
            "texts_sent": r.sent,
            "texts_from_memory": r.reused,
            "characters_sent": r.chars_sent,
            "glossary_misses": [m.as_dict() for m in r.glossary_misses],
            "orphaned": self.orphaned,
        }


def translation_source(repo: MapRepository, workspace: str, map_id: str, lang: str) -> MapInfo:
    """The stored map to translate into ``lang``: it exists and is in another language."""
    source = repo.get(workspace, map_id)
    if source.language == lang:
        raise UserInputError(f"map {map_id} is already in {lang}")
    return source


def translate_map(
    repo: MapRepository,
    workspace: str,
    map_id: str,
    job: LLMJob,
    actor: str,
    glossary: Glossary | None = None,
    version: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Translated:
    source = translation_source(repo, workspace, map_id, job.lang)
    number = version or source.head
    content = repo.version(workspace, map_id, number).content
    translator = Translator(job, TranslationMemory(repo.db, workspace), glossary, progress)
    result = translator.translate(content, number)
    existing = next(
        (t for t in repo.translations(workspace, map_id) if t.language == job.lang), None
    )
    name = glossary.name if glossary else None
    if existing is None:
        info = repo.create(workspace, result.journey, actor, reason="translate")
        repo.set_link(workspace, info.id, map_id, number, name)
        return Translated(info, result, False, [])
    target = repo.get(workspace, existing.map_id)
    journey = result.journey.model_copy(update={"id": target.id})
    info, orphaned = repo.regenerate(
        workspace, target.id, target.head, journey, actor, reason="translate"
    )
    repo.set_link(workspace, info.id, map_id, number, name)
    return Translated(info, result, True, orphaned)

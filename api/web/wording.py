"""How the map page, the review panel and the exports word a map's values in the map's
language: its type and status, counts with their plural forms, numbers (Western digits, the
language's separators; ``knowledge.text.localise``), levels, evidence kinds, language names and
coverage warnings naming stages by their names in the map."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.web.labels import LABELS
from api.web.terms import (
    COUNTS,
    DIFF_FIELDS,
    DIFF_ITEMS,
    EVIDENCE_KINDS,
    LEVELS,
    MAP_TYPES,
    RECOMMENDATION_STATUSES,
    STATUSES,
)
from knowledge.journey.model import JourneyMap
from knowledge.journey.notices import coverage_warnings
from knowledge.journey.review.diff import Change
from knowledge.text.localise import counted, language_name, listed, number


def term(table: dict[str, dict[str, str]], value: str | None, lang: str) -> str:
    """``value``'s word in ``lang`` (English when the language has none); the value itself
    when no language names it, nothing for None."""
    if value is None:
        return ""
    words = table.get(lang) or table["en"]
    return words.get(value) or table["en"].get(value, value)


@dataclass(frozen=True)
class MapWords:
    lang: str
    stage_names: dict[str, str] = field(default_factory=dict)  # stage id -> name in the map

    @classmethod
    def of(cls, journey: JourneyMap) -> MapWords:
        return cls(journey.language, {s.id: s.name.text for s in journey.stages})

    def num(self, value: float, decimals: int | None = None) -> str:
        return number(value, self.lang, decimals)

    def signed(self, value: float) -> str:
        """An emotion score: its sign always shown, two decimals."""
        return ("+" if value >= 0 else "-") + number(abs(value), self.lang, 2)

    def count(self, what: str, n: float) -> str:
        """``n`` things of ``what`` (a key of ``terms.COUNTS``) in the plural form ``n`` takes."""
        return counted(n, COUNTS[what], self.lang)

    def listed(self, items: list[str]) -> str:
        """Items in a row, with the language's separator (Persian ، , Chinese 、)."""
        return listed(items, self.lang)

    def map_type(self, value: str) -> str:
        return term(MAP_TYPES, value, self.lang)

    def status(self, value: str | None) -> str:
        return term(STATUSES, value, self.lang)

    def rec_status(self, value: str) -> str:
        return term(RECOMMENDATION_STATUSES, value, self.lang)

    def level(self, value: str | None) -> str:
        return term(LEVELS, value, self.lang)

    def kind(self, value: str) -> str:
        return term(EVIDENCE_KINDS, value, self.lang)

    def language(self, code: str) -> str:
        return language_name(code, self.lang)

    def stage(self, stage_id: str) -> str:
        return self.stage_names.get(stage_id, stage_id)

    def warnings(self, journey: JourneyMap) -> list[str]:
        """The map's coverage warnings in its language (plain-text ones of older maps as
        written)."""
        return coverage_warnings(journey.coverage, self.lang, self.stage)

    def place(self, change: Change) -> str:
        """Where ``change`` is, in the map's language: stage «…» › pain point «…» › title."""
        labels = LABELS.get(self.lang, LABELS["en"])
        steps = []
        for step in change.trail:
            if step.name is not None:
                steps.append(f"{term(DIFF_ITEMS, step.key, self.lang)} «{step.name}»")
            elif step.key in labels:
                steps.append(labels[step.key])
            else:
                steps.append(term(DIFF_FIELDS, step.key, self.lang))
        return " › ".join(steps)

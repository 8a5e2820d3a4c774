"""Themes as a stored map shows them (pain point ``pp-<theme>``, delighter ``dl-<theme>``),
turned into the anchors a theme rule keeps."""

from __future__ import annotations

import re

from knowledge.journey.model import Delighter, JourneyMap, PainPoint
from knowledge.platform.errors import UserInputError
from knowledge.research.corrections.model import ThemeAnchor

_EMERGENT = re.compile(r"^e\d+$")


def theme_id(element_id: str) -> str:
    """``pp-delivery-late_delivery`` -> ``delivery-late_delivery`` (a theme id stays as it is)."""
    for prefix in ("pp-", "dl-"):
        if element_id.startswith(prefix):
            return element_id[len(prefix) :]
    return element_id


def anchors_from_map(journey: JourneyMap, element_ids: list[str]) -> list[ThemeAnchor]:
    """The anchor of each pain point or delighter named (by its map id or theme id)."""
    found: dict[str, ThemeAnchor] = {}
    for stage in journey.stages:
        elements: list[PainPoint | Delighter] = [*stage.pain_points, *stage.delighters]
        for element in elements:
            tid = theme_id(element.id)
            rest = tid[len(stage.id) + 1 :] if tid.startswith(stage.id + "-") else ""
            code = rest if rest and not _EMERGENT.match(rest) else None
            anchor = ThemeAnchor(
                tid, stage.id, code, tuple(r.evidence_id for r in element.evidence)
            )
            found[element.id] = anchor
            found[tid] = anchor
    out = []
    for name in element_ids:
        if name not in found:
            raise UserInputError(
                f"map {journey.id} has no pain point or delighter {name!r}; name them as the "
                "map does (pp-... or dl-...)"
            )
        out.append(found[name])
    return out

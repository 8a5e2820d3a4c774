"""Every element of a map, walked once: the title, each persona and its goals, frustrations and
quotes, each stage and its lanes, emotion, touchpoints, pain points, delighters, changes and
competitor notes, each recommendation, and every text inside them — in document order (the
order of the map's JSON), each with its kind and its readable path
(``knowledge.journey.review.paths``: list items that have an id are named by it, others by
position). The CSV export, the answers' elements, the translation fields and the map's health
take the map's elements from here; a diff names list items by their kinds (``ITEM_KINDS``).

The map's scope, framework, coverage, provenance and translation link describe the map; they
are not elements."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from knowledge.journey.model import EvidenceRef, JourneyMap, Stage, Text
from knowledge.vocabulary import PERSONA_LANES, STAGE_LANES

# the lists of a map whose items are elements, and the kind of each item; a stage lane's item
# is of the lane's kind (``actions``), a persona's goal of kind ``goal``
ITEM_KINDS: dict[str, str] = {
    "personas": "persona",
    **{lane: lane[:-1] for lane in PERSONA_LANES},
    "evidence": "quote",
    "stages": "stage",
    **{lane: lane for lane in STAGE_LANES},
    "touchpoints": "touchpoint",
    "pain_points": "pain_point",
    "delighters": "delighter",
    "changes": "change",
    "competitor_notes": "competitor_note",
    "recommendations": "recommendation",
}
# the map's fields that describe it rather than say something in its language
NOT_ELEMENTS = frozenset({"scope", "framework", "coverage", "provenance", "translation_of"})
# a field of an element that is not a list: a stage's emotion, else a text of the element
# (a pain point's title, a touchpoint's channel: kind ``text``); the map's own title is ``title``
FIELD_KINDS = {"emotion": "emotion"}


@dataclass(frozen=True)
class Element:
    kind: str  # persona, stage, actions, pain_point, quote, text, ... (``ITEM_KINDS``)
    path: str  # readable path: stages/delivery/pain_points/pp-delivery-1
    value: BaseModel  # the element itself (a Text for a text)
    stage: Stage | None = None  # the stage it is part of (a stage: itself)


def iter_elements(journey: JourneyMap) -> Iterator[Element]:
    """Every element of ``journey`` once, in document order, each before what it holds."""
    yield from _fields(journey, "", None)


def _fields(node: BaseModel, prefix: str, stage: Stage | None) -> Iterator[Element]:
    for name in type(node).model_fields:
        if not prefix and name in NOT_ELEMENTS:
            continue
        value = getattr(node, name)
        path = f"{prefix}/{name}" if prefix else name
        if isinstance(value, list):
            kind = ITEM_KINDS.get(name)
            if kind is None:  # ids, counts per language
                continue
            for n, item in enumerate(value):
                key = item.id if isinstance(getattr(item, "id", None), str) else str(n)
                yield from _element(kind, f"{path}/{key}", item, stage)
        elif isinstance(value, BaseModel):
            kind = "title" if path == "title" else FIELD_KINDS.get(name, "text")
            yield from _element(kind, path, value, stage)


def _element(kind: str, path: str, value: BaseModel, stage: Stage | None) -> Iterator[Element]:
    if isinstance(value, Stage):
        stage = value
    yield Element(kind, path, value, stage)
    if not isinstance(value, Text | EvidenceRef):
        yield from _fields(value, path, stage)


# the same elements in a map's JSON form
QUOTE_KEYS = frozenset({"evidence_id", "quote", "lang", "kind", "translation"})


def is_text(node: Any) -> bool:
    """Whether ``node`` is a text of a map in JSON form (``{"text": ..., "origin": ...}``)."""
    return isinstance(node, dict) and set(node) == {"text", "origin"}


def is_quote(node: Any) -> bool:
    """Whether ``node`` is an evidence reference (a quote) of a map in JSON form."""
    return isinstance(node, dict) and set(node) == QUOTE_KEYS

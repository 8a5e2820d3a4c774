"""The texts of a map that a translation changes, addressed by the map's readable paths, and
the skeleton (everything else) that a translation must leave as it was."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from knowledge.journey.elements import is_quote, is_text, iter_elements
from knowledge.journey.model import EvidenceRef, JourneyMap, Text


@dataclass(frozen=True)
class TextField:
    path: str
    source: str
    kind: Literal["text", "quote"]
    source_lang: str


def translatable(content: dict[str, Any], target: str) -> list[TextField]:
    """Every text of the map and every quote not already in ``target``, in document order
    (``knowledge.journey.elements``)."""
    journey = JourneyMap.model_validate(content)
    out: list[TextField] = []
    for e in iter_elements(journey):
        if isinstance(e.value, Text) and e.value.text.strip():
            out.append(TextField(e.path, e.value.text, "text", journey.language))
        elif isinstance(e.value, EvidenceRef) and e.value.lang != target and e.value.quote.strip():
            out.append(TextField(f"{e.path}/translation", e.value.quote, "quote", e.value.lang))
    return out


def skeleton(content: dict[str, Any]) -> dict[str, Any]:
    """The map without what a translation may change: texts, quote translations, its id,
    language, provenance and link to its source."""
    doc = copy.deepcopy(content)

    def blank(node: Any) -> None:
        if is_text(node):
            node["text"] = ""
            node["origin"] = ""
        elif is_quote(node):
            node["translation"] = None
            for value in node.values():
                blank(value)
        elif isinstance(node, dict):
            for value in node.values():
                blank(value)
        elif isinstance(node, list):
            for item in node:
                blank(item)

    for key in ("id", "language", "provenance", "translation_of", "title"):
        doc.pop(key, None)
    blank(doc)
    return doc

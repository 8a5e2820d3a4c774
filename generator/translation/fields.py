"""The texts of a map that a translation changes, addressed by the map's readable paths, and
the skeleton (everything else) that a translation must leave as it was."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

# fields that describe the map rather than say something in its language
NOT_TRANSLATED = {"provenance", "framework", "scope", "coverage", "translation_of"}


@dataclass(frozen=True)
class TextField:
    path: str
    source: str
    kind: Literal["text", "quote"]
    source_lang: str


def is_text(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == {"text", "origin"}


def is_quote(node: Any) -> bool:
    return isinstance(node, dict) and "quote" in node and "translation" in node


def _walk(node: Any, path: str, lang: str, target: str, out: list[TextField]) -> None:
    if is_text(node):
        if node["text"].strip():
            out.append(TextField(path, node["text"], "text", lang))
        return
    if is_quote(node):
        if node["lang"] != target and node["quote"].strip():
            out.append(TextField(f"{path}/translation", node["quote"], "quote", node["lang"]))
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if not path and key in NOT_TRANSLATED:
                continue
            _walk(value, f"{path}/{key}" if path else key, lang, target, out)
    elif isinstance(node, list):
        for n, item in enumerate(node):
            name = item["id"] if isinstance(item, dict) and isinstance(item.get("id"), str) else n
            _walk(item, f"{path}/{name}", lang, target, out)


def translatable(content: dict[str, Any], target: str) -> list[TextField]:
    """Every text of the map and every quote not already in ``target``, in document order."""
    out: list[TextField] = []
    _walk(content, "", content["language"], target, out)
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

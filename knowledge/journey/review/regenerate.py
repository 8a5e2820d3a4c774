"""Regenerating a map keeps what people did: every text a person edited (origin ``human``) and
every locked element is carried into the new draft at the same path. What no longer has a place
in the new draft is reported, never silently dropped."""

from __future__ import annotations

import copy
from typing import Any

from knowledge.journey.review.paths import PathError, assign, resolve, split, walk_texts


def _parent_list(doc: dict[str, Any], path: str) -> list[Any] | None:
    parts = split(path)
    try:
        parent = resolve(doc, "/".join(parts[:-1])) if len(parts) > 1 else None
    except PathError:
        return None
    return parent if isinstance(parent, list) else None


def carry_over(
    old: dict[str, Any], new: dict[str, Any], locked: list[str]
) -> tuple[dict[str, Any], list[str], list[str]]:
    """(merged content, paths kept, paths that found no place in the new draft)."""
    merged = copy.deepcopy(new)
    kept: list[str] = []
    orphaned: list[str] = []
    for path in locked:
        try:
            value = resolve(old, path)
        except PathError:
            continue
        try:
            assign(merged, path, copy.deepcopy(value))
            kept.append(path)
        except PathError:
            parent = _parent_list(merged, path)
            if parent is not None and isinstance(value, dict) and "id" in value:
                parent.append(copy.deepcopy(value))
                kept.append(path)
            else:
                orphaned.append(path)
    for path, text in walk_texts(old):
        if text["origin"] != "human" or any(path.startswith(p) for p in locked):
            continue
        try:
            resolve(merged, path)
            assign(merged, path, dict(text))
            kept.append(path)
        except PathError:
            orphaned.append(path)
    return merged, kept, orphaned

"""Addressing one element of a map by a readable path that survives regeneration: list items
that have an id are named by it, others by position.

    title
    stages/delivery/pain_points/pp-delivery-1/title
    stages/delivery/actions/0
    recommendations/rec-2/kpi
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from knowledge.journey.elements import is_quote, is_text
from knowledge.platform.errors import UserInputError


class PathError(UserInputError):
    """A path names nothing in the map."""


def split(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        raise PathError("empty path")
    return parts


def _child(node: Any, key: str, path: str) -> Any:
    if isinstance(node, dict):
        if key not in node:
            raise PathError(f"{path}: no field {key!r}")
        return node[key]
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and item.get("id") == key:
                return item
        if key.isdigit() and int(key) < len(node):
            return node[int(key)]
        raise PathError(f"{path}: no element {key!r}")
    raise PathError(f"{path}: {key!r} is inside a plain value")


def resolve(doc: dict[str, Any], path: str) -> Any:
    node: Any = doc
    for key in split(path):
        node = _child(node, key, path)
    return node


def assign(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set the element at ``path`` (its parent must exist)."""
    parts = split(path)
    parent = doc
    for key in parts[:-1]:
        parent = _child(parent, key, path)
    last = parts[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise PathError(f"{path}: no field {last!r}")
        parent[last] = value
        return
    if isinstance(parent, list):
        for n, item in enumerate(parent):
            if isinstance(item, dict) and item.get("id") == last:
                parent[n] = value
                return
        if last.isdigit() and int(last) <= len(parent):
            if int(last) == len(parent):
                parent.append(value)
            else:
                parent[int(last)] = value
            return
    raise PathError(f"{path}: cannot set {last!r}")


def _walk(
    node: Any, prefix: str, found: Callable[[Any], bool]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """A document under edit (a map, or a part of one, in JSON form, not necessarily valid
    yet): every node ``found`` picks, with its path. A valid map's elements, with what they
    are: ``knowledge.journey.elements.iter_elements``."""
    if found(node):
        yield prefix, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{prefix}/{k}" if prefix else k, found)
    elif isinstance(node, list):
        for n, item in enumerate(node):
            key = item["id"] if isinstance(item, dict) and "id" in item else str(n)
            yield from _walk(item, f"{prefix}/{key}", found)


def walk_texts(node: Any, prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every Text field with its path."""
    return list(_walk(node, prefix, is_text))


def walk_quotes(node: Any, prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every evidence reference (quote) with its path."""
    return list(_walk(node, prefix, is_quote))

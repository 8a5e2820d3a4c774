"""Readable differences between two versions of a map: which stage, which pain point, which
field, old -> new. List items with ids are matched by id, so reordering is not a change.

Where a change is, is kept as data (``Change.trail``: fields and named items), so a page can
word it in the map's language; ``Change.label`` is its English wording for the JSON API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from knowledge.journey.elements import ITEM_KINDS, is_text

# a list item as a change names it: stage «Delivery», pain point «Late»
KINDS = {key: kind.replace("_", " ") for key, kind in ITEM_KINDS.items()}


@dataclass(frozen=True)
class Step:
    """One step to a change: a field (``name`` None), or an item of the list under ``key``
    (``stages``, ``pain_points``, ...) named ``name``."""

    key: str
    name: str | None = None

    def english(self) -> str:
        return self.key if self.name is None else f"{KINDS.get(self.key, self.key)} «{self.name}»"


Trail = tuple[Step, ...]


@dataclass(frozen=True)
class Change:
    path: str
    kind: Literal["changed", "added", "removed"]
    trail: Trail
    old: Any
    new: Any

    @property
    def label(self) -> str:
        """E.g. stage «Delivery» › pain point «Late» › title."""
        return " › ".join(step.english() for step in self.trail)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "label": self.label,
            "old": self.old,
            "new": self.new,
        }


def _name(item: dict[str, Any]) -> str:
    for key in ("name", "title", "action"):
        value = item.get(key)
        if isinstance(value, dict) and is_text(value):
            return str(value["text"])
    return str(item.get("id", ""))


def _plain(value: Any) -> Any:
    return value["text"] if is_text(value) else value


def diff(old: Any, new: Any, path: str = "", trail: Trail = ()) -> list[Change]:
    if is_text(old) and is_text(new):
        if old["text"] == new["text"]:
            return []
        return [Change(path, "changed", trail, old["text"], new["text"])]
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[Change] = []
        for key in old.keys() | new.keys():
            if key in ("provenance",):
                continue
            sub = f"{path}/{key}" if path else key
            sub_trail = (*trail, Step(key))
            if key not in new:
                out.append(Change(sub, "removed", sub_trail, _plain(old[key]), None))
            elif key not in old:
                out.append(Change(sub, "added", sub_trail, None, _plain(new[key])))
            else:
                out += _list_or_value(old[key], new[key], sub, sub_trail, key)
        return sorted(out, key=lambda c: c.path)
    if old != new:
        return [Change(path, "changed", trail, _plain(old), _plain(new))]
    return []


def _list_or_value(old: Any, new: Any, path: str, trail: Trail, key: str) -> list[Change]:
    if not (isinstance(old, list) and isinstance(new, list)):
        return diff(old, new, path, trail)
    with_ids = all(isinstance(x, dict) and "id" in x for x in old + new)
    if not with_ids:
        if [_plain(x) for x in old] == [_plain(x) for x in new]:
            return []
        return [Change(path, "changed", trail, [_plain(x) for x in old], [_plain(x) for x in new])]
    base = trail[:-1]  # the list's own key becomes its item: stage «Delivery»
    before = {x["id"]: x for x in old}
    after = {x["id"]: x for x in new}
    out: list[Change] = []
    for item_id in before.keys() | after.keys():
        item = after.get(item_id) or before[item_id]
        item_trail = (*base, Step(key, _name(item)))
        sub = f"{path}/{item_id}"
        if item_id not in after:
            out.append(Change(sub, "removed", item_trail, _name(before[item_id]), None))
        elif item_id not in before:
            out.append(Change(sub, "added", item_trail, None, _name(after[item_id])))
        else:
            out += diff(before[item_id], after[item_id], sub, item_trail)
    return out

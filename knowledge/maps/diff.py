"""Readable differences between two versions of a map: which stage, which pain point, which
field, old -> new. List items with ids are matched by id, so reordering is not a change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from knowledge.maps.paths import is_text

KINDS = {
    "stages": "stage",
    "pain_points": "pain point",
    "delighters": "delighter",
    "personas": "persona",
    "recommendations": "recommendation",
    "touchpoints": "touchpoint",
}


@dataclass(frozen=True)
class Change:
    path: str
    kind: Literal["changed", "added", "removed"]
    label: str  # e.g. stage «Delivery» › pain point «Late» › title
    old: Any
    new: Any

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


def diff(old: Any, new: Any, path: str = "", label: str = "") -> list[Change]:
    if is_text(old) and is_text(new):
        if old["text"] == new["text"]:
            return []
        return [Change(path, "changed", label, old["text"], new["text"])]
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[Change] = []
        for key in old.keys() | new.keys():
            if key in ("provenance",):
                continue
            sub = f"{path}/{key}" if path else key
            sub_label = f"{label} › {key}" if label else key
            if key not in new:
                out.append(Change(sub, "removed", sub_label, _plain(old[key]), None))
            elif key not in old:
                out.append(Change(sub, "added", sub_label, None, _plain(new[key])))
            else:
                out += _list_or_value(old[key], new[key], sub, sub_label, key)
        return sorted(out, key=lambda c: c.path)
    if old != new:
        return [Change(path, "changed", label, _plain(old), _plain(new))]
    return []


def _list_or_value(old: Any, new: Any, path: str, label: str, key: str) -> list[Change]:
    if not (isinstance(old, list) and isinstance(new, list)):
        return diff(old, new, path, label)
    with_ids = all(isinstance(x, dict) and "id" in x for x in old + new)
    if not with_ids:
        if [_plain(x) for x in old] == [_plain(x) for x in new]:
            return []
        return [Change(path, "changed", label, [_plain(x) for x in old], [_plain(x) for x in new])]
    kind = KINDS.get(key, key)
    base = label.rsplit(" › ", 1)[0] if " › " in label else ""
    before = {x["id"]: x for x in old}
    after = {x["id"]: x for x in new}
    out: list[Change] = []
    for item_id in before.keys() | after.keys():
        item = after.get(item_id) or before[item_id]
        item_label = (f"{base} › " if base else "") + f"{kind} «{_name(item)}»"
        sub = f"{path}/{item_id}"
        if item_id not in after:
            out.append(Change(sub, "removed", item_label, _name(before[item_id]), None))
        elif item_id not in before:
            out.append(Change(sub, "added", item_label, None, _name(after[item_id])))
        else:
            out += diff(before[item_id], after[item_id], sub, item_label)
    return out

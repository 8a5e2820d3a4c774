"""What a person calls an element of a map, in the map's language: a comment on
``stages/delivery/pain_points/pp-delivery-1`` is about «Delivery › Courier is late», not about
its path. Items with an id go by their name, title or action; list items by their words."""

from __future__ import annotations

from typing import Any

from api.web.labels import LABELS
from knowledge.journey.elements import is_text
from knowledge.journey.review.paths import PathError, resolve, split
from knowledge.text.segment import clip

SEPARATOR = " › "
LONGEST = 60  # characters of an unnamed item's own words
# fields whose words the page shows under another name; the lanes use the map's headings
FIELDS = {
    "en": {"title": "Map title", "description": "Description", "scope": "Scope",
           "product": "Product", "segment": "Segment", "goal": "Goal", "channel": "Channel"},
    "fa": {"title": "عنوان نقشه", "description": "توضیح", "scope": "دامنه", "product": "محصول",
           "segment": "بخش مشتریان", "goal": "هدف", "channel": "کانال"},
    "ru": {"title": "Название карты", "description": "Описание", "scope": "Охват",
           "product": "Продукт", "segment": "Сегмент", "goal": "Цель", "channel": "Канал"},
    "th": {"title": "ชื่อแผนที่", "description": "คำอธิบาย", "scope": "ขอบเขต",
           "product": "ผลิตภัณฑ์", "segment": "กลุ่มลูกค้า", "goal": "เป้าหมาย", "channel": "ช่องทาง"},
    "zh": {"title": "地图标题", "description": "描述", "scope": "范围", "product": "产品",
           "segment": "客户群", "goal": "目标", "channel": "渠道"},
}  # fmt: skip
HEADINGS = {"owner_team": "owner", "evidence": "quotes"}  # a field shown under a page heading
# lists whose items are named on their own (a stage by its name, a pain point by its title)
NAMED_ITEMS = {"stages", "personas", "pain_points", "delighters", "touchpoints"}
# fields that name the item they belong to: nothing to add
ITEM_NAMES = {"name", "title", "action", "label"}


def _short(text: str) -> str:
    return clip(" ".join(text.split()), LONGEST)


def _item_name(item: Any) -> str | None:
    if is_text(item):
        return _short(str(item["text"]))
    if isinstance(item, dict):
        for key in ("name", "title", "action", "text"):
            value: Any = item.get(key)
            if is_text(value):
                return _short(str(value["text"]))
        if isinstance(item.get("quote"), str):
            return f"“{_short(item['quote'])}”"
    if isinstance(item, str):
        return _short(item)
    return None


def element_name(content: dict[str, Any], path: str) -> str:
    """The element at ``path`` of a map (its JSON) as its names joined by ›; the path itself
    when it names nothing (any more)."""
    lang = content.get("language", "en")
    headings = LABELS.get(lang, LABELS["en"])
    fields = FIELDS.get(lang, FIELDS["en"])
    try:
        parts = split(path)
        names: list[str] = []
        parent: Any = content
        for n, key in enumerate(parts):
            node = resolve(content, "/".join(parts[: n + 1]))
            if isinstance(parent, list):
                name = _item_name(node)
                if name:
                    names.append(name)
            elif key in NAMED_ITEMS:
                pass
            elif key in ITEM_NAMES and n > 0:
                pass
            elif n == 0 and key == "title":
                names.append(fields["title"])
            elif key in fields:
                names.append(fields[key])
            else:
                names.append(headings.get(HEADINGS.get(key, key), key))
            parent = node
    except PathError:
        return path
    return SEPARATOR.join(names) or path


def element_names(content: dict[str, Any], paths: list[str]) -> dict[str, str]:
    return {p: element_name(content, p) for p in paths}


def selectable(texts: dict[str, Any]) -> list[str]:
    """The paths a person can select on the page: every text's path and the items holding it
    (a stage, a pain point, a recommendation ...)."""
    paths: dict[str, None] = {}
    for path in texts:
        parts = path.split("/")
        for n in range(1, len(parts) + 1):
            paths["/".join(parts[:n])] = None
    return list(paths)

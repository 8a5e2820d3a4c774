"""Written notes (competitor write-ups, research memos) in Markdown or plain text: what is about
the note is context, what the note says is evidence.

A note's YAML front matter, its title (the first heading, or a first line that metadata lines
follow), the metadata lines under it (``**Автор:** …``, ``**تاریخ:** …``, ``Date: …``, an
italic disclaimer) become the document's metadata; headings become each section's name in its
location (``section``: the heading path under the title, ``Ordering › Fees``); a table's header
row becomes its rows' ``columns``. None of them is evidence, so none of them is quoted. Table
rules (``|---|---|``) and horizontal rules are formatting and are dropped. Every kept line is
kept verbatim, and a segment's ``line`` is the line its text starts on. A date among the
metadata (``**Дата:** 20.10.2026``, ``date: 2026-10-20``) that reads as one dates the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from knowledge.platform.bounded_yaml import load as load_yaml
from knowledge.research.readers.base import Segment
from knowledge.research.readers.fields import parse_date

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# a line that is bold and nothing else (``**5. 售后**``) heads what follows it
_BOLD_LINE = re.compile(r"^\s*(?:\*\*(?P<a>[^*\n]{1,100})\*\*|__(?P<b>[^_\n]{1,100})__)\s*$")
_BOLD_KEY = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)(?P<key>[^*_:：\n]{1,40}?)\s*"
    r"(?:[:：]\s*(?:\*\*|__)|(?:\*\*|__)\s*[:：])\s*(?P<value>.*?)\s*$"
)
_PLAIN_KEY = re.compile(r"^\s*(?P<key>[^\s:：#*|>\-][^:：\n]{0,30}?)\s*[:：]\s*(?P<value>.+?)\s*$")
_ITALIC_LINE = re.compile(r"^\s*(?:\*(?P<a>[^*\n]+)\*|_(?P<b>[^_\n]+)_)\s*$")
_FENCE = re.compile(r"^(?:---|\+\+\+)\s*$")
_FENCE_END = re.compile(r"^(?:---|\.\.\.|\+\+\+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
MAX_FRONT_MATTER_LINES = 200
# metadata keys that date a note: their value, read as a date, is the note's typed ``date``
DATE_KEYS = frozenset(("date", "created", "дата", "تاریخ", "วันที่", "日期"))
# keys a plain ``key: value`` line must have to count as metadata (a bold key always counts)
METADATA_KEYS = frozenset(
    (
        "author",
        "authors",
        "by",
        "prepared by",
        "date",
        "created",
        "updated",
        "method",
        "methods",
        "methodology",
        "scope",
        "sample",
        "source",
        "sources",
        "version",
        "status",
        "team",
        "tags",
        "market",
        "period",
        "نویسنده",
        "نویسندگان",
        "تاریخ",
        "روش",
        "محدوده",
        "منبع",
        "منابع",
        "نسخه",
        "وضعیت",
        "تیم",
        "بازار",
        "دوره",
        "автор",
        "авторы",
        "подготовил",
        "подготовила",
        "дата",
        "метод",
        "методика",
        "охват",
        "выборка",
        "источник",
        "источники",
        "версия",
        "статус",
        "команда",
        "теги",
        "рынок",
        "период",
        "ผู้เขียน",
        "ผู้จัดทำ",
        "วันที่",
        "วิธีการ",
        "ขอบเขต",
        "แหล่งข้อมูล",
        "ที่มา",
        "เวอร์ชัน",
        "สถานะ",
        "ทีม",
        "ตลาด",
        "ช่วงเวลา",
        "作者",
        "撰写",
        "日期",
        "方法",
        "范围",
        "样本",
        "来源",
        "版本",
        "状态",
        "团队",
        "标签",
        "市场",
        "周期",
    )
)


@dataclass
class Note:
    meta: dict[str, Any] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)  # dates and times


def _metadata_line(line: str) -> tuple[str, str] | None:
    """(key, value) when ``line`` is a metadata line of a note's preamble."""
    if m := _BOLD_KEY.match(line):
        return m.group("key").strip(), m.group("value")
    if (m := _PLAIN_KEY.match(line)) and m.group("key").casefold() in METADATA_KEYS:
        return m.group("key").strip(), m.group("value")
    if m := _ITALIC_LINE.match(line):
        return "note", (m.group("a") or m.group("b")).strip()
    return None


def _front_matter(lines: list[str], meta: dict[str, Any]) -> int:
    """Read a leading ``---`` block into ``meta``; the index of the first line after it."""
    if not lines or not _FENCE.match(lines[0]):
        return 0
    end = next(
        (
            i
            for i in range(1, min(len(lines), MAX_FRONT_MATTER_LINES))
            if _FENCE_END.match(lines[i])
        ),
        None,
    )
    if end is None:
        return 0
    block = lines[1:end]
    try:
        value = load_yaml("\n".join(block))
    except yaml.YAMLError:
        value = None
    if isinstance(value, dict):
        meta.update({str(k): _plain(v) for k, v in value.items()})
    else:
        for line in block:
            if (m := _PLAIN_KEY.match(line)) is not None:
                meta[m.group("key").strip()] = m.group("value")
    return end + 1


def _preamble(lines: list[str], start: int, markdown: bool, meta: dict[str, Any]) -> int:
    """Take the title and the metadata lines under it into ``meta``; the index of the first
    line of the note's body."""
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines):
        return i
    heading = _HEADING.match(lines[i]) if markdown else None
    if heading is not None:
        # a first-level heading is the title (unless front matter gave one); any other starts
        # the first section
        if len(heading.group(1)) > 1 or "title" in meta:
            return i
        meta["title"] = heading.group(2)
        i += 1
    elif _metadata_line(lines[i]) is None:
        # a plain first line is a title only when metadata lines follow it
        after = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
        if after is None or _metadata_line(lines[after]) is None:
            return start
        meta.setdefault("title", lines[i].strip())
        i += 1
    body = i
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        found = _metadata_line(lines[i])
        if found is None:
            break
        key, value = found
        meta[key] = f"{meta[key]}\n{value}" if key in meta and key == "note" else value
        i += 1
        body = i
    return body


def _date(meta: dict[str, Any]) -> None:
    """Type the note's date: ISO ``date`` when a date key reads as one; a ``date`` that does
    not is kept as ``date_raw`` (a typed value is expected under ``date``)."""
    found = next(
        (d for k, v in meta.items() if k.casefold() in DATE_KEYS and (d := parse_date(v))), None
    )
    if "date" in meta and meta["date"] != found:
        meta["date_raw"] = meta.pop("date")
    if found is not None:
        meta["date"] = found


@dataclass
class _Section:
    path: list[tuple[int, str]] = field(default_factory=list)  # (level, heading)
    columns: str | None = None
    buf: list[tuple[int, str]] = field(default_factory=list)  # (line number, line)

    def name(self) -> str | None:
        return " › ".join(h for _, h in self.path) or None

    def enter(self, level: int, heading: str) -> None:
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, heading))


def _body_segments(lines: list[str], start: int) -> list[Segment]:
    segments: list[Segment] = []
    section = _Section()

    def flush() -> None:
        while section.buf and not section.buf[-1][1].strip():
            section.buf.pop()
        if section.buf:
            loc: dict[str, Any] = {"line": section.buf[0][0]}
            if (name := section.name()) is not None:
                loc["section"] = name
            if section.columns is not None:
                loc["columns"] = section.columns
            segments.append(Segment("\n".join(line for _, line in section.buf), loc))
        section.buf = []

    for n in range(start, len(lines)):
        line = lines[n]
        table_row = _TABLE_ROW.match(line) is not None
        if section.columns is not None and not table_row:
            flush()
            section.columns = None
        heading = _HEADING.match(line)
        bold = _BOLD_LINE.match(line)
        if heading is not None or bold is not None:
            flush()
            if heading is not None:
                section.enter(len(heading.group(1)), heading.group(2))
            elif bold is not None:
                section.enter(7, (bold.group("a") or bold.group("b")).strip())
            continue
        if table_row and n + 1 < len(lines) and _TABLE_RULE.match(lines[n + 1]):
            flush()  # a table's header row names its columns
            section.columns = " | ".join(c.strip() for c in line.strip().strip("|").split("|"))
            continue
        if _TABLE_RULE.match(line) or _RULE.match(line):
            continue
        if not section.buf and not line.strip():
            continue
        section.buf.append((n + 1, line))
    flush()
    return segments


def read_note(text: str, markdown: bool) -> Note:
    """A note's metadata and its segments of evidence."""
    lines = text.splitlines()
    note = Note()
    start = _front_matter(lines, note.meta) if markdown else 0
    start = _preamble(lines, start, markdown, note.meta)
    _date(note.meta)
    if markdown:
        note.segments = _body_segments(lines, start)
    elif start == 0:
        note.segments = [Segment(text, {})] if text.strip() else []
    else:
        while start < len(lines) and not lines[start].strip():
            start += 1
        body = "\n".join(lines[start:])
        note.segments = [Segment(body, {"line": start + 1})] if body.strip() else []
    return note

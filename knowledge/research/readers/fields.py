"""Records (table rows, JSON objects) to documents: which field is the text, which the id,
and which known fields become typed metadata (rating, label, date, channel)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from knowledge.platform.errors import BadFileError
from knowledge.research.readers.base import ParsedDocument, ReadOptions, Segment
from knowledge.text.normalize import unify_digits

TEXT_FIELDS = (
    "text",
    "comment",
    "comments",
    "review",
    "review_text",
    "content",
    "body",
    "message",
    "feedback",
    "answer",
    "response",
    "verbatim",
    "description",
    "note",
    "notes",
    "remark",
    "متن",
    "نظر",
    "پیام",
    "توضیحات",
    "текст",
    "отзыв",
    "комментарий",
    "сообщение",
    "ข้อความ",
    "รีวิว",
    "ความคิดเห็น",
    "评论",
    "内容",
    "评价",
    "留言",
    "文本",
)
ID_FIELDS = (
    "id",
    "review_id",
    "response_id",
    "ticket_id",
    "record_id",
    "comment_id",
    "message_id",
    "uuid",
    "key",
    "شناسه",
    "ид",
    "รหัส",
    "编号",
)
_META_ALIASES = {
    "rating": (
        "rating",
        "stars",
        "star",
        "score",
        "nps",
        "grade",
        "امتیاز",
        "оценка",
        "рейтинг",
        "คะแนน",
        "评分",
        "星级",
    ),
    "label": (
        "label",
        "sentiment",
        "polarity",
        "class",
        "category_label",
        "برچسب",
        "метка",
        "ป้ายกำกับ",
        "标签",
    ),
    "date": (
        "date",
        "created",
        "created_at",
        "submitted_at",
        "timestamp",
        "time",
        "datetime",
        "tarikh",
        "تاریخ",
        "дата",
        "วันที่",
        "日期",
        "时间",
    ),
    "channel": (
        "channel",
        "platform",
        "source_channel",
        "store",
        "کانال",
        "канал",
        "ช่องทาง",
        "渠道",
    ),
}


def _norm_key(key: str) -> str:
    return key.strip().casefold().replace(" ", "_").replace("-", "_")


def pick_field(keys: Sequence[str], wanted: str | None, candidates: Sequence[str]) -> str | None:
    """The key matching ``wanted`` (exactly, then case-insensitively) or the first candidate."""
    normalized = {_norm_key(k): k for k in keys}
    if wanted is not None:
        if wanted in keys:
            return wanted
        return normalized.get(_norm_key(wanted))
    for cand in candidates:
        if cand in normalized:
            return normalized[cand]
    return None


def _longest_text_field(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> str | None:
    best, best_len = None, 0.0
    sample = rows[:200]
    for key in keys:
        values = [v for r in sample if isinstance(v := r.get(key), str) and v.strip()]
        if len(values) < max(1, len(sample) // 3):
            continue
        mean = sum(len(v) for v in values) / len(values)
        letters = sum(ch.isalpha() for v in values for ch in v) / max(1, sum(map(len, values)))
        if letters > 0.4 and mean > best_len:
            best, best_len = key, mean
    return best if best_len >= 8 else None


def parse_rating(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*(?:/\s*\d+)?\s*", unify_digits(value))
        if m:
            return float(m.group(1).replace(",", "."))
        stars = value.count("★")
        if stars and set(value.strip()) <= {"★", "☆"}:
            return float(stars)
    return None


_DATE_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), (1, 2, 3)),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), (1, 2, 3)),
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), (3, 2, 1)),
)


def parse_date(value: Any) -> str | None:
    """ISO date (YYYY-MM-DD) from common date forms; Gregorian years only."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, str):
        return None
    text = unify_digits(value)
    for pattern, (yi, mi, di) in _DATE_PATTERNS:
        m = pattern.search(text)
        if m:
            try:
                d = date(int(m.group(yi)), int(m.group(mi)), int(m.group(di)))
            except ValueError:
                continue
            if 1900 <= d.year <= 2200:
                return d.isoformat()
    return None


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _where(location: dict[str, Any]) -> str:
    """A record's place in words: "sheet Reviews row 3", "row 2 (line 5)", "record 4"."""
    parts = [f"sheet {location['sheet']}"] if "sheet" in location else []
    for key in ("row", "record"):
        if key in location:
            parts.append(f"{key} {location[key]}")
    if "line" in location:
        parts.append(f"(line {location['line']})" if parts else f"line {location['line']}")
    return " ".join(parts) or "an earlier record"


def documents_from_records(
    rows: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    keys: Iterable[str],
    options: ReadOptions,
    path: str,
) -> tuple[list[ParsedDocument], int]:
    """Build one document per record; returns (documents, records skipped for empty text)."""
    keys = list(dict.fromkeys(keys))
    text_key = pick_field(keys, options.text_field, TEXT_FIELDS)
    if options.text_field is not None and text_key is None:
        raise BadFileError(
            path, f"no field named {options.text_field!r}; fields are: {', '.join(keys)}"
        )
    if text_key is None:
        text_key = _longest_text_field([r for _, r in rows], keys)
    if text_key is None:
        raise BadFileError(
            path,
            "cannot tell which field holds the text (fields: "
            f"{', '.join(keys)}); name it with text_field",
            field="text_field",
        )
    id_key = pick_field(keys, options.id_field, ID_FIELDS)
    if options.id_field is not None and id_key is None:
        raise BadFileError(
            path, f"no field named {options.id_field!r}; fields are: {', '.join(keys)}"
        )
    meta_keys = {
        name: pick_field([k for k in keys if k not in (text_key, id_key)], None, aliases)
        for name, aliases in _META_ALIASES.items()
    }
    documents: list[ParsedDocument] = []
    seen_ids: dict[str, str] = {}
    empty = 0
    for location, row in rows:
        raw = row.get(text_key)
        text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
        if not text.strip():
            empty += 1
            continue
        record_id = None
        if id_key is not None and row.get(id_key) not in (None, ""):
            record_id = str(row[id_key])
            if record_id in seen_ids:
                raise BadFileError(
                    path,
                    f"record id {record_id!r} appears twice ({seen_ids[record_id]} and "
                    f"{_where(location)}); ids must be unique within a file",
                )
            seen_ids[record_id] = _where(location)
        meta: dict[str, Any] = {
            str(k): _jsonable(v) for k, v in row.items() if k not in (text_key, id_key)
        }
        typed = {
            "rating": parse_rating(row.get(k)) if (k := meta_keys["rating"]) else None,
            "date": parse_date(row.get(k)) if (k := meta_keys["date"]) else None,
        }
        for name, value in typed.items():
            if value is not None:
                meta[name] = value
            elif name in meta:
                # a column of that very name whose value does not parse ("date": "yesterday"):
                # keep it, but not where a typed value is expected
                meta[f"{name}_raw"] = meta.pop(name)
        if (k := meta_keys["label"]) is not None and row.get(k) not in (None, ""):
            meta["label"] = str(row[k]).strip()
        if (k := meta_keys["channel"]) is not None and row.get(k) not in (None, ""):
            meta["channel"] = str(row[k]).strip()
        loc = dict(location)
        if record_id is not None:
            loc["record_id"] = record_id
        documents.append(
            ParsedDocument(
                segments=[Segment(text, {})],
                record_id=record_id,
                location=loc,
                meta=meta,
            )
        )
    return documents, empty

"""JSON Lines and JSON files of records."""

from __future__ import annotations

import json
from typing import Any

from knowledge.platform.errors import BadFileError
from knowledge.research.readers.base import ParsedDocument, ReadOptions
from knowledge.research.readers.fields import documents_from_records


def _object_rows(
    items: list[Any], path: str, where: str, numbers: list[int] | None = None
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    rows: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for index, item in enumerate(items, start=1):
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            number = numbers[index - 1] if numbers else index
            raise BadFileError(path, f"{where} {number} is not an object or a string")
        rows.append(({"record": index}, item))
    return rows


def read_jsonl(text: str, options: ReadOptions, path: str) -> tuple[list[ParsedDocument], int]:
    items: list[Any] = []
    lines: list[int] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise BadFileError(path, f"line {lineno} is not valid JSON: {exc.msg}") from exc
        lines.append(lineno)
    rows = _object_rows(items, path, "line", lines)
    for (loc, _), lineno in zip(rows, lines, strict=True):
        loc["line"] = lineno
    keys = [k for _, r in rows for k in r]
    return documents_from_records(rows, keys, options, path)


def _find_records(value: Any) -> tuple[list[Any], str | None] | None:
    """The list of records, and the key of the object that holds it (None: the top level)."""
    if isinstance(value, list):
        return value, None
    if isinstance(value, dict):
        # a list of objects first; failing that a list of strings ({"comments": ["…", "…"]})
        for kind in (dict, str):
            for k, v in value.items():
                if isinstance(v, list) and v and all(isinstance(x, kind) for x in v):
                    return v, k
    return None


_SPACE = " \t\n\r"


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def _list_at(text: str, key: str | None) -> int | None:
    """Where the records' list starts: the top level, or the value of ``key`` in the top-level
    object (the last one of that name, as ``json.loads`` keeps)."""
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if key is None:
        return pos
    found = None
    pos = _skip(text, pos + 1)  # past "{"
    while pos < len(text) and text[pos] != "}":
        name, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, _skip(text, pos) + 1)  # past ":"
        if name == key:
            found = pos
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
    return found


def _record_lines(text: str, key: str | None) -> list[int]:
    """The line each record of the list starts on."""
    decoder = json.JSONDecoder()
    start = _list_at(text, key)
    if start is None:
        return []
    lines: list[int] = []
    pos = _skip(text, start + 1)  # past "["
    while pos < len(text) and text[pos] != "]":
        lines.append(text.count("\n", 0, pos) + 1)
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
    return lines


def read_json(text: str, options: ReadOptions, path: str) -> tuple[list[ParsedDocument], int]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadFileError(path, f"not valid JSON at line {exc.lineno}: {exc.msg}") from exc
    found = _find_records(value)
    if found is None:
        if not isinstance(value, dict):
            raise BadFileError(path, "JSON holds no list of records")
        items, lines = [value], [text.count("\n", 0, _skip(text, 0)) + 1]
    else:
        items, lines = found[0], _record_lines(text, found[1])
    rows = _object_rows(items, path, "record")
    if len(lines) == len(rows):  # a record is located by the line it starts on
        for (loc, _), lineno in zip(rows, lines, strict=True):
            loc["line"] = lineno
    keys = [k for _, r in rows for k in r]
    return documents_from_records(rows, keys, options, path)

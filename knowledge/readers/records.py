"""JSON Lines and JSON files of records."""

from __future__ import annotations

import json
from typing import Any

from knowledge.errors import BadFileError
from knowledge.readers.base import ParsedDocument, ReadOptions
from knowledge.readers.fields import documents_from_records


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


def _find_records(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        # a list of objects first; failing that a list of strings ({"comments": ["…", "…"]})
        for kind in (dict, str):
            for v in value.values():
                if isinstance(v, list) and v and all(isinstance(x, kind) for x in v):
                    return v
    return None


def read_json(text: str, options: ReadOptions, path: str) -> tuple[list[ParsedDocument], int]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadFileError(path, f"not valid JSON at line {exc.lineno}: {exc.msg}") from exc
    items = _find_records(value)
    if items is None:
        if isinstance(value, dict):
            items = [value]
        else:
            raise BadFileError(path, "JSON holds no list of records")
    rows = _object_rows(items, path, "record")
    keys = [k for _, r in rows for k in r]
    return documents_from_records(rows, keys, options, path)

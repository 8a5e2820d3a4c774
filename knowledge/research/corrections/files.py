"""Label files: a researcher's labels in a spreadsheet (CSV, TSV, XLSX) or JSON lines, read into
the labels the store takes, and the store's labels written back in the same format.

A file names each piece of evidence by ``evidence_id`` or by ``record_id`` (the id the record
had at ingest: every customer turn of it), and gives a ``stage`` and/or ``code``, optionally
``not_evidence`` and a ``note``. Header names are case-insensitive and other columns (``text``,
``actor`` ... of an export) are ignored, so an export imports again as it is. Line numbers are
those a spreadsheet shows: the header is line 1 (JSON lines: line n is line n).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from knowledge.platform.errors import BadFileError
from knowledge.research.corrections.model import Correction
from knowledge.research.corrections.store import LabelIn
from knowledge.research.readers.archives import ArchiveLimits, check_archive
from knowledge.research.readers.tabular import MAX_XLSX_CELLS

FORMATS = ("csv", "tsv", "xlsx", "jsonl")
ID_COLUMNS = ("evidence_id", "record_id")
LABEL_COLUMNS = ("stage", "code", "not_evidence")
COLUMNS = (
    "evidence_id",
    "record_id",
    "stage",
    "code",
    "not_evidence",
    "note",
    "actor",
    "created_at",
    "text",
)
# a cell a spreadsheet would run as a formula (OWASP's triggers and their full-width forms)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TRUE = {"true", "1", "yes", "y"}
FALSE = {"false", "0", "no", "n", ""}


@dataclass(frozen=True)
class LabelFileLimits:
    """How big a label file may be: its bytes, its rows, one line (CSV), and what an XLSX may
    unpack to (the ingest archive limits)."""

    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 100_000
    max_line_chars: int = 100_000
    archive: ArchiveLimits = field(default_factory=ArchiveLimits)


@dataclass
class LabelFile:
    """The labels of a file with their line numbers, and (line, reason) of every row that
    could not be read as a label."""

    labels: list[tuple[int, LabelIn]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def label_format(name: str) -> str:
    """``csv``, ``tsv``, ``xlsx`` or ``jsonl`` from a file name (``.json`` counts as JSON
    lines); anything else is refused."""
    ext = Path(name).suffix.lower().lstrip(".")
    if ext == "json" or ext == "ndjson":
        ext = "jsonl"
    if ext not in FORMATS:
        raise BadFileError(
            name, f"a label file is .csv, .tsv, .xlsx or .jsonl, not {ext or 'extensionless'}"
        )
    return ext


def read_labels(path: Path, limits: LabelFileLimits | None = None) -> LabelFile:
    """The labels in the file at ``path``; a file that cannot be used at all raises
    ``BadFileError`` saying why (never another exception)."""
    limits = limits or LabelFileLimits()
    name = str(path)
    fmt = label_format(name)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise BadFileError(
                name, f"the file has {size:,} bytes, over the limit of {limits.max_bytes:,}"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise BadFileError(name, exc.strerror or str(exc)) from exc
    return parse_labels(data, name, fmt, limits)


def parse_labels(
    data: bytes, name: str, fmt: str, limits: LabelFileLimits | None = None
) -> LabelFile:
    """The labels in ``data`` (a file's bytes) in format ``fmt``."""
    limits = limits or LabelFileLimits()
    if len(data) > limits.max_bytes:
        raise BadFileError(
            name, f"the file has {len(data):,} bytes, over the limit of {limits.max_bytes:,}"
        )
    try:
        if fmt == "xlsx":
            rows = _xlsx_rows(data, name, limits)
        else:
            text = _text(data, name)
            rows = _jsonl_rows(text, name) if fmt == "jsonl" else _table_rows(text, fmt, limits)
        return _labels(rows, name, limits)
    except BadFileError:
        raise
    except csv.Error as exc:
        raise BadFileError(name, f"malformed {fmt.upper()}: {exc}") from exc
    except Exception as exc:  # a broken file must not end the run with a traceback
        raise BadFileError(
            name, f"not a readable {fmt} label file: {type(exc).__name__}: {exc}"
        ) from exc


# reading --------------------------------------------------------------------------------------
# a row: its line, then its cells by (lower-cased) column name, or the reason it is unreadable
Row = tuple[int, dict[str, Any] | str]


def _text(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFileError(
            name,
            f"not UTF-8 text (byte {exc.start:,} cannot be decoded); save the file as UTF-8 "
            "(in Excel: CSV UTF-8)",
        ) from exc
    if "\x00" in text:
        raise BadFileError(name, "binary data, not a text table")
    return text


def _keys(cells: Iterable[Any]) -> list[str]:
    return [_cell(h).strip().lower() for h in cells]


def _header(cells: Iterable[Any], name: str) -> list[str]:
    header = _keys(cells)
    named = [h for h in header if h]
    dupes = sorted({h for h in named if named.count(h) > 1})
    if dupes:
        raise BadFileError(name, f"duplicate columns in the header: {', '.join(dupes)}")
    return header


def _table_rows(text: str, fmt: str, limits: LabelFileLimits) -> Iterator[Row]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if fmt == "tsv" else (";" if ";" in first and "," not in first else ",")
    csv.field_size_limit(max(limits.max_line_chars, 131072))  # as ingest sets it
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    for line, record in enumerate(reader, start=1):
        if header is None:
            if not any(c.strip() for c in record):
                continue  # blank lines above the header
            header = _keys(record)
            yield line, {"\x00header": record}
            continue
        yield line, dict(zip(header, record, strict=False))


def _xlsx_rows(data: bytes, name: str, limits: LabelFileLimits) -> Iterator[Row]:
    from openpyxl import load_workbook

    check_archive(data, name if name.lower().endswith(".xlsx") else name + ".xlsx", limits.archive)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BadFileError(name, f"not a readable .xlsx workbook: {exc}") from exc
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row
        header: list[str] | None = None
        cells = 0
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells += len(values)
            if cells > MAX_XLSX_CELLS:
                raise BadFileError(
                    name, f"the sheet holds more than {MAX_XLSX_CELLS:,} cells; export it as CSV"
                )
            if header is None:
                if all(_cell(v).strip() == "" for v in values):
                    continue
                header = _keys(values)
                yield line, {"\x00header": list(values)}
                continue
            yield line, dict(zip(header, values, strict=False))
    finally:
        workbook.close()


def _jsonl_rows(text: str, name: str) -> Iterator[Row]:
    seen: list[str] = []
    rows: list[Row] = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError as exc:
            rows.append((line, f"not JSON: {exc}"))
            continue
        if not isinstance(value, dict):
            rows.append((line, f"not a JSON object but {type(value).__name__}"))
            continue
        lowered = {str(k).strip().lower(): v for k, v in value.items()}
        seen.extend(k for k in lowered if k not in seen)
        rows.append((line, lowered))
    if any(isinstance(r, dict) for _, r in rows):
        yield 0, {"\x00header": seen}
    yield from rows


def _formula_like(cell: str) -> bool:
    start = cell.lstrip()
    while start and unicodedata.category(start[0]) == "Cf":
        start = start[1:].lstrip()
    return cell.startswith(FORMULA_START) or start.startswith(FORMULA_START)


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet could run as a formula (a customer's quote, a record id from
    the data) gets an apostrophe in front; reading the file takes it off again."""
    return "'" + cell if _formula_like(cell) else cell


def _restore(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and _formula_like(cell[1:]) else cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a record id 123 that a spreadsheet turned into 123.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _labels(rows: Iterable[Row], name: str, limits: LabelFileLimits) -> LabelFile:
    out = LabelFile()
    header: list[str] | None = None
    count = 0
    for line, row in rows:
        if isinstance(row, str):
            out.problems.append((line, row))
            continue
        if "\x00header" in row:
            header = _header(row["\x00header"], name)
            missing = _missing(header)
            if missing:
                raise BadFileError(name, missing)
            continue
        cells = {k: _restore(_cell(v).strip()) for k, v in row.items() if k}
        if not any(cells.values()):
            continue  # an empty row
        count += 1
        if count > limits.max_rows:
            raise BadFileError(name, f"more than {limits.max_rows:,} label rows; split the file")
        label = _label(cells)
        if isinstance(label, str):
            out.problems.append((line, label))
        else:
            out.labels.append((line, label))
    if header is None:
        if out.problems:
            line, reason = out.problems[0]
            raise BadFileError(name, f"no labels: line {line}: {reason}")
        raise BadFileError(name, "empty: no header row and no labels")
    return out


def _missing(header: list[str]) -> str:
    if not any(c in header for c in ID_COLUMNS):
        return "no evidence_id or record_id column: a label file names each evidence by one"
    if not any(c in header for c in LABEL_COLUMNS):
        return "no stage, code or not_evidence column: a label file says what each evidence is"
    return ""


def _label(cells: Mapping[str, str]) -> LabelIn | str:
    evidence_id = cells.get("evidence_id", "")
    record_id = cells.get("record_id", "")
    if not (evidence_id or record_id):
        return "no evidence_id or record_id"
    flag = cells.get("not_evidence", "").lower()
    if flag not in TRUE | FALSE:
        return f"not_evidence is {cells['not_evidence']!r}; use true/false, 1/0 or yes/no"
    return LabelIn(
        evidence_id=evidence_id or None,
        record_id=None if evidence_id else record_id,
        stage=cells.get("stage") or None,
        code=cells.get("code") or None,
        not_evidence=flag in TRUE,
        note=cells.get("note", ""),
    )


# writing --------------------------------------------------------------------------------------
def label_rows(
    corrections: Iterable[Correction], texts: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """One row per label (theme rules are not labels and are left out)."""
    texts = texts or {}
    return [
        {
            "evidence_id": c.evidence_id or "",
            "record_id": c.record_id or "",
            "stage": c.stage or "",
            "code": c.code or "",
            "not_evidence": "true" if c.not_evidence else "false",
            "note": c.note,
            "actor": c.actor,
            "created_at": c.created_at.isoformat(),
            "text": texts.get(c.evidence_id or "", ""),
        }
        for c in corrections
        if c.action == "label"
    ]


def write_labels(
    corrections: Iterable[Correction],
    target: Path | IO[str] | IO[bytes],
    fmt: str,
    texts: Mapping[str, str] | None = None,
    extra: Mapping[str, Mapping[str, str]] | None = None,
) -> int:
    """Write the labels to a file or stream in ``fmt`` (the columns of ``COLUMNS``; ``texts``:
    evidence id -> its text; ``extra``: correction id -> more columns, e.g. a state); returns
    the rows written. XLSX needs a path or a binary stream, the others a path or text stream."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown label file format {fmt!r}")
    items = [c for c in corrections if c.action == "label"]
    rows = label_rows(items, texts)
    columns = list(COLUMNS)
    if extra:
        for c, row in zip(items, rows, strict=True):
            for key, value in extra.get(c.id, {}).items():
                row[key] = value
                if key not in columns:
                    columns.append(key)
    if fmt != "jsonl":
        rows = [{k: neutralise(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "labels"
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c, "") for c in columns])
        workbook.save(target)  # a path or a binary stream
        return len(rows)
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="") as stream:
            _write_text(rows, columns, stream, fmt)
    else:
        _write_text(rows, columns, target, fmt)  # type: ignore[arg-type]
    return len(rows)


def _write_text(rows: list[dict[str, Any]], columns: list[str], stream: IO[str], fmt: str) -> None:
    if fmt == "jsonl":
        for row in rows:
            item = {c: row.get(c, "") for c in columns}
            item["not_evidence"] = row["not_evidence"] == "true"
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(
        stream,
        fieldnames=columns,
        delimiter="\t" if fmt == "tsv" else ",",
        lineterminator="\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    writer.writerows(rows)

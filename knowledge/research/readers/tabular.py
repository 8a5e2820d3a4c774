"""CSV, TSV and Excel tables: a header row, then one record per row."""

from __future__ import annotations

import csv
import io
from typing import Any

from knowledge.platform.errors import BadFileError
from knowledge.research.readers.base import ParsedDocument, ReadOptions
from knowledge.research.readers.fields import documents_from_records

Rows = list[tuple[dict[str, Any], dict[str, Any]]]
MAX_XLSX_CELLS = 20_000_000


def _delimiter(text: str, extension: str) -> str:
    if extension == ".tsv":
        return "\t"
    sample = text[:20000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_csv(
    text: str, extension: str, options: ReadOptions, path: str
) -> tuple[list[ParsedDocument], int]:
    delimiter = _delimiter(text, extension)
    csv.field_size_limit(max(options.max_line_chars, 131072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    first_line = 1
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise BadFileError(path, "no header row")
        header = [h.strip() for h in header]
        if len(set(header)) != len(header):
            raise BadFileError(path, f"duplicate column names in the header: {header}")
        rows: Rows = []
        # a record is located by the line it starts on: a quoted field may run over several
        # lines, and the reader counts lines up to a record's end
        first_line = reader.line_num + 1
        for record in reader:
            start, first_line = first_line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise BadFileError(
                    path,
                    f"malformed table: row starting at line {start} has {len(record)} "
                    f"fields, the header has {len(header)}",
                )
            rows.append(
                ({"row": len(rows) + 1, "line": start}, dict(zip(header, record, strict=True)))
            )
    except csv.Error as exc:
        raise BadFileError(
            path, f"malformed CSV in the record starting at line {first_line}: {exc}"
        ) from exc
    return documents_from_records(rows, header, options, path)


def read_xlsx(data: bytes, options: ReadOptions, path: str) -> tuple[list[ParsedDocument], int]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise BadFileError(path, f"not a readable .xlsx workbook: {exc}") from exc
    rows: Rows = []
    keys: list[str] = []
    cells = 0
    try:
        for sheet in workbook.worksheets:
            # the declared size (A1:XFD1048576 in a hostile file) is not trusted: every row
            # would be padded to it; rows are as wide as their last cell instead
            sheet.reset_dimensions()
            it = sheet.iter_rows(values_only=True)
            header_row = next(it, None)
            if header_row is None:
                continue
            header = [
                str(h).strip() if h is not None else f"column_{i + 1}"
                for i, h in enumerate(header_row)
            ]
            for index, values in enumerate(it, start=2):
                cells += len(values)
                if cells > MAX_XLSX_CELLS:
                    raise BadFileError(
                        path,
                        f"the workbook holds more than {MAX_XLSX_CELLS:,} cells, empty ones "
                        "between filled ones included; export the sheet as CSV",
                    )
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                header += [f"column_{i + 1}" for i in range(len(header), len(values))]
                row = dict(zip(header, values, strict=False))
                rows.append(({"sheet": sheet.title, "row": index}, row))
            keys.extend(header)
    finally:
        workbook.close()
    if not keys:
        raise BadFileError(path, "the workbook has no rows")
    return documents_from_records(rows, keys, options, path)

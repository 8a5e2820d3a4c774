"""Pick the reader for a file by its extension and run it, turning every parser failure into a
``BadFileError`` with a reason: whatever a parser raises on a hostile file (lxml, zipfile,
openpyxl, pypdf internals) fails that file alone, never the batch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge.platform.errors import BadFileError, UnsupportedFormatError
from knowledge.research.readers.archives import ZIP_BASED, check_archive
from knowledge.research.readers.base import ParsedDocument, ReadOptions
from knowledge.research.readers.decoding import check_line_lengths, decode_text
from knowledge.research.readers.office import read_docx, read_pdf
from knowledge.research.readers.records import read_json, read_jsonl
from knowledge.research.readers.subtitles import read_subtitles
from knowledge.research.readers.tabular import read_csv, read_xlsx
from knowledge.research.readers.text import read_text

SUPPORTED_EXTENSIONS = (
    ".txt",
    ".md",
    ".markdown",
    ".csv",
    ".tsv",
    ".xlsx",
    ".jsonl",
    ".ndjson",
    ".json",
    ".docx",
    ".pdf",
    ".vtt",
    ".srt",
)
Result = tuple[list[ParsedDocument], int]
REASON_CHARS = 300


def read_file(path: Path, data: bytes, options: ReadOptions) -> Result:
    """Parse one file's bytes into documents; returns (documents, records skipped as empty)."""
    name = str(path)
    try:
        return _read(path, data, options)
    except (BadFileError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is this file's failure
        said = f"{type(exc).__name__}: {exc}"
        if len(said) > REASON_CHARS:
            said = said[:REASON_CHARS] + "…"
        raise BadFileError(
            name, f"not a readable {path.suffix.lower() or 'file'} file ({said})"
        ) from exc


def _read(path: Path, data: bytes, options: ReadOptions) -> Result:
    name = str(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise UnsupportedFormatError(
            name,
            f"unsupported format {ext or '(no extension)'}; ingest reads "
            + ", ".join(SUPPORTED_EXTENSIONS),
        )
    if not data.strip():
        raise BadFileError(name, "empty file")
    binary_readers: dict[str, Callable[[bytes, ReadOptions, str], Result]] = {
        ".xlsx": read_xlsx,
        ".docx": read_docx,
        ".pdf": read_pdf,
    }
    if ext in ZIP_BASED:
        check_archive(data, name, options.archive)
    if ext in binary_readers:
        docs, skipped = binary_readers[ext](data, options, name)
    else:
        text = decode_text(data, name, options.encoding)
        if not text.strip():
            raise BadFileError(name, "empty file")
        check_line_lengths(text, name, options.max_line_chars)
        if ext in (".csv", ".tsv"):
            docs, skipped = read_csv(text, ext, options, name)
        elif ext in (".jsonl", ".ndjson"):
            docs, skipped = read_jsonl(text, options, name)
        elif ext == ".json":
            docs, skipped = read_json(text, options, name)
        elif ext in (".vtt", ".srt"):
            docs, skipped = read_subtitles(text, options, name)
        else:
            docs, skipped = read_text(text, options, markdown=ext in (".md", ".markdown"))
    if not docs:
        raise BadFileError(name, "no text found to ingest")
    return docs, skipped

"""Word documents and PDFs (text layer only; scanned pages are refused, not OCR'd)."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from knowledge.platform.errors import BadFileError
from knowledge.research.readers.archives import RATIO_FLOOR, ArchiveLimits
from knowledge.research.readers.base import ParsedDocument, ReadOptions, Segment
from knowledge.research.readers.text import LINE_RECORD_KINDS, read_text


def read_docx(data: bytes, options: ReadOptions, path: str) -> tuple[list[ParsedDocument], int]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        said = re.sub(r"file '<[^>]*>' is", "it is", str(exc))
        raise BadFileError(path, f"not a readable .docx document: {said}") from exc
    # a note's headings (Title, Heading 1-9 styles) are written as Markdown headings, so the
    # note is read as one: headings become its sections' names, not evidence
    as_note = options.kind not in (*LINE_RECORD_KINDS, "interview") and any(
        _heading_level(p.style) for p in document.paragraphs
    )
    paragraphs = [
        f"{'#' * level} {p.text}" if as_note and (level := _heading_level(p.style)) else p.text
        for p in document.paragraphs
    ]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                paragraphs.append(" | ".join(dict.fromkeys(cells)))
    text = "\n".join(paragraphs)
    if not text.strip():
        raise BadFileError(path, "the document has no text")
    return read_text(text, options, markdown=as_note)


def _heading_level(style: Any) -> int:
    """1-6 for a paragraph in a Title or Heading style, else 0."""
    name = str(getattr(style, "name", "") or "")
    if name == "Title":
        return 1
    m = re.fullmatch(r"Heading (\d)", name)
    return min(int(m.group(1)), 6) if m else 0


def check_pdf_streams(reader: Any, size: int, path: str, limits: ArchiveLimits) -> None:
    """A PDF's page streams are compressed: refuse one whose pages unpack past the archive
    limits (a small file whose text extraction would churn through gigabytes)."""
    total = 0
    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        unpacked = len(contents.get_data()) if contents is not None else 0
        total += unpacked
        if unpacked > RATIO_FLOOR and unpacked > limits.max_ratio * size:
            raise BadFileError(
                path,
                f"page {number} unpacks to {unpacked:,} bytes, over {limits.max_ratio:,} times "
                "the file's size (CJM_MAX_ARCHIVE_RATIO); a decompression bomb?",
            )
        if total > limits.max_bytes:
            raise BadFileError(
                path,
                f"the pages unpack to more than {limits.max_bytes:,} bytes "
                "(CJM_MAX_ARCHIVE_BYTES); a decompression bomb or a PDF too big to read",
            )


def read_pdf(data: bytes, options: ReadOptions, path: str) -> tuple[list[ParsedDocument], int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        check_pdf_streams(reader, len(data), path, options.archive)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise BadFileError(path, f"not a readable PDF: {exc}") from exc
    if not any(p.strip() for p in pages):
        raise BadFileError(
            path, "the PDF has no text layer (scanned images?); run OCR first and ingest the text"
        )
    if options.kind == "interview":
        docs, skipped = read_text("\n".join(pages), options, markdown=False)
        return docs, skipped
    segments = [Segment(p, {"page": i}) for i, p in enumerate(pages, start=1) if p.strip()]
    return [ParsedDocument(segments)], 0

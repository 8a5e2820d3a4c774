"""Zip-based formats (.docx, .xlsx) are checked before a parser opens them: a small file that
unpacks to gigabytes (a zip bomb) or holds a flood of entries is refused with the limit it broke.

The sizes come from the zip's central directory. Python's ``zipfile`` (which python-docx and
openpyxl read through) never inflates an entry past the size the directory declares — it stops
there and fails the CRC check — so the declared sizes bound what parsing can unpack.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from knowledge.platform.errors import BadFileError

# the zip-based formats ingest reads, and what a broken one is called
ZIP_BASED = {".docx": "a readable .docx document", ".xlsx": "a readable .xlsx workbook"}
# small entries compress wildly (a run of empty cells); the ratio matters only for big ones
RATIO_FLOOR = 1 << 20


@dataclass(frozen=True)
class ArchiveLimits:
    max_bytes: int = 256 * 1024 * 1024
    max_entries: int = 10_000
    max_ratio: int = 200


def check_archive(data: bytes, path: str, limits: ArchiveLimits) -> None:
    """Raise ``BadFileError`` naming the setting whose limit the archive is over."""
    ext = path[path.rfind(".") :].lower()
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        said = f"not {ZIP_BASED.get(ext, 'a readable zip package')}: {exc}"
        raise BadFileError(path, said) from exc
    if len(entries) > limits.max_entries:
        raise BadFileError(
            path,
            f"the package holds {len(entries):,} entries, over the limit of "
            f"{limits.max_entries:,} (CJM_MAX_ARCHIVE_ENTRIES)",
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        if total > limits.max_bytes:
            raise BadFileError(
                path,
                f"the package unpacks to more than {limits.max_bytes:,} bytes "
                "(CJM_MAX_ARCHIVE_BYTES); a zip bomb or an export too big to read",
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
            raise BadFileError(
                path,
                f"entry {entry.filename!r} unpacks {ratio:,.0f} times its packed size, over the "
                f"limit of {limits.max_ratio:,} (CJM_MAX_ARCHIVE_RATIO); a zip bomb?",
            )

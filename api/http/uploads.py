"""Uploaded research files: read within the upload limit, named in the job by the name they
were uploaded with (never a server path), and written under a safe, short name where a worker
ingests them."""

from __future__ import annotations

import re

from fastapi import UploadFile

from api.http.problems import TooLarge

CHUNK = 1 << 20
MAX_NAME_BYTES = 120  # well under the 255 bytes file systems allow, multi-byte names included


def uploaded_name(name: str | None) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    return base.strip() or "upload"


def safe_name(name: str) -> str:
    """A file name that is safe on any file system and at most ``MAX_NAME_BYTES`` bytes long;
    the extension (which picks the reader) is kept."""
    base = re.sub(r"[^\w.\-]+", "_", uploaded_name(name), flags=re.UNICODE).strip("._")
    base = base or "upload"
    stem, dot, ext = base.rpartition(".")
    if not dot or len(ext.encode()) > 16:
        stem, ext = base, ""
    room = MAX_NAME_BYTES - len(ext.encode()) - 1
    stem = stem.encode()[:room].decode("utf-8", errors="ignore").rstrip("._") or "upload"
    return f"{stem}.{ext}" if ext else stem


def read_uploads(files: list[UploadFile], limit: int) -> list[tuple[str, bytes]]:
    """Each upload's name as uploaded and its content; 413 once they pass ``limit`` bytes."""
    total = 0
    read: list[tuple[str, bytes]] = []
    for upload in files:
        parts: list[bytes] = []
        while chunk := upload.file.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise TooLarge(f"the upload is over the limit of {limit} bytes")
            parts.append(chunk)
        read.append((uploaded_name(upload.filename), b"".join(parts)))
    return read

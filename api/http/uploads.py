"""Uploaded research files on disk: each stored under the job's folder by a safe, short name,
and named in the job's result by the name it was uploaded with, never by its server path."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import UploadFile

from api.http.problems import TooLarge
from knowledge.platform.errors import LibraryError

CHUNK = 1 << 20
MAX_NAME_BYTES = 120  # well under the 255 bytes file systems allow, multi-byte names included


class UploadNotStored(LibraryError):
    """The server could not write an upload to its disk."""


@dataclass(frozen=True)
class StoredUpload:
    path: Path  # on the server
    name: str  # as uploaded (without any folders the client put in it)


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


def store(files: list[UploadFile], folder: Path, limit: int) -> list[StoredUpload]:
    """Write the uploads under ``folder``; on any failure nothing is left behind."""
    total = 0
    stored: list[StoredUpload] = []
    try:
        for n, upload in enumerate(files):
            place = folder / f"{n:03d}"
            place.mkdir(parents=True, exist_ok=True)
            path = place / safe_name(upload.filename or "upload")
            with path.open("wb") as sink:
                while chunk := upload.file.read(CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise TooLarge(f"the upload is over the limit of {limit} bytes")
                    sink.write(chunk)
            stored.append(StoredUpload(path, uploaded_name(upload.filename)))
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise UploadNotStored(f"the upload could not be stored: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return stored


def public_summary(summary: dict[str, Any], uploads: list[StoredUpload], folder: Path) -> Any:
    """The ingest summary with every server path replaced by the file's uploaded name."""
    names = {str(u.path): u.name for u in uploads}
    prefix = str(folder)

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, str):
            if value in names:
                return names[value]
            for path, name in names.items():
                value = value.replace(path, name)
            return value.replace(prefix, "…")
        return value

    return clean(summary)

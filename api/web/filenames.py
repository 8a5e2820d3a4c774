"""Download file names for a map: the title in its own script, safe on any file system and in
an HTTP header. Control characters, bidirectional controls (a right-to-left override would make
``exe.pdf`` read as ``fdp.exe``), other invisible format characters and path separators are
removed; ZWNJ and ZWJ stay (Persian and Indic words need them); the name is bounded in UTF-8
bytes so every file system takes it. ``content_disposition`` adds an ASCII-only fallback
(RFC 6266) beside the UTF-8 name (RFC 5987)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

KEEP_FORMAT = {"\u200c", "\u200d"}  # ZWNJ, ZWJ: part of how Persian is written
DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}  # controls, bidi and other format chars, surrogates
SPACES = {"Zl", "Zp", "Zs"}
NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|]+')  # path separators and what Windows refuses
ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10))} | {
    f"LPT{n}" for n in range(1, 10)
}
MAX_STEM_BYTES = 150  # with the version and extension, well under the usual 255
MAX_NAME_BYTES = 200


def _visible(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if ch in KEEP_FORMAT:
            out.append(ch)
        elif category in SPACES or ch in "\t\n\r\x0b\x0c\x85":
            out.append(" ")
        elif category not in DROPPED:
            out.append(ch)
    return "".join(out)


def _bounded(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", "ignore")


def stem(title: str, fallback: str = "map", limit: int = MAX_STEM_BYTES) -> str:
    """A file name stem from any text: the text itself as far as it is safe, at most ``limit``
    bytes in UTF-8."""
    text = NOT_IN_NAMES.sub(" ", _visible(title))
    text = re.sub(r"\s+", " ", text)
    text = _bounded(text, limit).strip(" .-\u200c\u200d")
    if not text:
        return fallback if title == fallback else stem(fallback)
    if text.split(".")[0].upper() in WINDOWS_RESERVED:
        text = f"{text}_"
    return text


def download_name(
    title: str, extension: str, version: int | None = None, fallback: str = "map"
) -> str:
    suffix = f" v{version}" if version else ""
    return f"{stem(title, fallback)}{suffix}.{extension}"


def ascii_fallback(name: str) -> str:
    """The name in safe ASCII for clients that ignore ``filename*``; ``map`` when little of the
    title is ASCII."""
    base, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    base = re.sub(r"\s+", " ", ASCII_UNSAFE.sub(" ", base)).strip(" ._-")
    if not re.search("[A-Za-z0-9]", re.sub(r"(^| )v\d+$", "", base)):
        base = f"map {base}".strip()
    return f"{base}{dot}{ASCII_UNSAFE.sub('', extension)}"


def content_disposition(name: str) -> str:
    """``attachment`` with both names, for any ``name``; every byte of it is printable ASCII."""
    base, dot, extension = name.rpartition(".")
    extension = ASCII_UNSAFE.sub("", extension)[:10] if dot else ""
    safe = stem(base if dot else name, limit=MAX_NAME_BYTES)
    safe += f".{extension}" if extension else ""
    encoded = quote(safe, safe="")
    return f"attachment; filename=\"{ascii_fallback(safe)}\"; filename*=UTF-8''{encoded}"

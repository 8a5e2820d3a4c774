"""Bytes to text, strictly: UTF-8 (with or without BOM) or UTF-16 with a BOM.

Anything else is refused with a reason that names the likely legacy encoding (windows-1256,
windows-1251, GB18030, TIS-620) and how to ingest it, instead of storing mojibake as quotes.
"""

from __future__ import annotations

import codecs

from knowledge.errors import BadFileError
from knowledge.languages import script_of

# (codec, script its text should be in, how users call it)
_LEGACY = (
    ("cp1256", "arabic", "windows-1256 (Persian/Arabic)"),
    ("cp1251", "cyrillic", "windows-1251 (Cyrillic)"),
    ("gb18030", "han", "GB18030 (Chinese)"),
    ("tis_620", "thai", "TIS-620 (Thai)"),
)
# The most frequent letters of each script's main language: real text is full of them,
# mojibake (bytes decoded with the wrong table) is not.
_COMMON = {
    "arabic": frozenset("اینردهومتبلکسشیيكةعگخپزف"),
    "cyrillic": frozenset("оеаинтсрвлкмдпуяыьгзб"),
    "han": frozenset(
        "的一是不了人我在有他这中大来上个们到说和地也子时道出而要于就下得可你年生自会那后能对着事"
        "其里所去行过家十用发天如然作方成者多日都三小没好吃送菜饭点单店家外卖味道很太慢快钱"
    ),
    "thai": frozenset("านรอกงมเ่ยวดลสบ้ตทะิีัำไป"),
}


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def guess_legacy_encoding(data: bytes) -> tuple[str, str] | None:
    """The legacy codec whose decoding reads most like real text of its script, if any."""
    best: tuple[float, str, str] | None = None
    sample = data[:65536]
    for codec, script, label in _LEGACY:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        letters = [ch for ch in text if ord(ch) > 127 and script_of(ch) is not None]
        if not letters:
            continue
        in_script = sum(1 for ch in letters if script_of(ch) == script) / len(letters)
        common = sum(1 for ch in letters if ch in _COMMON[script]) / len(letters)
        # Chinese has thousands of characters: the common set covers a smaller share of them
        score = in_script * min(1.0, common * (2.5 if script == "han" else 1.0))
        if best is None or score > best[0]:
            best = (score, codec, label)
    if best is None or best[0] < 0.2:
        return None
    return best[1], best[2]


def decode_text(data: bytes, path: str, encoding: str | None = None) -> str:
    """Decode a text file or raise ``BadFileError`` saying why and what to do."""
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise BadFileError(path, f"cannot be decoded as {encoding}: {exc}") from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BadFileError(path, f"broken UTF-16 text: {exc}") from exc
    if looks_binary(data):
        raise BadFileError(path, "binary content (NUL bytes), not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = guess_legacy_encoding(data)
        hint = (
            f"; it looks like {guess[1]}: convert it to UTF-8 or ingest it with "
            f"--encoding {guess[0]}"
            if guess
            else "; convert it to UTF-8 or name its encoding with --encoding"
        )
        raise BadFileError(
            path, f"not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r}){hint}"
        ) from exc


def check_line_lengths(text: str, path: str, limit: int) -> None:
    """Refuse files with a line longer than ``limit`` characters (a runaway export)."""
    start = 0
    lineno = 1
    while True:
        end = text.find("\n", start)
        stop = len(text) if end < 0 else end
        if stop - start > limit:
            raise BadFileError(
                path,
                f"line {lineno} is {stop - start:,} characters long (limit {limit:,}); "
                "the file is probably not line-structured text",
            )
        if end < 0:
            return
        start = end + 1
        lineno += 1

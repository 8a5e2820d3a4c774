"""Bytes to text, strictly: UTF-8 (with or without BOM) or UTF-16 with a BOM.

Anything else is refused with a reason that names the legacy encoding it is written in
(windows-1256, windows-1251, KOI8-R, GB18030, Big5, TIS-620) and how to ingest it, instead of
storing mojibake as quotes. An encoding is only advised when its decoding reads as real text
of the language it serves: letters of one script, rich in that language's most frequent
letters, and detected as that language. When none does, the reason says so plainly.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from knowledge.platform.errors import BadFileError
from knowledge.text.languages import detect_language, script_of


@dataclass(frozen=True)
class Legacy:
    codec: str  # what to pass to --encoding
    lang: str  # the language its text must be detected as
    script: str
    label: str  # how users call it


_LEGACY = (
    Legacy("cp1256", "fa", "arabic", "windows-1256 (Persian/Arabic)"),
    Legacy("cp1251", "ru", "cyrillic", "windows-1251 (Russian)"),
    Legacy("koi8_r", "ru", "cyrillic", "KOI8-R (Russian)"),
    Legacy("gb18030", "zh", "han", "GB18030/GBK (simplified Chinese)"),
    Legacy("big5", "zh", "han", "Big5 (traditional Chinese)"),
    Legacy("cp874", "th", "thai", "TIS-620/windows-874 (Thai)"),
)
# The most frequent letters of each script's main language: real text is full of them,
# mojibake (bytes decoded with the wrong table) is not. Han: simplified and traditional forms.
_COMMON = {
    "arabic": frozenset("اینردهومتبلکسشیيكةعگخپزف"),
    "cyrillic": frozenset("оеаинтсрвлкмдпуяыьгзб"),
    "han": frozenset(
        "的一是不了人我在有他这中大来上个们到说和地也子时道出而要于就下得可你年生自会那后能对着事"
        "其里所去行过家十用发天如然作方成者多日都三小没好吃送菜饭点单店外卖味道很太慢快钱"
        "這來個們說時對會過發點單賣飯錢後還沒為與從當樣麼裡開見問題給員電買東務"
    ),
    "thai": frozenset("านรอกงมเ่ยวดลสบ้ตทะิีัำไป"),
}
# share of common letters real text of the script reaches (mojibake stays well below)
_COMMON_SHARE = {"arabic": 0.5, "cyrillic": 0.5, "han": 0.12, "thai": 0.5}
_MIN_LETTERS = {"arabic": 6, "cyrillic": 6, "han": 3, "thai": 6}
_IN_SCRIPT = 0.9
# legacy Windows Persian is typed with Arabic yeh and kaf; read it as Persian
_PERSIAN_FOLD = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})


def _mixed_case(words: list[str]) -> float:
    """Share of cased words with a capital after a small letter (``нМАМ``): wrong tables do that
    to Cyrillic, people do not."""
    cased = [w for w in words if any(ch.isupper() or ch.islower() for ch in w)]
    pairs = ((w, zip(w[:-1], w[1:], strict=True)) for w in cased)
    odd = sum(1 for _, p in pairs if any(a.islower() and b.isupper() for a, b in p))
    return odd / len(cased) if cased else 0.0


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def _thai_misspelt(text: str) -> float:
    """Share of Thai vowel and tone marks that sit where Thai spelling cannot put them (a mark
    after no consonant, a leading vowel before no consonant): wrong tables do that."""
    marks = bad = 0
    for prev, ch, nxt in zip(" " + text[:-1], text, text[1:] + " ", strict=True):
        if "\u0e40" <= ch <= "\u0e44":  # เ แ โ ใ ไ come before a consonant
            marks += 1
            bad += not "\u0e01" <= nxt <= "\u0e2e"
        elif unicodedata.category(ch) == "Mn" and script_of(ch) == "thai":
            marks += 1
            bad += not ("\u0e01" <= prev <= "\u0e2e" or unicodedata.category(prev) == "Mn")
    return bad / marks if marks else 0.0


def _soundness(text: str, legacy: Legacy) -> float | None:
    """How much ``text`` reads like real text of ``legacy``'s language; None if it is mojibake."""
    foreign = [w for w in text.split() if any(ord(ch) > 127 for ch in w)]
    words = " ".join(foreign)
    if legacy.script == "arabic":
        words = words.translate(_PERSIAN_FOLD)
    # letters, and the symbols a wrong table makes (punctuation such as ，and « is fine)
    high = [ch for ch in words if ord(ch) > 127 and unicodedata.category(ch)[0] not in "PZ"]
    in_script = [ch for ch in high if script_of(ch) == legacy.script]
    if len(in_script) < _MIN_LETTERS[legacy.script]:
        return None
    if len(in_script) / len(high) < _IN_SCRIPT:
        return None
    common = sum(1 for ch in in_script if ch in _COMMON[legacy.script]) / len(in_script)
    if common < _COMMON_SHARE[legacy.script] or _mixed_case(foreign) > 0.05:
        return None
    if legacy.script == "thai" and _thai_misspelt(words) > 0.05:
        return None
    if detect_language(words) != legacy.lang:
        return None
    return common / _COMMON_SHARE[legacy.script]


def guess_legacy_encoding(data: bytes) -> Legacy | None:
    """The legacy encoding whose decoding reads as real text of its language, if any does."""
    best: tuple[float, Legacy] | None = None
    sample = data[:65536]
    for legacy in _LEGACY:
        # a sample cut inside a multi-byte character must not rule the codec out
        text = sample.decode(legacy.codec, errors="replace")
        if text.count("\ufffd") > max(2, len(text) // 200):
            continue
        score = _soundness(text.replace("\ufffd", ""), legacy)
        if score is not None and (best is None or score > best[0]):
            best = (score, legacy)
    return None if best is None else best[1]


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 text with a few broken bytes (a cut or a damaged copy), not a legacy encoding."""
    text = data[:65536].decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    return sum(1 for ch in text if ord(ch) > 127) >= 10 * broken


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
        where = f"byte {exc.start}: {data[exc.start : exc.start + 1]!r}"
        if _mostly_utf8(data):
            raise BadFileError(
                path,
                f"UTF-8 text with invalid bytes (first at {where}); the file is damaged: "
                "repair or re-export it",
            ) from exc
        guess = guess_legacy_encoding(data)
        hint = (
            f"; it looks like {guess.label}: convert it to UTF-8 or ingest it with "
            f"encoding {guess.codec}"
            if guess
            else "; none of the legacy encodings we know ("
            + ", ".join(legacy.label.split(" (")[0] for legacy in _LEGACY)
            + ") reads it as Persian, Russian, Chinese or Thai text: convert it to UTF-8 "
            "or name its encoding with encoding"
        )
        raise BadFileError(path, f"not valid UTF-8 ({where}){hint}", field="encoding") from exc


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

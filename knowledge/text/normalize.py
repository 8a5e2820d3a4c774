"""Search-text normalisation.

The stored quote is always what the customer wrote; this module only builds the *search* text:
NFC, Arabic ي/ك/ى folded to Persian ی/ک, every digit system unified to ASCII digits, invisible
tag characters and stray direction marks removed. Persian ZWNJ (U+200C) is kept: it is part of
the spelling of words such as «می‌خواهم».

The *content* text is what gets embedded: the search text without transcript markers, with every
social-media handle written "@user" and every link "http", the usual normalisation for social
posts (as in TweetEval). The embedding model otherwise lets the addressee dominate short
posts: tweets to one airline looked alike whatever they complained of. Lexical search still
sees the handles and links.
"""

from __future__ import annotations

import re
import unicodedata

_DIGIT_BASES = (
    0x0660,  # Arabic-Indic ٠-٩
    0x06F0,  # Extended Arabic-Indic (Persian) ۰-۹
    0x0E50,  # Thai ๐-๙
    0xFF10,  # Fullwidth ０-９
    0x0966,  # Devanagari (appears in mixed feeds)
)

_FOLD: dict[int, str] = {0x064A: "\u06cc", 0x0649: "\u06cc", 0x0643: "\u06a9"}  # ي ى ك -> ی ک
for _base in _DIGIT_BASES:
    for _d in range(10):
        _FOLD[_base + _d] = str(_d)

# Unicode "tag" characters (U+E0000..U+E007F) can smuggle invisible text; bidi controls and
# zero-width spaces only get in the way of matching. ZWNJ (U+200C) and ZWJ (U+200D) stay.
_INVISIBLE = re.compile(
    "[\U000e0000-\U000e007f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u2060\u00ad]"
)

# Length-preserving digit map, used where character offsets must survive (PII spans).
_DIGITS_ONLY: dict[int, str] = {base + d: str(d) for base in _DIGIT_BASES for d in range(10)}


def unify_digits(text: str) -> str:
    """Map every supported digit system to ASCII digits, one character for one character."""
    return text.translate(_DIGITS_ONLY)


def strip_invisible(text: str) -> str:
    """Remove tag characters, bidi controls and zero-width spaces (never ZWNJ)."""
    return _INVISIBLE.sub("", text)


# ASCII handles only: Thai writes "@ห้วยขวาง" for "at Huai Khwang", which is content.
# An address such as a@b.com has a word character before its @ and is left alone.
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_][A-Za-z0-9_.\-]*(?<![.\-])")
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def content_text(search_text: str) -> str:
    """The search text without transcript markers (``[pause]``, ``(смеётся)``; see
    ``knowledge.text.hygiene``), with handles as "@user" and links as "http": what gets embedded."""
    from knowledge.text.hygiene import without_markers

    return _LINK.sub("http", _HANDLE.sub("@user", without_markers(search_text)))


def normalize_search_text(text: str) -> str:
    """The text that is embedded and tokenised for search (never shown as a quote)."""
    text = unicodedata.normalize("NFC", text)
    text = strip_invisible(text)
    return text.translate(_FOLD)


def language_text(search_text: str) -> str:
    """What the language is detected from: the text without links, handles and markers (a
    Thai post ending in a long URL is Thai)."""
    from knowledge.text.hygiene import without_markers

    return _LINK.sub(" ", _HANDLE.sub(" ", without_markers(search_text)))

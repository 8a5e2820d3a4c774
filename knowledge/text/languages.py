"""Language detection restricted to the languages the product serves.

The writing system decides most cases (Thai, Han, Cyrillic, Arabic script); py3langid, which
ships its model inside the package, separates Persian from Arabic and English from other
Latin-script languages. Anything outside fa/ru/th/zh/en is reported as ``"other"``.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from knowledge.vocabulary import LanguageCode

_PERSIAN_LETTERS = frozenset("پچژگیک")  # letters Arabic does not use
_ARABIC_ONLY = frozenset("ةيكى")  # common in Arabic, folded away in proper Persian
_NON_RUSSIAN_CYRILLIC = frozenset("іїєґўђјљњћџѓќѕ")
_LATIN_CANDIDATES = (
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "id",
    "ms",
    "tr",
    "vi",
    "pl",
    "sv",
    "da",
    "no",
    "fi",
    "cs",
    "ro",
    "hu",
    "tl",
)
_ARABIC_SCRIPT_CANDIDATES = ("fa", "ar", "ur", "ps", "ku")


def script_of(ch: str) -> str | None:
    """The writing system of one character, or None for non-letters."""
    cp = ord(ch)
    if 0x0E00 <= cp <= 0x0E7F:
        return "thai"
    if (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or (0x20000 <= cp <= 0x2FA1F)
    ):
        return "han"
    if 0x3040 <= cp <= 0x30FF:
        return "kana"
    if 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF:
        return "hangul"
    if 0x0400 <= cp <= 0x04FF:
        return "cyrillic"
    if (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0xFB50 <= cp <= 0xFDFF
        or (0xFE70 <= cp <= 0xFEFF)
    ):
        return "arabic" if ch.isalpha() else None
    if ch.isalpha() and cp < 0x0250:
        return "latin"
    if ch.isalpha():
        return "other"
    return None


HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
THAI = "\u0e00-\u0e7f"
_SCRIPT_PATTERNS = {
    "thai": re.compile(f"[{THAI}]"),
    "han": re.compile(f"[{HAN}]"),
    "kana": re.compile("[\u3040-\u30ff]"),
    "hangul": re.compile("[\uac00-\ud7af\u1100-\u11ff]"),
    "cyrillic": re.compile("[\u0400-\u04ff]"),
    "arabic": re.compile(
        "[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
    ),
    "latin": re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]"),
}


def script_counts(text: str) -> Counter[str]:
    """Letters per writing system (thai, han, kana, hangul, cyrillic, arabic, latin, other)."""
    counts: Counter[str] = Counter()
    for name, pattern in _SCRIPT_PATTERNS.items():
        n = len(pattern.findall(text))
        if n:
            counts[name] = n
    known = sum(counts.values())
    letters = sum(map(str.isalpha, text))
    if letters > known:
        counts["other"] = letters - known
    return counts


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=False)


def _best_of(text: str, candidates: tuple[str, ...]) -> str:
    ranked = _identifier().rank(text)
    allowed = set(candidates)
    for lang, _score in ranked:
        if lang in allowed:
            return str(lang)
    return candidates[0]


def detect_language(text: str) -> LanguageCode:
    """Detect fa/ru/th/zh/en (else ``"other"``) from the dominant writing system."""
    scripts = script_counts(text)
    if not scripts:
        return "other"
    script, count = scripts.most_common(1)[0]
    if script == "thai":
        return "th"
    if script == "han":
        # Japanese mixes kana into Han text; a little kana in Chinese text is rare.
        return "other" if scripts.get("kana", 0) > 0.1 * count else "zh"
    if script == "cyrillic":
        odd = sum(1 for ch in text.lower() if ch in _NON_RUSSIAN_CYRILLIC)
        return "other" if odd > max(1, 0.02 * count) else "ru"
    if script == "arabic":
        persian = sum(1 for ch in text if ch in _PERSIAN_LETTERS)
        arabic = sum(1 for ch in text if ch in _ARABIC_ONLY)
        if persian > arabic:
            return "fa"
        return "fa" if _best_of(text, _ARABIC_SCRIPT_CANDIDATES) == "fa" else "other"
    if script == "latin":
        if count < 12:  # too short to tell English from its neighbours: keep the common case
            return "en"
        return "en" if _best_of(text, _LATIN_CANDIDATES) == "en" else "other"
    return "other"

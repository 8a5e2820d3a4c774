"""Whether a text a model wrote is in the language asked for: most letters in that language's
script, and for longer texts the language detector agrees."""

from __future__ import annotations

from knowledge.text.languages import detect_language, script_counts

EXPECTED_SCRIPT = {"fa": "arabic", "ru": "cyrillic", "th": "thai", "zh": "han", "en": "latin"}
MIN_LETTERS = 4  # shorter texts (codes, brand names) are not judged
DETECT_FROM = 24  # letters from which the detector, not only the script, must agree


def in_language(text: str, lang: str) -> bool:
    """Whether ``text`` reads as ``lang``: most letters in its script, and for longer texts the
    detector agrees. Brand names and codes in another script are allowed in a minority."""
    counts = script_counts(text)
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return True
    expected = EXPECTED_SCRIPT.get(lang)
    if expected is None:
        return True
    if counts.get(expected, 0) * 2 < letters:
        return False
    if letters >= DETECT_FROM and lang in ("fa", "ru", "en"):
        # Same script, other language (Arabic for Persian, Ukrainian for Russian, ...).
        return detect_language(text) == lang
    return True

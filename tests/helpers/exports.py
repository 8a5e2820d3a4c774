"""Text read back from a PDF export, made comparable with what was written: ``readable`` drops
the bidi controls and the Arabic-script vowel marks that shaping moves."""

from __future__ import annotations

import re

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
# PDF text comes back in shaped order: an Arabic-script vowel mark may land beside its letter,
# and the lam-alef ligature (لا, one glyph) is read back as alef-lam. Everything else (letters,
# their order, ZWNJ, Thai marks) is compared exactly.
MARKS = re.compile("[\u064b-\u065f\u0670]")


def readable(text: str) -> str:
    return " ".join(MARKS.sub("", BIDI.sub("", text)).replace("لا", "ال").split())

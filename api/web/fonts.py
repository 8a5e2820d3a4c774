"""The fonts shipped with the project (``api/web/fonts``), as ``@font-face`` rules: linked for
the served review page, embedded (only the slices a page uses) for self-contained exports."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONTS = Path(__file__).resolve().parent / "fonts"
FACE = re.compile(
    r"font-family: '(?P<family>[^']+)';.*?font-weight: (?P<weight>\d+);.*?"
    r"src: url\(fonts/(?P<file>[^)]+)\).*?unicode-range: (?P<ranges>[^;]+);",
    re.S,
)
# Persian, Thai and Chinese each in its own family; emoji in colour before Noto Sans SC, whose
# slices also list emoji (drawn blank or in black) and after the Latin slices of the others, so
# digits and punctuation stay text; Latin and Cyrillic fall back to the system
STACK = (
    "'Vazirmatn', 'Noto Sans Thai', 'Noto Color Emoji', 'Noto Sans SC', "
    "system-ui, 'Segoe UI', Arial, sans-serif"
)
EMOJI = "Noto Color Emoji"
# In the emoji slices' ranges but no call for one on their own: digits, # and * (keycaps also
# carry U+20E3, which calls slice 2), Latin-1 signs the text fonts draw, the zero-width joiner
# and the emoji presentation selector (they follow an emoji that calls its slice).
CALLS_NO_EMOJI = frozenset((*range(0x100), 0x200D, 0xFE0F))


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    file: str
    ranges: tuple[tuple[int, int], ...]

    def covers(self, codepoints: set[int]) -> bool:
        return any(self.has(cp) for cp in codepoints)

    def has(self, codepoint: int) -> bool:
        return any(lo <= codepoint <= hi for lo, hi in self.ranges)

    def rule(self, src: str) -> str:
        ranges = ",".join(f"U+{lo:x}-{hi:x}" if lo != hi else f"U+{lo:x}" for lo, hi in self.ranges)
        return (
            f"@font-face{{font-family:'{self.family}';font-style:normal;font-display:swap;"
            f"font-weight:{self.weight};src:url({src}) format('woff2');unicode-range:{ranges};}}"
        )


def _ranges(text: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in text.split(","):
        part = part.strip().upper().removeprefix("U+")
        lo, _, hi = part.partition("-")
        out.append((int(lo, 16), int(hi or lo, 16)))
    return tuple(out)


@cache
def faces() -> tuple[Face, ...]:
    css = (FONTS / "fonts.css").read_text(encoding="utf-8")
    return tuple(
        Face(m["family"], int(m["weight"]), m["file"], _ranges(m["ranges"]))
        for m in FACE.finditer(css)
    )


def font_css(text: str, embed: bool, base_url: str = "fonts/") -> str:
    """``@font-face`` rules for the faces ``text`` needs. ``embed``: as data URLs (a file that
    works anywhere), else linked under ``base_url``."""
    used = {ord(ch) for ch in text}
    emoji_faces = [face for face in faces() if face.family == EMOJI]
    # an emoji is drawn by the emoji font, whichever other font lists it too
    emoji = {cp for cp in used - CALLS_NO_EMOJI if any(face.has(cp) for face in emoji_faces)}
    rules = []
    for face in faces():
        if not face.covers(emoji if face.family == EMOJI else used - emoji):
            continue
        if embed:
            data = base64.b64encode((FONTS / face.file).read_bytes()).decode("ascii")
            rules.append(face.rule(f"data:font/woff2;base64,{data}"))
        else:
            rules.append(face.rule(base_url + face.file))
    return "\n".join(rules)

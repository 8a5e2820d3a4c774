"""Paper for printed maps: landscape sheets by the map's locale (ISO A4 for fa, ru, th and zh,
US Letter for en) or as chosen, and the stage columns split into page groups that fit a sheet's
width, each group printed with the lane headings."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, TypeVar

from knowledge.platform.errors import UserInputError

PaperName = Literal["a4", "a3", "letter", "tabloid"]
MM_PER_INCH = 25.4
PX_PER_MM = 96 / MM_PER_INCH  # CSS pixels
MARGIN_MM = 10
FOOTER_MM = 6  # the page number under the margin
LANE_HEADING_PX = 110  # the lane headings' column on paper
MIN_STAGE_PX = 170  # narrowest stage column that still reads well at the print font size


@dataclass(frozen=True)
class Paper:
    """A landscape sheet: ``width_mm`` is the long side."""

    name: PaperName
    width_mm: float
    height_mm: float

    @property
    def printable_px(self) -> float:
        return (self.width_mm - 2 * MARGIN_MM) * PX_PER_MM

    @property
    def stages_per_page(self) -> int:
        return max(1, int((self.printable_px - LANE_HEADING_PX) // MIN_STAGE_PX))

    def page_css(self) -> str:
        return (
            f"@page {{ size: {self.width_mm}mm {self.height_mm}mm; "
            f"margin: {MARGIN_MM}mm {MARGIN_MM}mm {MARGIN_MM + FOOTER_MM}mm; }}"
        )


PAPERS: dict[str, Paper] = {
    "a4": Paper("a4", 297, 210),
    "a3": Paper("a3", 420, 297),
    "letter": Paper("letter", 11 * MM_PER_INCH, 8.5 * MM_PER_INCH),
    "tabloid": Paper("tabloid", 17 * MM_PER_INCH, 11 * MM_PER_INCH),
}
BY_LOCALE: dict[str, str] = {"en": "letter"}  # every other map language prints on ISO paper
T = TypeVar("T")


def paper_for(language: str, name: str | None = None) -> Paper:
    """The sheet ``name`` if given, else the one the map's language is printed on."""
    chosen = (name or BY_LOCALE.get(language, "a4")).lower()
    if chosen not in PAPERS:
        raise UserInputError(f"paper must be one of {', '.join(PAPERS)}, not {name!r}")
    return PAPERS[chosen]


def page_groups(stages: list[T], per_page: int) -> list[list[T]]:
    """The stages in consecutive groups of at most ``per_page``, as even as they can be (eight
    stages four to a page print 4 + 4, seven print 4 + 3; never 6 + 1 on a six-stage sheet)."""
    if not stages:
        return [[]]
    groups = math.ceil(len(stages) / per_page)
    size, extra = divmod(len(stages), groups)
    out, start = [], 0
    for g in range(groups):
        end = start + size + (1 if g < extra else 0)
        out.append(stages[start:end])
        start = end
    return out

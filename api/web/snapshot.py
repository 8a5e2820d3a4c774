"""A map as images: the whole page, as wide as its stage columns and as tall as its content (a
full-page capture, not a window's crop). A page taller than one image can be (Chromium draws at
most 16,384 px) is cut into numbered images, each cut in a gap between lines of text."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from api.web.devtools import Page

MAX_HEIGHT = 16_000  # px per image, under Chromium's 16,384 px limit
MIN_WIDTH = 900  # a section alone (one stage, the personas) is not stretched wider
# how far the page reaches: its width plus what the journey grid scrolls sideways
EXTENT = """(() => {
  const grids = [...document.querySelectorAll('.grid-wrap')];
  const wider = Math.max(0, ...grids.map(g => g.scrollWidth - g.clientWidth));
  const root = document.documentElement;
  return [root.scrollWidth + wider, root.scrollHeight];
})()"""
# the vertical extent of every line of text and every drawing, to cut between them
LINES = """(() => {
  const out = [], range = document.createRange();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    if (!walk.currentNode.textContent.trim()) continue;
    range.selectNodeContents(walk.currentNode);
    for (const r of range.getClientRects()) out.push([r.top + scrollY, r.bottom + scrollY]);
  }
  for (const e of document.querySelectorAll('svg, img')) {
    const r = e.getBoundingClientRect();
    out.push([r.top + scrollY, r.bottom + scrollY]);
  }
  return out;
})()"""


def cuts(lines: Sequence[tuple[float, float]], height: int, limit: int = MAX_HEIGHT) -> list[int]:
    """Where to cut a page ``height`` px tall into images of at most ``limit`` px: the
    y positions (0 first, ``height`` last), each in a gap between ``lines`` (top, bottom) where
    one exists in the lower half of the image, else at the limit."""
    spans = sorted((int(top), int(bottom) + 1) for top, bottom in lines if bottom > top)
    gaps: list[int] = []  # y positions no line crosses
    reach = 0
    for top, bottom in spans:
        if top > reach:
            gaps.append((reach + top) // 2)
        reach = max(reach, bottom)
    out = [0]
    while height - out[-1] > limit:
        start = out[-1]
        fits = [y for y in gaps if start + limit // 2 <= y <= start + limit]
        out.append(fits[-1] if fits else start + limit)
    out.append(height)
    return out


def to_pngs(html: str) -> list[bytes]:
    """The whole page as one PNG, or as several from top to bottom when it is too tall."""
    with Page(html, MIN_WIDTH, 800) as page:
        width, _ = page.evaluate(EXTENT)
        width = max(MIN_WIDTH, int(width))
        page.resize(width, 800)  # no sideways scrolling: every stage column in view
        width, height = (int(v) for v in page.evaluate(EXTENT))
        ys = cuts(page.evaluate(LINES), height)
        images = []
        for top, bottom in zip(ys, ys[1:], strict=False):
            page.resize(width, bottom - top)  # the window is the image: nothing else drawn
            page.evaluate(f"window.scrollTo(0, {top})")
            images.append(page.data("Page.captureScreenshot", format="png"))
        return images


def numbered_zip(images: list[bytes], name: str) -> bytes:
    """Images of one page, top to bottom, as ``name-01.png``, ``name-02.png``... in a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:  # PNG is compressed already
        for n, image in enumerate(images, 1):
            entry = zipfile.ZipInfo(f"{name}-{n:02d}.png", date_time=(2000, 1, 1, 0, 0, 0))
            z.writestr(entry, image)
    return buffer.getvalue()

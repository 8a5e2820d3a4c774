"""A map as PNG: the whole page (as tall as the document, as wide as every stage column), cut
into numbered images in a zip when it is taller than one image can be, or one section only.
Measured against the same page in Playwright (a dev dependency) driving Debian's Chromium."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest

from api.web.exports import ExportOptions, export_file
from api.web.render import render_html
from api.web.snapshot import MAX_HEIGHT, cuts
from knowledge.platform.errors import UserInputError
from tests.helpers.needs import require
from tests.helpers.realistic_map import realistic_map


def size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = require("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield b
        b.close()


def layout(browser: Any, html: str, width: int) -> dict[str, Any]:
    """The page at ``width``: its scroll height, the stage columns' extent, the grid's overflow."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.set_content(html)
    page.evaluate("document.fonts.ready")
    found: dict[str, Any] = page.evaluate(
        """() => {
        const heads = [...document.querySelectorAll('table.grid thead th')];
        const wrap = document.querySelector('.grid-wrap');
        return {
          height: document.documentElement.scrollHeight,
          left: Math.min(...heads.map(h => h.getBoundingClientRect().left)),
          right: Math.max(...heads.map(h => h.getBoundingClientRect().right)),
          columns: heads.length - 1,
          overflow: wrap.scrollWidth - wrap.clientWidth,
        };
    }"""
    )
    page.close()
    return found


def test_cuts_fall_between_lines_and_within_the_limit() -> None:
    lines = [(y, y + 18.0) for y in range(0, 10_000, 20)]  # a line every 20 px, 2 px apart
    ys = cuts(lines, 10_000, limit=3_000)
    assert ys[0] == 0 and ys[-1] == 10_000
    assert all(0 < b - a <= 3_000 for a, b in zip(ys, ys[1:], strict=False))
    assert all(y % 20 in (18, 19) for y in ys[1:-1])  # in the gap, not through a line
    assert cuts(lines, 2_000, limit=3_000) == [0, 2_000]
    assert cuts([(0, 10_000)], 10_000, limit=4_000) == [0, 4_000, 8_000, 10_000]  # no gap


@pytest.mark.parametrize("lang", ["th", "fa"])
def test_the_png_is_the_whole_map(lang: str, browser: Any, artifacts: Any) -> None:
    journey = realistic_map(lang)
    file = export_file(journey, "png")
    assert (file.media_type, file.extension) == ("image/png", "png")
    (artifacts / f"realistic-{lang}.png").write_bytes(file.body)
    width, height = size(file.body)
    page = layout(browser, render_html(journey, expand_quotes=True), width)
    assert page["columns"] == 8
    assert 0 <= page["left"] and page["right"] <= width  # every stage column in the image
    assert page["overflow"] == 0  # nothing scrolled out of sight
    assert height == page["height"] > 1200  # down to the coverage, not a window's crop


def test_a_map_taller_than_one_image_comes_as_numbered_pngs_in_a_zip(browser: Any) -> None:
    journey = realistic_map("ru")
    file = export_file(journey, "png")
    assert (file.media_type, file.extension) == ("application/zip", "zip")
    with zipfile.ZipFile(io.BytesIO(file.body)) as z:
        names = z.namelist()
        images = [z.read(n) for n in names]
    assert names == [f"Карта пути клиента доставка еды, Москва-{n:02d}.png" for n in (1, 2)]
    sizes = [size(png) for png in images]
    assert all(h <= MAX_HEIGHT for _, h in sizes) and len({w for w, _ in sizes}) == 1
    page = layout(browser, render_html(journey, expand_quotes=True), sizes[0][0])
    assert sum(h for _, h in sizes) == page["height"]  # together, the whole page


def test_one_section_as_an_image() -> None:
    require("chromium")
    journey = realistic_map("zh")
    stage = export_file(journey, "png", options=ExportOptions(section="delivery"))
    recs = export_file(journey, "png", options=ExportOptions(section="recommendations"))
    (w_stage, h_stage), (_, h_recs) = size(stage.body), size(recs.body)
    assert stage.media_type == "image/png" and h_recs < 1600 and h_stage > h_recs
    assert w_stage < 150 + 220 * 8  # one stage column, not the grid
    with pytest.raises(UserInputError, match="personas, journey, recommendations, coverage"):
        export_file(journey, "png", options=ExportOptions(section="checkout"))
    with pytest.raises(UserInputError, match="PDF exports only"):
        export_file(journey, "png", options=ExportOptions(paper="a4"))

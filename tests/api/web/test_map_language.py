"""Every word of a map's page and exports in the map's language: map type, status, levels,
evidence kinds, coverage and its warnings (worded from data, the stage by its name), the
places of a diff; counted phrases in the plural form CLDR gives (Russian one / few / many);
Western digits with the language's separators; customers' emoji, and an emoji-only title, drawn
in colour on the page, in the PDF and in the PNG. Screenshots are kept in CJM_TEST_ARTIFACTS."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from api.web.exports import ExportInfo, export_bytes, to_markdown
from api.web.fonts import font_css
from api.web.render import render_html
from api.web.wording import MapWords
from generator.drafting.wording import counted_phrase
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.diff import diff
from knowledge.journey.review.patches import FieldPatch
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings, get_settings
from knowledge.store import Database
from tests.helpers import scenario
from tests.helpers.browser import serving
from tests.helpers.maps import drafted
from tests.helpers.needs import require

# what the English page says about these values; none of it may show in a Thai or Persian map
ENGLISH = (
    "current_state", "Current state", "draft", "Draft", "rests on", "single source",
    "single language", "no customer evidence", "holds", "Coverage", "Warnings", "evidence",
    "unplaced", "mention", "not_started", "Not started", "medium", "high", "reviews",
    "pain point", "stage",
)  # fmt: skip


class _Visible(HTMLParser):
    """The text a reader sees: no markup, styles or scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("style", "script", "title")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def warned(lang: str, **changes: Any) -> JourneyMap:
    """The test map in ``lang`` with coverage warnings about its delivery stage, as the
    analysis makes them: data (notices) and their English wording."""
    data = drafted(lang).model_dump(mode="json")
    notices = [
        {"code": "single_source", "stage_id": "delivery", "source": "wongnai-2025.csv",
         "lang": None, "count": None, "total": None},
        {"code": "single_language", "stage_id": "delivery", "source": None, "lang": "th",
         "count": None, "total": None},
        {"code": "dominant_stage", "stage_id": "delivery", "source": None, "lang": "fa",
         "count": 21, "total": 25},
        {"code": "no_customer_evidence", "stage_id": "support", "source": None, "lang": None,
         "count": None, "total": None},
    ]  # fmt: skip
    data["coverage"]["notices"] = notices
    data["coverage"]["warnings"] = ["Stage “Delivery” rests on a single source (wongnai-2025.csv)."]
    for key, value in changes.items():
        data[key] = value
    return JourneyMap.model_validate(data)


@pytest.mark.parametrize(
    ("n", "evidence", "mentions"),
    [
        (1, "1 свидетельство", "1 упоминание"),
        (3, "3 свидетельства", "3 упоминания"),
        (5, "5 свидетельств", "5 упоминаний"),
        (21, "21 свидетельство", "21 упоминание"),
    ],
)
def test_a_russian_map_counts_in_the_right_plural_form(
    n: int, evidence: str, mentions: str
) -> None:
    data = drafted("ru").model_dump(mode="json")
    data["coverage"]["total_evidence"] = n
    data["stages"][0]["pain_points"][0]["frequency"] = n
    journey = JourneyMap.model_validate(data)
    page = visible(render_html(journey))
    assert "Черновик" not in page  # no status given, none shown
    assert f"Food delivery (test) · {evidence}" in page
    assert f"Покрытие {evidence} ·" in page
    assert f"{mentions} · тяжесть" in page
    markdown = to_markdown(journey)
    assert f"— {mentions}, тяжесть" in markdown and f"\n{evidence}; " in markdown
    # an evidence-only map's description of a pain point counts the same way
    described = counted_phrase("pain", "ru", n, langs="русский 2", severity="2,5")
    assert described.startswith(f"{mentions} (русский 2)")


def test_numbers_use_western_digits_and_the_languages_separators() -> None:
    # Russian groups with a no-break space, so 1 234,5 never breaks across lines
    for lang, expected in (("ru", "приоритет 1\u00a0234,5"), ("fa", "اولویت 1,234.5")):
        data = drafted(lang).model_dump(mode="json")
        data["stages"][0]["pain_points"][0]["priority"] = 1234.5
        assert expected in render_html(JourneyMap.model_validate(data)), lang
    fa = visible(render_html(warned("fa"), status="draft", version=12))
    assert "نسخه 12" in fa and "84%" in fa  # 21 of 25, Western digits
    assert not any("\u06f0" <= ch <= "\u06f9" for ch in fa)  # no Persian digits anywhere


@pytest.mark.parametrize(
    ("lang", "map_type", "status", "warning"),
    [
        ("th", "สถานะปัจจุบัน", "ฉบับร่าง", "ขั้นตอน “การจัดส่ง” อาศัยแหล่งข้อมูลเดียว (wongnai-2025.csv)"),
        (
            "fa",
            "وضعیت فعلی",
            "پیش\u200cنویس",
            "مرحلهٔ «تحویل» فقط بر یک منبع (wongnai-2025.csv) تکیه دارد.",
        ),
    ],
)
def test_thai_and_persian_maps_say_nothing_in_english(
    lang: str, map_type: str, status: str, warning: str
) -> None:
    journey = warned(lang)
    info = ExportInfo(status="draft", version=2)
    page = visible(export_bytes(journey, "html", info).decode())
    markdown = to_markdown(journey, info)
    for shown in (page, markdown):
        assert map_type in shown and status in shown and warning in shown
        for english in ENGLISH:
            assert english not in shown, (lang, english)
    # the stage is named, not its id, in every warning; the other stage's warning too
    words = MapWords.of(journey)
    warnings = words.warnings(journey)
    assert len(warnings) == 4 and not any("delivery" in w or "support" in w for w in warnings)
    assert journey.stages[1].name.text in warnings[3]
    assert words.language("th") in warnings[1] and words.language("fa") in warnings[2]
    # the JSON keeps the codes and the English wording
    assert journey.coverage.notices[0].stage_id == "delivery"
    assert journey.coverage.warnings[0].startswith("Stage “Delivery”")


def test_a_map_stored_before_notices_shows_its_warnings_as_written() -> None:
    data = drafted("th").model_dump(mode="json")
    data["coverage"]["warnings"] = ["stage 'delivery' rests on a single source (old.csv)"]
    data["coverage"].pop("notices")
    journey = JourneyMap.model_validate(data)
    assert "stage 'delivery' rests on a single source (old.csv)" in visible(render_html(journey))


def test_a_change_is_placed_in_the_maps_language() -> None:
    old = drafted("th").model_dump(mode="json")
    new = drafted("th").model_dump(mode="json")
    pain = new["stages"][0]["pain_points"][0]
    pain["title"]["text"] = "ไรเดอร์มาช้า"
    (change,) = [c for c in diff(old, new) if c.path.endswith("/title")]
    before = old["stages"][0]["pain_points"][0]["title"]["text"]
    assert MapWords("th").place(change) == "ขั้นตอน «การจัดส่ง» › ปัญหา «ไรเดอร์มาช้า» › หัวข้อ"
    assert change.label == "stage «การจัดส่ง» › pain point «ไรเดอร์มาช้า» › title"
    assert (change.old, change.new) == (before, "ไรเดอร์มาช้า")


def test_only_the_emoji_slices_a_page_has_are_embedded() -> None:
    assert "Noto Color Emoji" not in font_css("Order 123 #5 (c) ©", embed=False)
    pizza = font_css("🍜", embed=False)
    assert pizza.count("Noto Color Emoji") == 1 and "noto-color-emoji-6-" in pizza
    assert "Noto Sans SC" not in pizza  # Noto Sans SC lists 🍜 too, but draws it blank
    assert "noto-color-emoji-0-" in font_css("🇮🇷", embed=False)  # flags
    # a map without emoji embeds no emoji slice (the review page's comment mark is not in it)
    exported = export_bytes(drafted("th"), "html").decode()
    assert "@font-face{font-family:'Noto Color Emoji'" not in exported


def test_the_fonts_cover_every_word_the_page_shows() -> None:
    for lang in ("zh", "th", "fa"):
        page = render_html(warned(lang), status="changes_requested", embed_fonts=False)
        for rule in font_css(visible(page), embed=False).splitlines():
            assert rule in page, (lang, rule[:120])


# -- in Chromium ---------------------------------------------------------------------------

EMOJI_TITLE = "🍜🛵💨"
COLOURED = """async ([src, top, height]) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, top, img.width, Math.min(height, img.height - top)).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) {
    const hi = Math.max(px[i], px[i + 1], px[i + 2]), lo = Math.min(px[i], px[i + 1], px[i + 2]);
    if (hi - lo > 80) n++;
  }
  return n;
}"""


def coloured(page: Any, png: bytes, top: int = 0, height: int = 10_000) -> int:
    """Strongly coloured pixels in a band of ``png`` (the page's text is black and grey; its
    only colours at the top are the emoji)."""
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return int(page.evaluate(COLOURED, [src, top, height]))


def test_an_emoji_title_and_emoji_quotes_render_in_colour(
    browser: Any, tmp_path: Path, artifacts: Path
) -> None:
    data = drafted("th").model_dump(mode="json")
    data["title"]["text"] = EMOJI_TITLE
    data["stages"][0]["pain_points"][0]["evidence"][0]["quote"] = "รอนาน 😡😡 อาหารเย็นหมด"
    journey = JourneyMap.model_validate(data)
    info = ExportInfo(status="draft", version=1)
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    page.set_content(export_bytes(journey, "html", info).decode())
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('40px \"Noto Color Emoji\"', '🍜🛵💨😡')")
    title = page.locator("h1")
    assert "Noto Color Emoji" in title.evaluate("e => getComputedStyle(e).fontFamily")
    assert title.bounding_box()["width"] > 60  # three glyphs wide, not collapsed
    assert coloured(page, title.screenshot()) > 300
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.evaluate("document.fonts.ready")
    quote = page.locator("blockquote", has_text="รอนาน").first
    assert coloured(page, quote.screenshot()) > 100
    (artifacts / "emoji-title-th.png").write_bytes(page.screenshot())
    # the PNG export: the title band (the badges below it are grey)
    png = export_bytes(journey, "png", info)
    (artifacts / "emoji-title-th-export.png").write_bytes(png)
    assert coloured(page, png, top=0, height=70) > 300
    # the PDF, rasterised by poppler
    pdftoppm = require("pdftoppm")
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(export_bytes(journey, "pdf", info))
    subprocess.run(
        [pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    printed = (tmp_path / "page.png").read_bytes()
    (artifacts / "emoji-title-th-pdf.png").write_bytes(printed)
    assert coloured(page, printed, top=0, height=150) > 300  # the title band, at 150 dpi


@pytest.fixture
def review_server(settings: Settings) -> Iterator[dict[str, Any]]:
    db = Database(get_settings())
    repo = MapRepository(db)
    scenario.store(db, "cx")
    maps = {lang: repo.create("cx", warned(lang), "ali").id for lang in ("th", "fa")}
    for lang, map_id in maps.items():
        journey = repo.version("cx", map_id).journey
        path = f"stages/delivery/pain_points/{journey.stages[0].pain_points[0].id}/title"
        retitled = {"th": "ไรเดอร์มาช้า", "fa": "پیک دیر می\u200cرسد"}[lang]
        repo.edit("cx", map_id, 1, [FieldPatch(path=path, value=retitled)], "ali")
    key = create_key(db, "cx", "reviewer", "reviewer-person")[0]
    with serving() as base:
        yield {"base": base, "maps": maps, "key": key}


@pytest.mark.parametrize(
    ("lang", "status", "place"),
    [
        ("th", "ฉบับร่าง", "ขั้นตอน «การจัดส่ง» › ปัญหา «ไรเดอร์มาช้า» › หัวข้อ"),
        ("fa", "پیش\u200cنویس", "مرحلهٔ «تحویل» › نقطهٔ درد «پیک دیر می\u200cرسد» › عنوان"),
    ],
)
def test_the_review_page_speaks_the_maps_language(
    review_server: dict[str, Any], browser: Any, artifacts: Path, lang: str, status: str, place: str
) -> None:
    base, map_id = review_server["base"], review_server["maps"][lang]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/review/login?next=/review/cx/{map_id}")
    page.fill("input[name=key]", review_server["key"])
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    assert page.locator("#map-status").inner_text() == status
    assert page.locator("#status").inner_text() == status
    assert page.locator("#status").get_attribute("data-value") == "draft"
    assert place in page.locator("#diff").inner_text()
    assert "pain point" not in page.locator("#diff").inner_text()
    warnings = page.locator("#coverage-warnings li").all_inner_texts()
    assert len(warnings) == 4 and not any("delivery" in w for w in warnings)
    page.screenshot(path=str(artifacts / f"review-language-{lang}.png"), full_page=True)

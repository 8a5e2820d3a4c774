"""A real-sized map on paper: landscape sheets of the chosen paper, every stage, pain point and
recommendation printed (nothing clipped), no near-empty page, Persian paginated from the right."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from api.http.app import create_app
from api.web.exports import ExportOptions, export_bytes
from api.web.labels import LABELS
from api.web.paper import PAPERS, page_groups, paper_for
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import Settings
from knowledge.store import Database
from tests.helpers import scenario
from tests.helpers.exports import readable
from tests.helpers.http import key
from tests.helpers.maps import drafted
from tests.helpers.needs import require
from tests.helpers.realistic_map import realistic_map

PT_PER_MM = 72 / 25.4
FOOTER_PT = 45  # the page number, in the bottom margin


@dataclass
class PrintedPage:
    width: float
    height: float
    words: list[tuple[float, float, float, str]]  # x_min, y_min, y_max, glyphs in visual order

    @property
    def filled(self) -> float:
        """How far down the sheet the content reaches (0..1), the page number left out."""
        bottoms = [y for _, _, y, _ in self.words if y < self.height - FOOTER_PT]
        return max(bottoms, default=0) / self.height


def pages(pdf: Path) -> list[PrintedPage]:
    out = subprocess.run(
        [require("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    found = []
    for w, h, body in re.findall(
        r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S
    ):
        words = [
            (float(x), float(y0), float(y1), word)
            for x, y0, y1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<',
                body,
            )
        ]
        found.append(PrintedPage(float(w), float(h), words))
    return found


def squashed(text: str) -> str:
    return "".join(readable(text).split())


def printed_text(pdf: Path, rtl: bool) -> str:
    """The PDF's text without whitespace: Thai and Chinese lines break anywhere. Persian is read
    back in reading order (``-raw`` gives its words in visual order)."""
    args = [require("pdftotext"), *([] if rtl else ["-raw"]), str(pdf), "-"]
    return squashed(subprocess.run(args, capture_output=True, check=True, text=True).stdout)


def printed(wanted: str, text: str, rtl: bool) -> bool:
    """``wanted`` is in the text; a Persian title wrapped over two lines may come back as its
    two lines apart (reading order follows the neighbouring column in between)."""
    w = squashed(wanted)
    if w in text:
        return True
    return rtl and any(w[:k] in text and w[k:] in text for k in range(1, len(w)))


def test_paper_by_locale_or_by_name() -> None:
    assert paper_for("fa").name == paper_for("zh").name == "a4"
    assert paper_for("en").name == "letter"
    assert paper_for("ru", "A3").name == "a3"
    with pytest.raises(UserInputError, match="a4, a3, letter, tabloid"):
        paper_for("th", "b5")
    assert all(p.width_mm > p.height_mm for p in PAPERS.values())  # landscape


def test_stages_split_into_even_page_groups() -> None:
    assert PAPERS["a4"].stages_per_page == PAPERS["letter"].stages_per_page == 5
    assert PAPERS["a3"].stages_per_page == PAPERS["tabloid"].stages_per_page == 8
    eight = list(range(8))
    assert page_groups(eight, 5) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert [len(g) for g in page_groups(list(range(7)), 5)] == [4, 3]
    assert [len(g) for g in page_groups(list(range(11)), 5)] == [4, 4, 3]
    assert page_groups(eight, 8) == [eight]
    assert page_groups([], 5) == [[]]


@pytest.mark.parametrize("lang", ["fa", "th", "zh", "ru"])
def test_a_real_sized_map_prints_whole_on_landscape_a4(
    lang: str, tmp_path: Path, artifacts: Path
) -> None:
    require("chromium")
    journey = realistic_map(lang)
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(export_bytes(journey, "pdf"))
    (artifacts / f"realistic-{lang}.pdf").write_bytes(pdf.read_bytes())
    sheets = pages(pdf)
    for sheet in sheets:  # A4 landscape: 297 x 210 mm
        assert sheet.width == pytest.approx(297 * PT_PER_MM, abs=1)
        assert sheet.height == pytest.approx(210 * PT_PER_MM, abs=1)
    filled = [round(s.filled, 2) for s in sheets]
    assert min(filled) > 0.3, f"a near-empty page: {filled}"
    rtl = lang == "fa"
    text = printed_text(pdf, rtl)
    missing = [
        t
        for t in (
            *(s.name.text for s in journey.stages),
            *(p.title.text for s in journey.stages for p in s.pain_points),
            *(r.action.text for r in journey.recommendations),
            *(p.name.text for p in journey.personas),
        )
        if not printed(t, text, rtl)
    ]
    assert not missing, f"{len(missing)} not printed, e.g. {missing[:3]}"
    longest = max((q.quote for p in journey.stages[0].pain_points for q in p.evidence), key=len)
    assert len(longest) > 230 and (rtl or squashed(longest) in text)


def test_persian_pages_run_from_the_right(tmp_path: Path) -> None:
    require("chromium")
    journey = realistic_map("fa")
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(export_bytes(journey, "pdf"))

    # pdftotext gives Persian glyphs in visual order (right to left): read each word reversed
    grid = next(s for s in pages(pdf) if any(w[::-1] == "آشنایی" for *_, w in s.words))
    top = min(y for _, y, _, w in grid.words if w[::-1] == "آشنایی")  # the stage header row
    header = {w[::-1]: x for x, y, _, w in grid.words if abs(y - top) < 3}
    lane, first, fourth = header["مرحله"], header["آشنایی"], header["پرداخت"]
    assert lane > first > fourth  # lane headings at the right, then stage 1, ... stage 4


def test_a_larger_sheet_holds_every_stage_on_one_page_group(tmp_path: Path) -> None:
    require("chromium")
    journey = realistic_map("zh")
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(export_bytes(journey, "pdf", options=ExportOptions(paper="a3")))
    sheets = pages(pdf)
    assert sheets[0].width == pytest.approx(420 * PT_PER_MM, abs=1)
    assert sheets[0].height == pytest.approx(297 * PT_PER_MM, abs=1)
    names = [squashed(s.name.text) for s in journey.stages]
    assert any(all(n in "".join(w for *_, w in s.words) for n in names) for s in sheets)
    assert min(s.filled for s in sheets) > 0.3


def test_paper_and_section_over_http_and_the_cli(settings: Settings, tmp_path: Path) -> None:
    require("chromium")
    repo = MapRepository(Database(settings))
    scenario.store(repo.db, "cx-ir")
    map_id = repo.create("cx-ir", drafted("fa"), "a").id
    url = f"/v1/workspaces/cx-ir/maps/{map_id}/export"
    with TestClient(create_app()) as client:
        viewer = key("viewer")
        a3 = client.get(f"{url}?format=pdf&paper=a3", headers=viewer)
        assert a3.status_code == 200 and a3.headers["content-type"] == "application/pdf"
        (tmp_path / "a3.pdf").write_bytes(a3.content)
        sheet = pages(tmp_path / "a3.pdf")[0]
        assert (round(sheet.width), round(sheet.height)) == (1191, 842)  # A3 landscape
        png = client.get(f"{url}?format=png&section=delivery", headers=viewer)
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        recs = client.get(f"{url}?format=pdf&section=recommendations", headers=viewer)
        assert recs.status_code == 200 and recs.content.startswith(b"%PDF")
        (tmp_path / "recs.pdf").write_bytes(recs.content)
        only = printed_text(tmp_path / "recs.pdf", rtl=True)
        assert squashed(LABELS["fa"]["recommendations"]) in only
        assert squashed(LABELS["fa"]["personas"]) not in only
        for bad, said in (
            ("format=pdf&paper=b5", "paper"),
            ("format=png&section=checkout", "delivery, support"),
            ("format=csv&paper=a4", "PDF exports only"),
        ):
            got = client.get(f"{url}?{bad}", headers=viewer)
            assert got.status_code == 422 and said in got.json()["detail"], got.text
    done = CliRunner().invoke(
        app,
        ["export", map_id, "-w", "cx-ir", "-f", "pdf", "--paper", "letter", "-o", str(tmp_path)],
    )
    assert done.exit_code == 0, done.output
    sheet = pages(tmp_path / "نقشه سفر مشتری test v1.pdf")[0]
    assert (round(sheet.width), round(sheet.height)) == (792, 612)  # US Letter landscape
    refused = CliRunner().invoke(
        app, ["export", map_id, "-w", "cx-ir", "-f", "png", "--section", "x"]
    )
    assert refused.exit_code == 2 and "section must be one of" in refused.output

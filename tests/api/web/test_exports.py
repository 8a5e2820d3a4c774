"""Exports a CX team can use: JSON that validates, Markdown, Excel-ready CSV, self-contained
HTML, and PDF / PNG printed by Chromium with Persian and Thai text intact."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from api.http.app import create_app
from api.web.exports import CSV_COLUMNS, export_bytes, filename, neutralise, to_csv
from api.web.service import map_for_export
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.store import Database
from tests.helpers import scenario
from tests.helpers.exports import readable
from tests.helpers.http import key
from tests.helpers.maps import drafted
from tests.helpers.needs import require


def test_json_round_trips_and_validates_against_the_published_schema() -> None:
    journey = drafted("fa")
    data = json.loads(export_bytes(journey, "json"))
    jsonschema.validate(data, JourneyMap.model_json_schema())
    assert JourneyMap.model_validate(data) == journey
    assert "\u200c" in export_bytes(journey, "json").decode()  # ZWNJ as written


def test_csv_is_excel_ready_and_neutralises_formulas() -> None:
    data = drafted("th").model_dump(mode="json")
    data["stages"][0]["actions"][0]["text"] = '=HYPERLINK("http://evil")'
    data["stages"][0]["thoughts"][0]["text"] = "+ช้ามาก"
    journey = JourneyMap.model_validate(data)
    raw = to_csv(journey)
    assert raw.startswith("\ufeff".encode())  # BOM: Excel shows Thai, Persian, Chinese
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    # the header row is in the map's language; the cells keep the codes and numbers
    assert lines[0][:3] == ["ส่วน", "ประเภท", "ขั้นตอน"] and len(lines[0]) == len(CSV_COLUMNS)
    rows = [dict(zip(CSV_COLUMNS, line, strict=True)) for line in lines[1:]]
    by_path = {r["element"]: r for r in rows}
    assert by_path["stages/delivery/actions/0"]["text"] == '\'=HYPERLINK("http://evil")'
    assert by_path["stages/delivery/thoughts/0"]["text"] == "'+ช้ามาก"
    pain = journey.stages[0].pain_points[0]
    row = by_path[f"stages/delivery/pain_points/{pain.id}"]
    assert (row["text"], int(row["frequency"]), float(row["priority"])) == (
        pain.title.text,
        pain.frequency,
        pain.priority,
    )
    assert row["quotes"].split(" | ")[0] == pain.evidence[0].quote
    assert neutralise("-1") == "'-1" and neutralise("@sum") == "'@sum" and neutralise("ok") == "ok"


def test_markdown_and_html_carry_the_map() -> None:
    journey = drafted("zh")
    md = export_bytes(journey, "md").decode()
    assert journey.title.text in md and journey.stages[0].pain_points[0].evidence[0].quote in md
    html = export_bytes(journey, "html").decode()
    assert '<html lang="zh" dir="ltr">' in html
    assert "data:font/woff2;base64," in html and "Noto Sans SC" in html
    assert not re.search(r"""(src|href)=["']?https?://""", html)  # nothing from outside
    assert "<script" not in html
    fa = export_bytes(drafted("fa"), "html").decode()
    assert '<html lang="fa" dir="rtl">' in fa and "Vazirmatn" in fa
    assert 'data-rtl="true"' in fa


def test_file_names_in_any_script() -> None:
    journey = drafted("fa")
    assert filename(journey, "pdf", 3) == "نقشه سفر مشتری test v3.pdf"
    data = journey.model_dump(mode="json")
    data["title"]["text"] = 'a/b:c*"d"'
    assert filename(JourneyMap.model_validate(data), "csv") == "a b c d.csv"


@pytest.mark.parametrize("lang", ["fa", "th"])
def test_pdf_text_extracts_intact(lang: str, tmp_path: Path, artifacts: Path) -> None:
    require("chromium")
    pdftotext = require("pdftotext")
    journey = drafted(lang)
    pdf = export_bytes(journey, "pdf")
    assert pdf.startswith(b"%PDF")
    (artifacts / f"map-{lang}.pdf").write_bytes(pdf)
    path = tmp_path / "map.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        [pdftotext, str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    text = readable(text)
    for expected in (
        journey.title.text.split(":")[0],
        journey.stages[0].pain_points[0].title.text,
        journey.stages[0].actions[0].text,
        journey.stages[0].pain_points[0].evidence[0].quote,
    ):
        assert readable(expected) in text, expected
    if lang == "fa":
        assert "\u200c" in text  # the ZWNJ survives printing and extraction


def test_png_export(artifacts: Path) -> None:
    require("chromium")
    png = export_bytes(drafted("th"), "png")
    assert png.startswith(b"\x89PNG")
    (artifacts / "map-th.png").write_bytes(png)


def test_exports_over_http_and_the_cli(settings: Settings, tmp_path: Path) -> None:
    repo = MapRepository(Database(settings))
    scenario.store(repo.db, "cx-ir")
    map_id = repo.create("cx-ir", drafted("fa"), "a").id
    with TestClient(create_app()) as client:
        viewer = key("viewer")
        got = client.get(f"/v1/workspaces/cx-ir/maps/{map_id}/export?format=csv", headers=viewer)
        assert got.status_code == 200 and got.content.startswith("\ufeff".encode())
        disposition = got.headers["content-disposition"]
        assert "filename*=UTF-8''" in disposition
        assert unquote(disposition.split("UTF-8''")[1]) == "نقشه سفر مشتری test v1.csv"
        md = client.get(f"/v1/workspaces/cx-ir/maps/{map_id}/export?format=md", headers=viewer)
        assert md.headers["content-type"].startswith("text/markdown")
        bad = client.get(f"/v1/workspaces/cx-ir/maps/{map_id}/export?format=docx", headers=viewer)
        assert bad.status_code == 422
        other = client.get(
            f"/v1/workspaces/cx-ir/maps/{map_id}/export", headers=key("viewer", "elsewhere")
        )
        assert other.status_code == 404
    done = CliRunner().invoke(
        app, ["export", map_id, "-w", "cx-ir", "--format", "html", "-o", str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    written = tmp_path / "نقشه سفر مشتری test v1.html"
    assert written.exists() and 'dir="rtl"' in written.read_text(encoding="utf-8")


def test_a_stale_translation_says_so_in_its_exports(settings: Settings) -> None:
    from generator.llm.fakes import FunctionModel
    from generator.llm.job import LLMJob
    from generator.llm.structured import CallPolicy, Deadline
    from generator.translation.fake_translator import FakeTranslator
    from generator.translation.service import translate_map
    from knowledge.journey.review.patches import FieldPatch

    repo = MapRepository(Database(settings))
    scenario.store(repo.db, "cx")
    source = repo.create("cx", drafted("fa"), "a").id
    job = LLMJob(
        model=FunctionModel(FakeTranslator("th")),
        policy=CallPolicy(sleep=lambda s: None),
        deadline=Deadline(60),
        lang="th",
    )
    th = translate_map(repo, "cx", source, job, "b").info.id
    journey, info = map_for_export(repo, "cx", th)
    assert info.warnings == []
    repo.edit("cx", source, 1, [FieldPatch(path="title", value="نقشهٔ تازه")], "a")
    journey, info = map_for_export(repo, "cx", th)
    assert info.warnings and "ล้าสมัย" in info.warnings[0]
    assert info.warnings[0] in export_bytes(journey, "html", info).decode()
    assert "คำแปลนี้ล้าสมัย" in export_bytes(journey, "md", info).decode()

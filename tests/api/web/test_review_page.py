"""The review page in a real browser (Playwright driving Debian's Chromium): a Persian map lays
out right-to-left with its curve mirrored and Vazirmatn loaded, a Chinese map left-to-right in
Noto Sans SC; a reviewer comments and approves; a viewer is offered no action and the API
refuses one. Screenshots are
kept in CJM_TEST_ARTIFACTS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.journey.review.repository import MapRepository
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings, get_settings
from knowledge.store import Database
from tests.helpers import scenario
from tests.helpers.browser import serving, sign_in
from tests.helpers.maps import drafted


@pytest.fixture
def server(settings: Settings) -> Iterator[dict[str, Any]]:
    db = Database(get_settings())
    repo = MapRepository(db)
    scenario.store(db, "cx")
    fa = repo.create("cx", drafted("fa"), "ali").id
    zh = repo.create("cx", drafted("zh"), "li").id
    repo.transition("cx", fa, "submit", 1, "ali")
    keys = {
        role: create_key(db, "cx", role, f"{role}-person")[0] for role in ("viewer", "reviewer")
    }
    with serving() as base:
        yield {"base": base, "fa": fa, "zh": zh, "keys": keys, "repo": repo}


def test_persian_map_rtl_comment_and_approve(
    server: dict[str, Any], browser: Any, artifacts: Path
) -> None:
    base, fa = server["base"], server["fa"]
    page = sign_in(browser, base, server["keys"]["reviewer"], f"/review/cx/{fa}")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    title = page.locator("h1[data-path=title]")
    assert "Vazirmatn" in title.evaluate("e => getComputedStyle(e).fontFamily")
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'پیک')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Vazirmatn" in f for f in loaded)
    # the grid flows right to left and the curve with it: the first stage is on the right
    headers = page.locator("table.grid thead th[data-path]")
    first, last = headers.first.bounding_box(), headers.last.bounding_box()
    assert first["x"] > last["x"]
    dots = page.locator("svg.curve circle")
    assert dots.first.get_attribute("data-stage") == "delivery"
    assert float(dots.first.get_attribute("cx")) > float(dots.last.get_attribute("cx"))
    page.screenshot(path=str(artifacts / "review-fa.png"), full_page=True)

    title_path = "stages/delivery/pain_points/pp-delivery-1/title"
    page.locator(f"[data-path='{title_path}']").click()
    stage = page.locator("[data-path='stages/delivery/name']").inner_text()
    pain = page.locator(f"[data-path='{title_path}']").inner_text()
    assert page.locator("#anchor").inner_text() == f"{stage} › {pain}"  # not the path
    page.fill("#edit-text", "پیک دیر می‌رسد و غذا سرد است")
    with page.expect_navigation():
        page.click("#btn-edit")
    assert page.locator(f"[data-path='{title_path}']").inner_text() == "پیک دیر می‌رسد و غذا سرد است"
    assert "پیک دیر می‌رسد و غذا سرد است" in page.locator("#diff").inner_text()  # diff to v1
    assert page.locator("#status").get_attribute("data-value") == "draft"  # starts again
    assert page.locator("#status").inner_text() == "پیش‌نویس"  # in the map's language
    with page.expect_navigation():
        page.click("#btn-submit")
    page.locator(f"[data-path='{title_path}']").click()
    page.fill("#comment-text", "منبع این مشکل کجاست؟")
    with page.expect_navigation():
        page.click("#btn-comment")
    assert "منبع این مشکل کجاست؟" in page.locator("#comments").inner_text()
    with page.expect_navigation():
        page.click("#btn-approve")
    assert page.locator("#status").get_attribute("data-value") == "approved"
    assert page.locator("#status").inner_text() == "تأییدشده"
    assert server["repo"].get("cx", fa).approved_version == 2
    page.screenshot(path=str(artifacts / "review-fa-approved.png"), full_page=True)


def test_chinese_map_ltr_and_a_viewer_cannot_approve(
    server: dict[str, Any], browser: Any, artifacts: Path
) -> None:
    base, zh = server["base"], server["zh"]
    page = sign_in(browser, base, server["keys"]["viewer"], f"/review/cx/{zh}")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert page.evaluate("document.fonts.check('16px \"Noto Sans SC\"', '配送')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Noto Sans SC" in f for f in loaded)
    # a viewer is offered nothing to do, and the API refuses what the page does not offer
    assert page.locator("button[data-action], #edit-text, #comment-text").count() == 0
    refused = page.evaluate(
        "fetch(CJM.api + '/approve', {method: 'POST', headers: {'X-CJM-Review': '1', "
        "'If-Match': '\"v1\"', 'Content-Type': 'application/json'}, body: '{}'})"
        ".then(r => r.status)"
    )
    assert refused == 403
    assert server["repo"].get("cx", zh).status == "draft"
    page.screenshot(path=str(artifacts / "review-zh-viewer.png"), full_page=True)
    # nothing is fetched from outside the server: no CDN
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.reload()
    page.wait_for_load_state("networkidle")
    assert requests and all(u.startswith(base) or u.startswith("data:") for u in requests)


def test_the_review_page_needs_a_key(server: dict[str, Any], browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{server['base']}/review/cx/{server['fa']}")
    assert "/review/login" in page.url
    page.fill("input[name=key]", "cjm_wrong")
    page.click("button[type=submit]")
    assert "unknown or revoked" in page.content()
    signed_in = sign_in(
        browser, server["base"], server["keys"]["viewer"], f"/review/cx/{server['fa']}"
    )
    assert signed_in.locator("#role").get_attribute("data-role") == "viewer"
    assert signed_in.locator("#role").inner_text() == "خواننده"  # in the map's language
    signed_in.goto(f"{server['base']}/review/logout")
    signed_in.goto(f"{server['base']}/review/cx/{server['fa']}")
    assert "/review/login" in signed_in.url  # signed out

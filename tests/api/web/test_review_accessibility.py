"""The review page for people who use a keyboard or a screen reader, in a real browser
(Playwright driving Debian's Chromium): axe-core (vendored in tests/api/web/axe) finds no serious or
critical violation on a Persian and a Thai map, for an editor and for a viewer; an editor
selects a pain point, comments on it and submits the map with the keyboard only; Escape closes
a label menu. Screenshots are kept in CJM_TEST_ARTIFACTS."""

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
from tests.helpers.maps import PAIN, drafted

AXE = Path(__file__).parent / "axe" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture
def server(settings: Settings) -> Iterator[dict[str, Any]]:
    db = Database(get_settings())
    repo = MapRepository(db)
    scenario.store(db, "cx")
    maps = {lang: repo.create("cx", drafted(lang), "ali").id for lang in ("fa", "th")}
    for lang, map_id in maps.items():
        repo.comment("cx", map_id, PAIN, "منبع؟" if lang == "fa" else "ที่มา?", "sara")
    keys = {role: create_key(db, "cx", role, f"{role}-1")[0] for role in ("viewer", "editor")}
    with serving() as base:
        yield {"base": base, "maps": maps, "keys": keys, "repo": repo}


def serious_violations(page: Any) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => "
        "n.target.join(' '))})))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in found
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("role", ["editor", "viewer"])
@pytest.mark.parametrize("lang", ["fa", "th"])
def test_no_serious_accessibility_violations(
    server: dict[str, Any],
    browser: Any,
    artifacts: Path,
    lang: str,
    role: str,
) -> None:
    map_id = server["maps"][lang]
    page = sign_in(browser, server["base"], server["keys"][role], f"/review/cx/{map_id}")
    assert page.evaluate("document.documentElement.lang") == lang
    if role == "editor":  # the panel as it is while someone works in it
        page.locator(f"[data-path='{PAIN}/title']").click()
        page.locator("details:has(.label-tools) > summary").first.click()
        page.locator("button.label-toggle").first.click()
    assert serious_violations(page) == []
    page.screenshot(path=str(artifacts / f"review-{lang}-{role}-a11y.png"), full_page=True)


def tab_to(page: Any, selector: str, most: int = 400) -> int:
    """Press Tab until ``selector`` has the focus; the number of presses it took."""
    for n in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return n
    raise AssertionError(f"{selector} is not reachable with Tab")


def has_visible_focus(page: Any) -> bool:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; })()"
    )
    return bool(style[0] != "none" and style[1] != "0px")


def test_an_editor_comments_and_submits_with_the_keyboard_only(
    server: dict[str, Any],
    browser: Any,
    artifacts: Path,
) -> None:
    map_id, repo = server["maps"]["th"], server["repo"]
    journey = repo.version("cx", map_id).journey
    page = sign_in(browser, server["base"], server["keys"]["editor"], f"/review/cx/{map_id}")
    assert page.locator("button[data-action]").all_inner_texts() == ["ส่งตรวจ"]  # Submit only
    tab_to(page, f"[data-path='{PAIN}/title']")
    assert has_visible_focus(page)
    page.keyboard.press("Enter")
    stage, pain = journey.stages[0].name.text, journey.stages[0].pain_points[0].title.text
    assert page.locator("#anchor").inner_text() == f"{stage} › {pain}"
    assert page.evaluate("document.activeElement.id") == "selected"
    # the two boxes have names a screen reader reads, in Thai
    for box in ("#edit-text", "#comment-text"):
        assert page.locator(box).evaluate("e => e.labels[0].textContent").endswith("ส่วนที่เลือก")
    tab_to(page, "#comment-text", most=5)
    page.keyboard.type("ที่มาของปัญหานี้คืออะไร")
    tab_to(page, "#btn-comment", most=2)
    assert has_visible_focus(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    comment = page.locator("#comments li", has_text="ที่มาของปัญหานี้คืออะไร")
    assert comment.locator(".element").inner_text() == f"{stage} › {pain}"
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(artifacts / "review-th-keyboard.png"), full_page=True)
    tab_to(page, "#btn-submit")
    with page.expect_navigation():
        page.keyboard.press(" ")
    assert page.locator("#status").get_attribute("data-value") == "in_review"
    assert page.locator("#status").inner_text() == "กำลังตรวจ"  # in the map's language
    assert repo.get("cx", map_id).status == "in_review"
    # submitted: nothing left for an editor to do until a reviewer decides
    assert page.locator("button[data-action]").count() == 0


def test_escape_closes_a_label_menu_and_returns_the_focus(
    server: dict[str, Any],
    browser: Any,
) -> None:
    map_id = server["maps"]["fa"]
    page = sign_in(browser, server["base"], server["keys"]["editor"], f"/review/cx/{map_id}")
    summary = page.locator("details:has(.label-tools) > summary").first
    summary.focus()
    page.keyboard.press("Enter")  # the quotes open
    toggle = page.locator("details[open] button.label-toggle").first
    tab_to(page, "details[open] button.label-toggle", most=10)
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")  # into the menu: its stage list
    assert page.evaluate("document.activeElement.closest('.label-menu') !== null")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('label-toggle')")

"""What the review page offers whom (served HTML, no browser): the review actions the map's
status and the person's role allow, as the API enforces them; nothing to change for a viewer;
comments under the name of their element; PDF and PNG links only where the server can print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.web.chromium import available
from api.web.element_names import element_name
from knowledge.journey.review.repository import MapRepository
from knowledge.journey.review.transitions import ROLE, TRANSITIONS, Action
from knowledge.platform.settings import get_settings
from knowledge.store import Database
from tests.helpers.http import key, signed_in
from tests.helpers.maps import PAIN, drafted

ROLES = ("viewer", "editor", "reviewer")
# status -> the transitions that lead there from a fresh draft
PATHS: dict[str, list[Action]] = {
    "draft": [],
    "in_review": ["submit"],
    "approved": ["submit", "approve"],
    "changes_requested": ["submit", "request_changes"],
}
# what a person of each role may do in each status, written out by hand
OFFERED = {
    ("draft", "viewer"): set(),
    ("draft", "editor"): {"submit"},
    ("draft", "reviewer"): {"submit"},
    ("in_review", "viewer"): set(),
    ("in_review", "editor"): set(),
    ("in_review", "reviewer"): {"approve", "request_changes"},
    ("approved", "viewer"): set(),
    ("approved", "editor"): set(),
    ("approved", "reviewer"): set(),
    ("changes_requested", "viewer"): set(),
    ("changes_requested", "editor"): {"submit"},
    ("changes_requested", "reviewer"): {"submit"},
}


def page_as(client: TestClient, role: str, map_id: str) -> str:
    secret = key(role)["Authorization"].removeprefix("Bearer ")
    assert signed_in(client, secret).status_code == 303
    got = client.get(f"/review/cx-ir/{map_id}")
    assert got.status_code == 200
    return got.text


def offered_buttons(html: str) -> set[str]:
    return set(re.findall(r'<button type="button" data-action="(\w+)"', html))


@pytest.mark.parametrize("status", list(PATHS))
def test_the_actions_offered_follow_the_status_and_the_role(
    client: TestClient,
    status: str,
) -> None:
    repo = MapRepository(Database(get_settings()))
    map_id = repo.create("cx-ir", drafted("th"), "a").id
    for action in PATHS[status]:
        repo.transition("cx-ir", map_id, action, 1, "a")
    assert repo.get("cx-ir", map_id).status == status
    for role in ROLES:
        html = page_as(client, role, map_id)
        assert offered_buttons(html) == OFFERED[(status, role)], (status, role)
        # every action offered is one the API takes from this person now
        for offered in OFFERED[(status, role)]:
            assert status in TRANSITIONS[offered][0]
            assert ROLES.index(role) >= ROLES.index(ROLE[offered])
        if not OFFERED[(status, role)]:
            assert 'id="no-action"' in html
        editable = role != "viewer"
        assert ('id="edit-text"' in html) == editable and ('id="comment-text"' in html) == editable


def test_an_action_the_page_does_not_offer_is_refused_by_the_api(
    client: TestClient,
) -> None:
    repo = MapRepository(Database(get_settings()))
    map_id = repo.create("cx-ir", drafted("fa"), "a").id
    for action in ("submit", "approve"):
        repo.transition("cx-ir", map_id, action, 1, "a")
    base = f"/v1/workspaces/cx-ir/maps/{map_id}"
    for action in ("approve", "submit"):
        got = client.post(
            f"{base}/{action}", headers={**key("reviewer"), "If-Match": '"v1"'}, json={}
        )
        assert got.status_code == 409, got.text


@pytest.mark.parametrize("lang", ["fa", "th"])
def test_comments_name_their_element_in_the_maps_language(
    client: TestClient,
    lang: str,
) -> None:
    repo = MapRepository(Database(get_settings()))
    journey = drafted(lang)
    map_id = repo.create("cx-ir", journey, "a").id
    repo.comment("cx-ir", map_id, PAIN, "ต้องตรวจ" if lang == "th" else "بررسی شود", "sara")
    repo.comment("cx-ir", map_id, "stages/delivery/actions/0", "?", "sara")
    html = page_as(client, "viewer", map_id)
    comments = html[html.index('<ul id="comments">') :]
    stage = journey.stages[0]
    pain = stage.pain_points[0].title.text
    assert f"{stage.name.text} › {pain}" in comments
    assert f"{stage.name.text} › " in comments.split("stages/delivery/actions/0", 1)[1]
    assert f">{PAIN}<" not in comments and ">stages/delivery/actions/0<" not in comments


def test_the_export_links_print_only_where_the_server_can(
    client: TestClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = MapRepository(Database(get_settings()))
    map_id = repo.create("cx-ir", drafted("fa"), "a").id
    monkeypatch.setenv("CJM_CHROMIUM", str(tmp_path / "no-chromium"))
    assert not available()
    html = page_as(client, "viewer", map_id)
    links = dict(re.findall(r'<a href="([^"]+)" data-format="(\w+)"', html))
    formats = set(links.values())
    assert formats == {"json", "md", "csv", "html"}
    assert 'data-format="pdf"' in html and 'aria-describedby="no-print"' in html
    assert "Chromium" in html[html.index('id="no-print"') :]
    for href in links:
        got = client.get(href.replace("&amp;", "&"))  # signed in by the cookie
        assert got.status_code == 200, (href, got.text[:200])
    # a link kept from a server that could print: the documented problem, not a 500
    pdf = client.get(f"/v1/workspaces/cx-ir/maps/{map_id}/export?format=pdf&version=1")
    assert pdf.status_code == 503 and "Markdown" in pdf.json()["detail"]
    monkeypatch.delenv("CJM_CHROMIUM")
    if available():
        html = page_as(client, "viewer", map_id)
        assert re.search(r'<a href="[^"]+format=pdf[^"]*" data-format="pdf"', html)


@pytest.mark.parametrize(
    ("lang", "path", "name"),
    [
        ("fa", PAIN, "تحویل › مشتریان این را بارها گفته‌اند"),
        ("fa", f"{PAIN}/title", "تحویل › مشتریان این را بارها گفته‌اند"),
        ("fa", "stages/delivery/actions/0", "تحویل › اقدامات › مشتری سفارش را پیگیری می‌کند"),
        ("fa", "title", "عنوان نقشه"),
        ("th", "stages/delivery/emotion/label", "การจัดส่ง › อารมณ์"),
        ("th", "scope/goal", "ขอบเขต › เป้าหมาย"),
        ("th", "stages/gone/pain_points/pp-1", "stages/gone/pain_points/pp-1"),  # no longer there
    ],
)
def test_element_names(lang: str, path: str, name: str) -> None:
    assert element_name(drafted(lang).model_dump(mode="json"), path) == name

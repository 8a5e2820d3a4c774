"""A server without Chromium (the README's test command runs on such machines too): PDF and
PNG are a documented 503 problem that names the formats that work, everywhere a person can ask
for a print; the other formats are unaffected."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.web.chromium import available
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import get_settings
from knowledge.store import Database
from tests.helpers.http import key
from tests.helpers.maps import drafted

WORKING = ("JSON", "Markdown", "CSV", "HTML")


@pytest.fixture(params=["CJM_CHROMIUM names a missing file", "no browser on PATH"])
def no_chromium(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    if request.param == "no browser on PATH":
        monkeypatch.delenv("CJM_CHROMIUM", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    else:
        monkeypatch.setenv("CJM_CHROMIUM", str(tmp_path / "gone" / "chromium"))
    assert not available()
    return str(request.param)


@pytest.mark.parametrize("lang", ["fa", "th"])
def test_pdf_and_png_are_a_503_problem_naming_what_works(
    client: TestClient,
    no_chromium: str,
    lang: str,
) -> None:
    map_id = MapRepository(Database(get_settings())).create("cx-ir", drafted(lang), "a").id
    url = f"/v1/workspaces/cx-ir/maps/{map_id}/export"
    viewer = key("viewer")
    for fmt in ("pdf", "png"):
        got = client.get(url, params={"format": fmt}, headers=viewer)
        assert got.status_code == 503, got.text
        assert got.headers["content-type"] == "application/problem+json"
        problem = got.json()
        assert problem["status"] == 503 and problem["title"] == "Service unavailable"
        assert "Chromium" in problem["detail"]
        assert all(name in problem["detail"] for name in WORKING), problem["detail"]
        assert problem["formats"] == ["json", "md", "csv", "html"]
    for fmt in ("json", "md", "csv", "html"):
        assert client.get(url, params={"format": fmt}, headers=viewer).status_code == 200


def test_a_browser_that_cannot_be_started_is_a_503(
    client: TestClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found, but not a program (a file without a #! line): the export is unavailable."""
    broken = tmp_path / "chromium"
    broken.write_bytes(b"\x00not a program")
    broken.chmod(0o755)
    monkeypatch.setenv("CJM_CHROMIUM", str(broken))
    map_id = MapRepository(Database(get_settings())).create("cx-ir", drafted("th"), "a").id
    got = client.get(
        f"/v1/workspaces/cx-ir/maps/{map_id}/export",
        params={"format": "pdf"},
        headers=key("viewer"),
    )
    assert got.status_code == 503, got.text
    assert "could not be started" in got.json()["detail"]

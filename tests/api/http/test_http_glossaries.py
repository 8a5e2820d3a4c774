"""Glossaries over HTTP and on the command line: per workspace, editors write, viewers read."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from tests.helpers.glossaries import CSV, YAML
from tests.helpers.http import key

BASE = "/v1/workspaces/cx-ir/glossaries"


def test_glossaries_over_http(client: TestClient) -> None:
    editor, viewer, other = key("editor"), key("viewer"), key("editor", "cx-th")
    terms = [{"en": "courier", "fa": "پیک", "th": "ไรเดอร์"}]
    created = client.put(f"{BASE}/delivery", headers=editor, json={"terms": terms})
    assert created.status_code == 201 and created.json()["languages"] == ["en", "fa", "th"]
    assert client.put(f"{BASE}/delivery", headers=editor, json={"terms": terms}).status_code == 200
    assert client.get(f"{BASE}/delivery", headers=viewer).json()["terms"] == terms
    assert client.put(f"{BASE}/delivery", headers=viewer, json={"terms": terms}).status_code == 403
    assert client.get(f"{BASE}/delivery", headers=other).status_code == 404
    assert client.get("/v1/workspaces/cx-th/glossaries", headers=other).json() == []

    uploaded = client.put(
        f"{BASE}/team/file",
        headers=editor,
        files={"file": ("واژه‌نامه.csv", CSV.encode("utf-8"), "text/csv")},
    )
    assert uploaded.status_code == 201 and uploaded.json()["terms"] == 3
    got = client.get(f"{BASE}/team", headers=viewer).json()
    assert got["terms"][1]["fa"] == "زمان\u200cتحویل"
    broken = client.put(
        f"{BASE}/team/file",
        headers=editor,
        files={"file": ("g.csv", b"en,de\nx,y\n", "text/csv")},
    )
    assert broken.status_code == 422 and "line 1" in broken.json()["detail"]
    assert client.get(f"{BASE}/team", headers=viewer).json()["terms"] == got["terms"]  # kept
    bad = client.put(f"{BASE}/x", headers=editor, json={"terms": [{"en": "only one"}]})
    assert bad.status_code == 422 and "at least 2 items" in bad.json()["detail"]
    names = [g["name"] for g in client.get(BASE, headers=viewer).json()]
    assert names == ["delivery", "team"]
    assert client.delete(f"{BASE}/team", headers=editor).status_code == 204
    assert client.get(f"{BASE}/team", headers=viewer).status_code == 404


def test_glossary_commands(settings: object, tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "terms.yaml"
    path.write_text(YAML, encoding="utf-8")
    done = runner.invoke(app, ["glossary", "import", str(path), "--workspace", "cx"])
    assert done.exit_code == 0, done.output
    assert "created glossary terms: 2 terms in en, fa, th, zh" in done.stderr
    shown = runner.invoke(app, ["glossary", "show", "terms", "--workspace", "cx", "--json"])
    assert "زمان\u200cتحویل" in shown.stdout
    listed = runner.invoke(app, ["glossary", "list", "--workspace", "cx", "--json"])
    assert '"terms": 2' in listed.stdout
    path.write_text("terms:\n  - {en: a, fa: b}\n  - {en: c, xx: d}\n", encoding="utf-8")
    bad = runner.invoke(app, ["glossary", "import", str(path), "--workspace", "cx"])
    assert bad.exit_code == 2 and "line 3" in bad.stderr
    assert runner.invoke(app, ["glossary", "delete", "terms", "-w", "cx"]).exit_code == 0
    assert runner.invoke(app, ["glossary", "show", "terms", "-w", "cx"]).exit_code == 2

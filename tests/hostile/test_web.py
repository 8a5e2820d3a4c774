"""Hostile input through the web and export surfaces: YAML that nests too deep or expands
without end (glossary files, ``framework_yaml`` / ``codebook_yaml``, CLI files)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from knowledge.bounded_yaml import MAX_DEPTH, check_bounds
from tests.api.test_http_maps import client, key  # noqa: F401 - the fixture

DEEP_FLOW = "terms: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_BLOCK = "terms:\n" + "".join(" " * (i + 1) + "- \n" for i in range(200))
DEEP_MAPPINGS = "id: x\n" + "".join(" " * i + "a:\n" for i in range(MAX_DEPTH + 5))
LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
BOMB_TERMS = LAUGHS + "terms: *i\n"
BOMB_STAGES = "id: x\nname: {en: x}\n" + LAUGHS + "stages: *i\n"
CYCLE = "terms: &t [{en: a, fa: b}, *t]\n"
HOSTILE_YAML = {
    "deep flow": DEEP_FLOW,
    "deep block": DEEP_BLOCK,
    "deep mappings": DEEP_MAPPINGS,
    "alias bomb": BOMB_TERMS,
    "alias bomb in stages": BOMB_STAGES,
    "alias cycle": CYCLE,
}
GLOSSARIES = "/v1/workspaces/cx-ir/glossaries"


def test_bounds_allow_ordinary_documents_and_shared_anchors() -> None:
    check_bounds("a: &x {en: courier, fa: پیک}\nb: *x\nc: [*x, *x]\n")
    check_bounds("a:\n" + "".join(" " * (i + 1) + "- \n" for i in range(MAX_DEPTH - 2)))


@pytest.mark.parametrize("name", HOSTILE_YAML)
def test_hostile_yaml_is_a_422_naming_the_problem(client: TestClient, name: str) -> None:  # noqa: F811
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

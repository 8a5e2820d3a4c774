"""The command line decides exit statuses in one place: an error of the product ends a command
with its class's exit code and a one-line message that names the flag (not the field)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.errors import with_flag
from api.cli.main import app
from generator.llm.errors import LLMTimeout, ModelTaskFailed
from generator.llm.fakes import ScriptedModel
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import NotFound, UserInputError
from knowledge.platform.settings import Settings
from knowledge.store import Database
from tests.helpers import scenario
from tests.helpers.maps import drafted

runner = CliRunner()
QUESTION = "بیشترین مشکل در تحویل چیست؟"


def _map(settings: Settings) -> str:
    repo = MapRepository(Database(settings))
    scenario.store(repo.db, "cx")
    return repo.create("cx", drafted("fa"), "a").id


def test_with_flag_names_the_flag_of_the_field() -> None:
    assert with_flag("lang must be one of fa, en", "lang") == "--lang must be one of fa, en"
    assert (
        with_flag("no maps in scope: name them with maps, or approve one first", "maps")
        == "no maps in scope: name them with --map, or approve one first"
    )
    assert with_flag("the name is missing", "actor") == "the name is missing (--as)"
    assert with_flag("plain", None) == "plain" and with_flag("x", "not_a_flag") == "x"


def test_a_user_error_exits_with_its_class_code_naming_the_flag(settings: Settings) -> None:
    none = runner.invoke(app, ["ask", QUESTION, "-w", "cx"])
    assert none.exit_code == UserInputError.exit_code == 2
    assert "no maps in scope" in none.stderr and "--map" in none.stderr
    assert "Traceback" not in none.output
    map_id = _map(settings)
    bad = runner.invoke(app, ["ask", QUESTION, "-w", "cx", "--map", map_id, "--lang", "xx"])
    assert bad.exit_code == 2 and "error: --lang must be one of" in bad.stderr
    missing = runner.invoke(app, ["keys", "revoke", "key_nothing"])
    assert missing.exit_code == NotFound.exit_code and "error: no key key_nothing" in missing.stderr


def test_a_model_failure_exits_with_its_class_code(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_id = _map(settings)
    model = ScriptedModel([LLMTimeout("the model did not answer", retry_after=0)] * 8)
    monkeypatch.setattr("api.cli.ask.configured_model", lambda s: model)
    result = runner.invoke(app, ["ask", QUESTION, "-w", "cx", "--map", map_id])
    assert result.exit_code == ModelTaskFailed.exit_code == 1
    assert "error: answer failed: answer:" in result.stderr and "did not answer" in result.stderr
    assert "details:" in result.stderr and "Traceback" not in result.output


def test_an_ingest_failure_names_the_flag_the_reason_asks_for(
    settings: Settings, tmp_path: Path
) -> None:
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(numbers), "-k", "review", "-w", "cx", "--json"])
    assert result.exit_code == 1  # a file failed
    [failure] = json.loads(result.stdout)["failures"]
    assert "name it with --text-field" in failure["reason"]
    assert failure["field"] == "text_field"

"""The ``cjm`` command line as a user drives it: help, ingest, search, status, reindex, demo."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from knowledge.platform.settings import Settings, get_settings
from knowledge.store.migrate import head
from tests.helpers.paths import FIXTURES

runner = CliRunner()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "search", "reindex", "status", "demo", "maps", "jobs", "db"):
        assert command in result.output
    ingest_help = runner.invoke(app, ["ingest", "--help"]).output
    for option in (
        "--kind",
        "--workspace",
        "--product",
        "--segment",
        "--text-field",
        "--id-field",
        "--keep-pii",
        "--json",
        "--encoding",
    ):
        assert option in ingest_help


def test_ingest_json_summary_and_exit_status(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_text('id,text\n1,"unclosed\n', encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "ingest",
            str(FIXTURES / "reviews_mixed.csv"),
            str(bad),
            "--kind",
            "review",
            "--workspace",
            "cx-ir",
            "--json",
        ],
    )
    assert result.exit_code == 1  # something did not go in
    summary = json.loads(result.stdout)
    assert summary["ok"] is False
    assert (summary["documents"], summary["chunks"], summary["failed"]) == (10, 10, 1)
    assert summary["failures"][0]["path"].endswith("broken.csv")
    assert "malformed CSV" in summary["failures"][0]["reason"]

    again = runner.invoke(
        app,
        [
            "ingest",
            str(FIXTURES / "reviews_mixed.csv"),
            "--kind",
            "review",
            "-w",
            "cx-ir",
            "--json",
        ],
    )
    assert again.exit_code == 0
    assert json.loads(again.stdout)["unchanged"] == 1


def test_unknown_kind_is_a_usage_error(settings: Settings) -> None:
    result = runner.invoke(app, ["ingest", str(FIXTURES), "--kind", "tweets"])
    assert result.exit_code == 2
    assert "unknown kind" in result.output


def test_search_json_and_text_output(settings: Settings) -> None:
    runner.invoke(app, ["ingest", str(FIXTURES / "reviews_mixed.csv"), "--kind", "review"])
    result = runner.invoke(app, ["search", "退款没到账", "--k", "3", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["query"] == "退款没到账"
    top = payload["hits"][0]
    assert {"evidence_id", "document_id", "location", "lang", "kind", "text", "score"} <= set(top)
    assert top["text"] == "取消订单的退款一直没到账，客服也不回复。"

    filtered = json.loads(runner.invoke(app, ["search", "refund", "--lang", "ru", "--json"]).stdout)
    assert {h["lang"] for h in filtered["hits"]} == {"ru"}

    text = runner.invoke(app, ["search", "پیک دیر رسید", "--k", "2"])
    assert text.exit_code == 0 and "reviews_mixed.csv" in text.output

    bad = runner.invoke(app, ["search", "x", "--lang", "klingon"])
    assert bad.exit_code == 2 and "unknown language" in bad.output


def test_status_and_reindex(settings: Settings) -> None:
    runner.invoke(app, ["ingest", str(FIXTURES / "interview_ru.txt"), "--kind", "interview"])
    status = json.loads(runner.invoke(app, ["status", "--json"]).stdout)
    assert status["sources"] == {"indexed": 1}
    assert status["indexed_chunks"] == 3  # the participant's turns; the interviewer's are context
    reindexed = runner.invoke(app, ["reindex", "--json"])
    assert reindexed.exit_code == 0 and json.loads(reindexed.stdout)["chunks"] == 3


def test_db_current_and_upgrade(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """With upgrading off, a new store is refused until `cjm db upgrade` creates it."""
    monkeypatch.setenv("CJM_DB_UPGRADE", "off")
    get_settings.cache_clear()
    refused = runner.invoke(app, ["status"])
    assert refused.exit_code == 1
    assert "automatic upgrading is off" in refused.stderr and "cjm db upgrade" in refused.stderr
    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 0 and before.stdout.startswith("none (behind head")
    assert json.loads(runner.invoke(app, ["db", "current", "--json"]).stdout)["at_head"] is False
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and f"upgraded from none to {head()}" in upgraded.stdout
    assert f"already at head {head()}" in runner.invoke(app, ["db", "upgrade"]).stdout
    now = json.loads(runner.invoke(app, ["db", "current", "--json"]).stdout)
    assert (now["revision"], now["at_head"]) == (head(), True)
    assert runner.invoke(app, ["status"]).exit_code == 0
    assert "upgrade" in runner.invoke(app, ["db", "--help"]).stdout


def test_demo_ingests_the_sample_research_and_searches_it(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where the printed export writes its file
    for run in (1, 2):  # a second run starts the sample map's review again
        result = runner.invoke(app, ["demo"], env={"CJM_USER": "demo"})
        assert result.exit_code == 0, result.output
        assert "0 failed" in result.output
        assert "VESNA20" in result.output or "SONGKRAN50" in result.output
        for query in ("پیک دیر رسید و غذا سرد بود", "не сработал промокод", "friendly courier"):
            assert query in result.output
        # the next steps it prints work exactly as printed
        lines = result.stdout.splitlines()
        steps = [shlex.split(line) for line in lines if line.startswith("  cjm ")]
        assert [s[1:3] for s in steps if s[1] == "maps"][-2:] == [
            ["maps", "approve"],
            ["maps", "history"],
        ]
        outputs = {}
        for step in steps:
            done = runner.invoke(app, step[1:], env={"CJM_USER": "mina"})
            assert done.exit_code == 0, (step, done.output)
            outputs[step[2]] = done.stdout
        assert f"v{run}  " in outputs["history"] and "mina  approve" in outputs["history"]
        assert (tmp_path / f"Journey map sample v{run}.html").exists()


def test_analyze_and_draft_from_the_command_line(settings: Settings, tmp_path: Path) -> None:
    from tests.helpers.paths import SAMPLES

    runner.invoke(app, ["ingest", str(SAMPLES / "reviews.csv"), "--kind", "review", "-w", "s"])
    analysis = runner.invoke(
        app, ["analyze", "-w", "s", "-f", "six_stage", "--rating-scale", "5", "--json"]
    )
    assert analysis.exit_code == 0, analysis.output
    payload = json.loads(analysis.stdout)
    assert payload["coverage"]["total_evidence"] == 60
    assert {p["polarity_source"] for p in payload["evidence"]} == {"rating"}

    target = tmp_path / "map.json"
    draft = runner.invoke(
        app, ["draft", "-w", "s", "-f", "six_stage", "--lang", "fa", "-o", str(target)]
    )
    assert draft.exit_code == 0, draft.output
    journey = json.loads(target.read_text(encoding="utf-8"))
    assert journey["evidence_only"] is True and journey["language"] == "fa"
    assert "CJM_LLM_BASE_URL" in draft.output  # says how to get the full draft

    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    import jsonschema

    jsonschema.validate(journey, schema)

    empty = runner.invoke(app, ["draft", "-w", "nobody", "-f", "six_stage"])
    assert empty.exit_code == 2 and "no evidence" in empty.output
    bad = runner.invoke(app, ["analyze", "-w", "s", "-f", "missing.yaml"])
    assert bad.exit_code == 2 and "no framework" in bad.output


def test_draft_with_a_model_shows_progress_and_fails_readably(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.drafting.fake_drafter import FakeDrafter
    from generator.llm.fakes import FunctionModel
    from tests.helpers.paths import SAMPLES

    runner.invoke(app, ["ingest", str(SAMPLES / "reviews.csv"), "--kind", "review", "-w", "s"])
    monkeypatch.setattr(
        "api.cli.draft.configured_model", lambda s: FunctionModel(FakeDrafter("ru"))
    )
    target = tmp_path / "map.json"
    result = runner.invoke(
        app,
        [
            "draft",
            "-w",
            "s",
            "-f",
            "six_stage",
            "-l",
            "ru",
            "--type",
            "service_blueprint",
            "--rating-scale",
            "5",
            "--personas",
            "2",
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "personas (2)" in result.stderr and "lanes:" in result.stderr
    journey = json.loads(target.read_text(encoding="utf-8"))
    assert journey["evidence_only"] is False and journey["map_type"] == "service_blueprint"
    assert len(journey["personas"]) == 2 and journey["recommendations"]
    assert journey["provenance"]["calls"]

    future = runner.invoke(
        app,
        [
            "draft",
            "--type",
            "future_state",
            "-l",
            "ru",
            "--from-map",
            str(target),
            "--goal",
            "Доставка вовремя",
        ],
    )
    assert future.exit_code == 2 and "current-state map" in future.stderr

    monkeypatch.setattr(
        "api.cli.draft.configured_model", lambda s: FunctionModel(lambda r: "not json at all")
    )
    failed = runner.invoke(app, ["draft", "-w", "s", "-f", "six_stage", "-l", "ru"])
    assert failed.exit_code == 1
    assert "draft failed" in failed.stderr and "personas" in failed.stderr
    saved = list((settings.home / "failed").glob("draft-*.json"))
    assert json.loads(saved[0].read_text(encoding="utf-8"))["last_raw_output"] == "not json at all"


def test_draft_without_a_model_refuses_what_needs_one(settings: Settings) -> None:
    result = runner.invoke(app, ["draft", "--type", "future_state", "--from-map", "x.json"])
    assert result.exit_code == 2 and "needs a language model" in result.stderr


def test_translate_command(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from generator.llm.fakes import FunctionModel
    from generator.translation.fake_translator import FakeTranslator
    from knowledge.journey.review.repository import MapRepository
    from knowledge.store import Database
    from tests.helpers import scenario
    from tests.helpers.maps import drafted

    repo = MapRepository(Database(settings))
    scenario.store(repo.db, "cx")
    map_id = repo.create("cx", drafted("zh"), "a").id
    no_model = runner.invoke(app, ["translate", map_id, "--to", "fa", "-w", "cx"])
    assert no_model.exit_code == 2 and "needs a language model" in no_model.stderr
    monkeypatch.setattr(
        "api.cli.translate.configured_model", lambda s: FunctionModel(FakeTranslator("fa"))
    )
    glossary = tmp_path / "terms.csv"
    glossary.write_text("zh,fa\n骑手,پیک\n", encoding="utf-8")
    done = runner.invoke(
        app, ["translate", map_id, "--to", "fa", "-w", "cx", "--glossary", str(glossary), "--json"]
    )
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["refreshed"] is False and result["texts_sent"] > 0
    assert repo.get("cx", result["map_id"]).language == "fa"
    missing = runner.invoke(
        app, ["translate", map_id, "--to", "fa", "-w", "cx", "--glossary", "nope"]
    )
    assert missing.exit_code == 2 and "no glossary nope" in missing.stderr


def test_ask_command(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.llm.fakes import FunctionModel
    from generator.qa.fake_answerer import FakeAnswerer
    from knowledge.journey.review.repository import MapRepository
    from knowledge.store import Database
    from tests.helpers import scenario
    from tests.helpers.maps import drafted

    repo = MapRepository(Database(settings))
    scenario.store(repo.db, "cx")
    map_id = repo.create("cx", drafted("fa"), "a").id
    none = runner.invoke(app, ["ask", "بیشترین مشکل در تحویل چیست؟", "-w", "cx"])
    assert none.exit_code == 2 and "no maps in scope" in none.stderr
    data = runner.invoke(app, ["ask", "بیشترین مشکل در تحویل چیست؟", "-w", "cx", "--map", map_id])
    assert data.exit_code == 0, data.output
    assert "مشکلات با بالاترین اولویت" in data.stdout and "(تحویل · fa)" in data.stdout
    assert map_id not in data.stdout and "delivery" not in data.stdout  # names, not ids
    # the map was stored without element vectors: the first question says it embeds them
    assert "map elements not embedded yet" in data.stderr
    monkeypatch.setattr("api.cli.ask.configured_model", lambda s: FunctionModel(FakeAnswerer("ru")))
    written = runner.invoke(
        app,
        [
            "ask",
            "بیشترین مشکل در تحویل چیست؟",
            "-w",
            "cx",
            "--map",
            map_id,
            "--lang",
            "ru",
            "--json",
        ],
    )
    assert written.exit_code == 0, written.output
    answer = json.loads(written.stdout)
    assert answer["lang"] == "ru" and answer["generator"] == "llm" and answer["citations"]

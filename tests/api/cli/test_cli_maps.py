"""The review of a map on the command line alone: ``cjm draft`` stores it, ``cjm maps`` takes it
through review as named local reviewers, with the transitions and refusals of the HTTP API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from api.cli.main import app
from generator.drafting.fake_drafter import FakeDrafter
from generator.llm.fakes import FunctionModel
from knowledge.platform.jobs import JobStore
from knowledge.platform.settings import Settings
from knowledge.store import Database
from tests.helpers import scenario
from tests.helpers.maps import PAIN, drafted
from tests.helpers.paths import SAMPLES

runner = CliRunner()


def cjm(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env=env)


def ok(*args: str) -> Any:
    """Run with --json and return the parsed output; the command must succeed."""
    result = cjm(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def refused(*args: str) -> str:
    """Run a command that must be refused: exit 2 and one clear line, no traceback."""
    result = cjm(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


def test_a_persian_map_from_draft_to_approval(settings: Settings, tmp_path: Path) -> None:
    ws = ["-w", "ir"]
    ingest = cjm("ingest", str(SAMPLES / "reviews.csv"), "--kind", "review", *ws)
    assert ingest.exit_code == 0, ingest.output
    target = tmp_path / "map.json"
    drafted_map = ok(
        "draft", *ws, "-f", "food_delivery", "--lang", "fa", "--rating-scale", "5",
        "--as", "ali", "-o", str(target),
    )  # fmt: skip
    map_id = drafted_map["map_id"]
    assert (drafted_map["version"], drafted_map["status"]) == (1, "draft")
    assert drafted_map["workspace"] == "ir" and drafted_map["evidence_only"] is True
    assert json.loads(target.read_text(encoding="utf-8"))["id"] == map_id

    listed = ok("maps", "list", *ws)
    assert listed["total"] == 1 and listed["items"][0]["id"] == map_id
    assert listed["items"][0]["language"] == "fa"

    content = ok("maps", "show", map_id, *ws)
    assert content["language"] == "fa" and content["id"] == map_id
    stage = next(s for s in content["stages"] if s["pain_points"])
    pain = f"stages/{stage['id']}/pain_points/{stage['pain_points'][0]['id']}"
    shown = cjm("maps", "show", map_id, *ws)
    assert shown.exit_code == 0
    assert "وضعیت: پیش\u200cنویس" in shown.stdout and "نسخه 1/1" in shown.stdout  # all Persian
    assert "draft" not in shown.stdout and "current_state" not in shown.stdout
    assert stage["name"]["text"] in shown.stdout  # stage names in the map's language
    assert f"{stage['evidence_count']} شاهد" in shown.stdout

    assert "cannot approve map" in refused("maps", "approve", map_id, *ws, "--as", "sara")
    assert ok("maps", "submit", map_id, *ws, "--as", "ali")["status"] == "in_review"
    sent_back = ok(
        "maps", "request-changes", map_id, *ws, "--as", "sara", "--note", "عنوان دقیق‌تر شود"
    )
    assert sent_back["status"] == "changes_requested"
    note = ok("maps", "comment", map_id, "این عنوان کلی است", "--anchor", pain, *ws, "--as", "sara")
    assert (note["author"], note["anchor"], note["version"]) == ("sara", pain, 1)
    assert "no element" in refused("maps", "comment", map_id, "x", "--anchor", "stages/nope", *ws)

    title = "پیک دیر می‌رسد و غذا سرد است"
    edited = ok("maps", "edit", map_id, "--set", f"{pain}/title={title}", *ws, "--as", "ali")
    assert (edited["head"], edited["status"]) == (2, "draft")
    stale = refused("maps", "submit", map_id, *ws, "--version", "1")
    assert "is at version 2, not 1" in stale
    # the default name comes from CJM_USER
    resubmitted = cjm("maps", "submit", map_id, *ws, env={"CJM_USER": "ali"})
    assert resubmitted.exit_code == 0 and "in_review, version 2" in resubmitted.stdout
    approved = ok("maps", "approve", map_id, *ws, "--as", "sara", "--version", "2")
    assert (approved["status"], approved["approved_version"]) == ("approved", 2)
    assert "it is approved" in refused("maps", "approve", map_id, *ws, "--as", "sara")
    assert "it is approved" in refused("maps", "submit", map_id, *ws)

    events = ok("maps", "history", map_id, *ws)
    assert [(e["actor"], e["action"], e["version"]) for e in events] == [
        ("ali", "draft", 1),
        ("ali", "submit", 1),
        ("sara", "request_changes", 1),
        ("sara", "comment", 1),
        ("ali", "edit", 2),
        ("ali", "submit", 2),
        ("sara", "approve", 2),
    ]
    assert events[2]["detail"] == "عنوان دقیق‌تر شود"
    changes = ok("maps", "diff", map_id, *ws, "--from", "1", "--to", "2")
    assert [(c["path"], c["kind"], c["new"]) for c in changes] == [
        (f"{pain}/title", "changed", title)
    ]
    readable = cjm("maps", "diff", map_id, *ws)  # default: head - 1 -> head
    assert "version 1 → 2, 1 changes" in readable.stdout and f"+ {title}" in readable.stdout
    comments = ok("maps", "comments", map_id, *ws)
    assert [c["body"] for c in comments] == ["این عنوان کلی است"]

    exported = cjm("export", map_id, *ws, "--format", "json", "-o", str(tmp_path / "out.json"))
    assert exported.exit_code == 0, exported.output
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["language"] == "fa"
    assert "no map nope in workspace ir" in refused("maps", "show", "nope", *ws)


def test_import_a_thai_map_as_the_api_validates_it(settings: Settings, tmp_path: Path) -> None:
    scenario.store(Database(settings), "th-team")
    path = tmp_path / "th.json"
    path.write_text(drafted("th").model_dump_json(), encoding="utf-8")

    stored = ok("maps", "import", str(path), "-w", "th-team", "--as", "somchai")
    assert (stored["status"], stored["head"], stored["language"]) == ("draft", 1, "th")
    assert "already has a map" in refused("maps", "import", str(path), "-w", "th-team")
    # the quotes are not evidence of another workspace: nothing is stored there
    elsewhere = refused("maps", "import", str(path), "-w", "other")
    assert "nothing was stored" in elsewhere and "evidence" in elsewhere
    assert ok("maps", "list", "-w", "other")["total"] == 0

    broken = json.loads(path.read_text(encoding="utf-8"))
    broken["language"] = "xx"
    del broken["stages"]
    path.write_text(json.dumps(broken), encoding="utf-8")
    said = refused("maps", "import", str(path), "-w", "th-team")
    assert "not valid" in said and "language" in said and "stages" in said
    assert "cannot read" in refused("maps", "import", str(tmp_path / "missing.json"))

    # show --json prints the map as import reads it: a copy under another id is the same map
    shown = ok("maps", "show", stored["id"], "-w", "th-team")
    path.write_text(json.dumps({**shown, "id": "th-copy"}, ensure_ascii=False), encoding="utf-8")
    assert ok("maps", "import", str(path), "-w", "th-team")["id"] == "th-copy"
    assert ok("maps", "show", "th-copy", "-w", "th-team") == {**shown, "id": "th-copy"}

    # the review notes in other languages are kept as written
    map_id = stored["id"]
    ok("maps", "submit", map_id, "-w", "th-team", "--as", "somchai", "--note", "请审核")
    ok("maps", "comment", map_id, "Проверьте цитаты", "--anchor", PAIN, "-w", "th-team")
    assert "at most 4000" in refused(
        "maps", "request-changes", map_id, "-w", "th-team", "--note", "ย" * 4001
    )
    assert "needs a name" in refused("maps", "approve", map_id, "-w", "th-team", "--as", " ")
    assert ok("maps", "history", map_id, "-w", "th-team")[1]["detail"] == "请审核"


def test_jobs_on_the_command_line(settings: Settings) -> None:
    store = JobStore(Database(settings))
    job = store.create("cn", "draft", "li", {"lang": "zh"})
    store.start(job.id)  # a job succeeds only from running
    store.succeed(job.id, {"map_id": "cx-zh", "version": 1})
    listed = ok("jobs", "list", "-w", "cn")
    assert listed["total"] == 1 and listed["items"][0]["result"]["map_id"] == "cx-zh"
    shown = ok("jobs", "show", job.id, "-w", "cn")
    assert (shown["status"], shown["actor"], shown["request"]) == (
        "succeeded",
        "li",
        {"lang": "zh"},
    )
    text = cjm("jobs", "list", "-w", "cn")
    assert f"{job.id}  draft  succeeded  li" in text.stdout and "→ map cx-zh v1" in text.stdout
    assert ok("jobs", "list", "-w", "cn", "--status", "failed")["total"] == 0
    assert "no job" in refused("jobs", "show", job.id, "-w", "elsewhere")
    assert "--kind must be one of" in refused("jobs", "list", "--kind", "bogus")


def test_a_future_state_from_a_stored_chinese_map(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario.store(Database(settings), "cn")
    path = Path(settings.home) / "zh.json"
    path.write_text(drafted("zh").model_dump_json(), encoding="utf-8")
    current = ok("maps", "import", str(path), "-w", "cn")["id"]
    monkeypatch.setattr(
        "api.cli.draft.configured_model", lambda s: FunctionModel(FakeDrafter("zh"))
    )
    wrong = refused(
        "draft", "--type", "future_state", "--from-map", current, "-w", "cn", "-l", "fa",
        "--goal", "سریع‌تر",
    )  # fmt: skip
    assert "in zh" in wrong
    assert "no map nope in workspace cn" in refused(
        "draft", "--type", "future_state", "--from-map", "nope", "-w", "cn", "-l", "zh"
    )
    future = ok(
        "draft", "--type", "future_state", "--from-map", current, "-w", "cn", "-l", "zh",
        "--goal", "配送更快", "--as", "li",
    )  # fmt: skip
    assert future["map_id"] != current and future["version"] == 1
    content = ok("maps", "show", future["map_id"], "-w", "cn")
    assert content["map_type"] == "future_state" and content["provenance"]["based_on"] == current
    assert ok("maps", "history", future["map_id"], "-w", "cn")[0]["actor"] == "li"

"""``cjm label`` as a researcher drives it: label one evidence (Persian, Thai), list, undo,
import label files (CSV, TSV, XLSX, JSONL) with bad rows reported by line, export and import
again, and theme rules on a stored evidence-only map; plus label files that are broken."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from knowledge.platform.errors import BadFileError
from knowledge.platform.settings import Settings
from knowledge.research.corrections.files import LabelFileLimits, parse_labels, read_labels
from tests.helpers.paths import FIXTURES, SAMPLES

runner = CliRunner()
W = ["-w", "cx"]


def _ingest(workspace: str = "cx") -> dict[str, str]:
    """record id -> evidence id of the mixed-language reviews (fa-1, th-1, ...)."""
    done = runner.invoke(
        app, ["ingest", str(FIXTURES / "reviews_mixed.csv"), "--kind", "review", "-w", workspace]
    )
    assert done.exit_code == 0, done.output
    from knowledge.platform.settings import get_settings
    from knowledge.store import ChunkRow, Database, DocumentRow

    db = Database(get_settings())
    try:
        with db.session() as s:
            rows = s.execute(
                ChunkRow.__table__.select()
                .with_only_columns(DocumentRow.record_id, ChunkRow.id)
                .join_from(ChunkRow, DocumentRow, DocumentRow.id == ChunkRow.document_id)
                .where(ChunkRow.workspace == workspace)
            ).all()
    finally:
        db.dispose()
    return {str(r[0]): r[1] for r in rows}


def _list(*extra: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["label", "list", *W, "--json", *extra])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def test_label_help_lists_every_subcommand() -> None:
    result = runner.invoke(app, ["label", "--help"])
    assert result.exit_code == 0
    for name in ("set", "import", "export", "undo", "list", "merge", "move-out", "suggest"):
        assert name in result.output
    assert "keeps what" in runner.invoke(app, ["label", "set", "--help"]).output.replace("\n", " ")
    assert "Exit status 0" in runner.invoke(app, ["label", "import", "--help"]).output


def test_label_persian_and_thai_evidence_then_list_and_undo(settings: Settings) -> None:
    ids = _ingest()
    fa, th = ids["fa-1"], ids["th-1"]
    set_fa = runner.invoke(app, ["label", fa, "--stage", "service", *W, "--note", "پیک دیر رسید"])
    assert set_fa.exit_code == 0, set_fa.output
    assert f"labelled {fa}: stage service" in set_fa.stdout
    # a code alone keeps the stage the label had
    coded = runner.invoke(app, ["label", fa, "--code", "late_delivery", *W])
    assert coded.exit_code == 0, coded.output
    assert "stage service, code late_delivery" in coded.stdout
    thai = runner.invoke(app, ["label", "set", th, "--not-evidence", *W, "--note", "ไม่ใช่ลูกค้า"])
    assert thai.exit_code == 0, thai.output

    active = {c["evidence_id"]: c for c in _list()}
    assert active[fa]["stage"] == "service" and active[fa]["code"] == "late_delivery"
    assert active[th]["not_evidence"] is True and active[th]["note"] == "ไม่ใช่ลูกค้า"
    assert len(_list("--history")) == 3  # the first Persian label, superseded
    table = runner.invoke(app, ["label", "list", *W, "--evidence", th])
    assert th in table.stdout and "ไม่ใช่ลูกค้า" in table.stdout and fa not in table.stdout

    undone = runner.invoke(app, ["label", "undo", fa, *W])
    assert undone.exit_code == 0 and "undone" in undone.stdout
    again = runner.invoke(app, ["label", "undo", fa, *W])
    assert again.exit_code == 1 and "no label to undo" in again.stderr
    by_id = runner.invoke(app, ["label", "undo", "--correction", active[th]["id"], *W])
    assert by_id.exit_code == 0, by_id.output
    assert _list() == []
    states = {c["state"] for c in _list("--history")}
    assert states == {"superseded", "undone"}


def test_label_mistakes_are_one_line_errors(settings: Settings) -> None:
    ids = _ingest()
    fa = ids["fa-2"]
    stage = runner.invoke(app, ["label", fa, "--stage", "نامعلوم", *W])
    assert stage.exit_code == 1 and "unknown stage 'نامعلوم'" in stage.stderr
    assert "Traceback" not in stage.output
    code = runner.invoke(app, ["label", fa, "--stage", "service", "--code", "nope", *W])
    assert code.exit_code == 1 and "unknown code 'nope'" in code.stderr
    missing = runner.invoke(app, ["label", "ev_missing", "--stage", "service", *W])
    assert missing.exit_code == 1 and "no evidence ev_missing" in missing.stderr
    nothing = runner.invoke(app, ["label", fa, *W])
    assert nothing.exit_code == 1 and "give a stage, a code, or not_evidence" in nothing.stderr
    both = runner.invoke(app, ["label", "undo", *W])
    assert both.exit_code == 2


def test_another_workspaces_evidence_is_not_found(settings: Settings, tmp_path: Path) -> None:
    ids = _ingest("team-a")
    result = runner.invoke(app, ["label", ids["th-2"], "--stage", "service", "-w", "team-b"])
    assert result.exit_code == 1
    assert f"no evidence {ids['th-2']} in workspace team-b" in result.stderr
    file = tmp_path / "labels.csv"
    file.write_text(f"evidence_id,stage\n{ids['th-2']},service\n", encoding="utf-8")
    imported = runner.invoke(app, ["label", "import", str(file), "-w", "team-b"])
    assert imported.exit_code == 1  # nothing stored
    assert f"{file}:2: no evidence" in imported.stderr


ROWS = [
    {"record_id": "fa-1", "stage": "service", "code": "late_delivery", "note": "دیر"},
    {"record_id": "nope-9", "stage": "service"},  # line 3: unknown record
    {"record_id": "th-1", "stage": "ไม่มี"},  # line 4: unknown stage
    {"record_id": "th-2", "stage": "service", "code": "no_such_code"},  # line 5: unknown code
    {"record_id": "zh-1", "stage": "service", "code": "cold_food", "not_evidence": "no"},
]
HEADER = ["Record_ID", "STAGE", "code", "not_evidence", "note", "ignored"]


def _write(path: Path) -> None:
    cells = [[r.get(h.lower(), "") for h in HEADER] for r in ROWS]
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(HEADER)
        for row in cells:
            sheet.append(row)
        sheet.append([None] * len(HEADER))  # an empty row is skipped
        book.create_sheet("other").append(["junk"])
        book.save(path)
    elif path.suffix == ".jsonl":
        lines = [
            json.dumps(
                {"Record_ID" if k == "record_id" else k: v for k, v in r.items()},
                ensure_ascii=False,
            )
            for r in ROWS
        ]
        path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    else:
        sep = "\t" if path.suffix == ".tsv" else ","
        text = "\n".join(sep.join(row) for row in [HEADER, *cells]) + "\n\n"
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # with a BOM, as Excel saves


@pytest.mark.parametrize("ext", ["csv", "tsv", "xlsx", "jsonl"])
def test_import_reports_bad_rows_by_line_and_stores_the_rest(
    settings: Settings, tmp_path: Path, ext: str
) -> None:
    ids = _ingest()
    file = tmp_path / f"labels.{ext}"
    _write(file)
    result = runner.invoke(app, ["label", "import", str(file), *W])
    assert result.exit_code == 0, result.output  # stored some, so a success
    first = 1 if ext == "jsonl" else 2  # a table's header is line 1
    assert f"{file}:{first + 1}: no record 'nope-9' in workspace cx" in result.stderr
    assert f"{file}:{first + 2}: unknown stage 'ไม่มี'" in result.stderr
    assert f"{file}:{first + 3}: unknown code 'no_such_code'" in result.stderr
    assert "stored 2 labels" in result.stdout and "3 rows failed" in result.stdout
    active = {c["evidence_id"]: c for c in _list()}
    assert set(active) == {ids["fa-1"], ids["zh-1"]}
    assert active[ids["fa-1"]]["record_id"] == "fa-1" and active[ids["fa-1"]]["note"] == "دیر"


@pytest.mark.parametrize("ext", ["csv", "tsv", "xlsx", "jsonl"])
def test_export_then_import_round_trips(settings: Settings, tmp_path: Path, ext: str) -> None:
    ids = _ingest()
    note = '=HYPERLINK("http://x") پیک'  # a spreadsheet must not run it; import restores it
    runner.invoke(app, ["label", ids["fa-1"], "--stage", "service", "--note", note, *W])
    runner.invoke(app, ["label", ids["th-1"], "--stage", "purchase", "--code", "cold_food", *W])
    runner.invoke(app, ["label", ids["ru-1"], "--not-evidence", *W])
    before = {
        (c["evidence_id"], c["stage"], c["code"], c["not_evidence"], c["note"]) for c in _list()
    }
    file = tmp_path / f"out.{ext}"
    exported = runner.invoke(app, ["label", "export", *W, "-o", str(file)])
    assert exported.exit_code == 0, exported.output
    assert "wrote 3 labels" in exported.stderr
    if ext in ("csv", "tsv"):
        assert "'=HYPERLINK" in file.read_text(encoding="utf-8")
    parsed = read_labels(file)
    assert parsed.problems == [] and len(parsed.labels) == 3
    for c in _list():
        runner.invoke(app, ["label", "undo", c["evidence_id"], *W])
    assert _list() == []
    imported = runner.invoke(app, ["label", "import", str(file), *W])
    assert imported.exit_code == 0, imported.output
    assert "stored 3 labels" in imported.stdout and "0 rows failed" in imported.stdout
    after = {
        (c["evidence_id"], c["stage"], c["code"], c["not_evidence"], c["note"]) for c in _list()
    }
    assert after == before


def test_export_to_stdout_is_csv_with_the_text(settings: Settings) -> None:
    ids = _ingest()
    runner.invoke(app, ["label", ids["th-2"], "--stage", "service", *W])
    result = runner.invoke(app, ["label", "export", *W])
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()
    assert header.split(",")[:5] == ["evidence_id", "record_id", "stage", "code", "not_evidence"]
    assert "ไรเดอร์สุภาพมาก" in row and "th-2" in row
    history = runner.invoke(app, ["label", "export", *W, "--history"])
    assert history.stdout.splitlines()[0].endswith(",state")


def _stored_map(tmp_path: Path) -> tuple[str, dict[str, Any]]:
    """An evidence-only map drafted from the sample reviews and stored in workspace cx."""
    from knowledge.journey.model import JourneyMap
    from knowledge.journey.review.repository import MapRepository
    from knowledge.platform.settings import get_settings
    from knowledge.store import Database

    runner.invoke(app, ["ingest", str(SAMPLES / "reviews.csv"), "--kind", "review", *W])
    target = tmp_path / "map.json"
    draft = runner.invoke(app, ["draft", *W, "-f", "six_stage", "--lang", "fa", "-o", str(target)])
    assert draft.exit_code == 0, draft.output
    journey = JourneyMap.model_validate_json(target.read_text(encoding="utf-8"))
    db = Database(get_settings())
    try:
        map_id = MapRepository(db).create("cx", journey, "a").id
    finally:
        db.dispose()
    return map_id, json.loads(target.read_text(encoding="utf-8"))


def test_merge_and_move_out_on_an_evidence_only_map(settings: Settings, tmp_path: Path) -> None:
    map_id, journey = _stored_map(tmp_path)
    stage = next(s for s in journey["stages"] if len(s["pain_points"]) + len(s["delighters"]) >= 2)
    a, b = [e["id"] for e in [*stage["pain_points"], *stage["delighters"]]][:2]
    merged = runner.invoke(
        app, ["label", "merge", a, b, "--map", map_id, *W, "--note", "یکی هستند"]
    )
    assert merged.exit_code == 0, merged.output
    assert "merge" in merged.stdout
    element = stage["pain_points"][0] if stage["pain_points"] else stage["delighters"][0]
    evidence = element["evidence"][0]["evidence_id"]
    moved = runner.invoke(
        app, ["label", "move-out", evidence, "--theme", element["id"], "--map", map_id, *W]
    )
    assert moved.exit_code == 0, moved.output
    rules = {c["action"]: c for c in _list()}
    assert set(rules) == {"merge", "move_out"}
    assert rules["merge"]["note"] == "یکی هستند" and len(rules["merge"]["themes"]) == 2
    assert rules["move_out"]["evidence_id"] == evidence
    table = runner.invoke(app, ["label", "list", *W]).stdout
    assert "merge" in table and rules["move_out"]["id"] in table

    unknown = runner.invoke(app, ["label", "merge", a, "pp-nothing", "--map", map_id, *W])
    assert unknown.exit_code == 1 and "no pain point or delighter 'pp-nothing'" in unknown.stderr
    no_map = runner.invoke(app, ["label", "merge", a, b, "--map", "map_missing", *W])
    assert no_map.exit_code == 1 and "Traceback" not in no_map.output
    undo = runner.invoke(app, ["label", "undo", "--correction", rules["merge"]["id"], *W])
    assert undo.exit_code == 0 and [c["action"] for c in _list()] == ["move_out"]


# label files ----------------------------------------------------------------------------------
def test_a_file_without_the_needed_columns_is_refused() -> None:
    with pytest.raises(BadFileError, match="no evidence_id or record_id column"):
        parse_labels(b"id,stage\n1,service\n", "a.csv", "csv")
    with pytest.raises(BadFileError, match="no stage, code or not_evidence column"):
        parse_labels(b"record_id,note\nfa-1,x\n", "a.csv", "csv")
    with pytest.raises(BadFileError, match="duplicate columns"):
        parse_labels(b"record_id,Stage,stage\nfa-1,a,b\n", "a.csv", "csv")
    with pytest.raises(BadFileError, match="empty"):
        parse_labels(b"\n\n", "a.csv", "csv")


def test_rows_that_are_not_labels_are_problems_with_their_line() -> None:
    data = "record_id;stage;not_evidence\n\nfa-1;service;\n;service;\nth-1;;maybe\nth-2;;1\n"
    parsed = parse_labels(data.encode("utf-8"), "a.csv", "csv")
    assert [line for line, _ in parsed.labels] == [3, 6]
    assert parsed.labels[1][1].not_evidence is True
    assert parsed.problems == [
        (4, "no evidence_id or record_id"),
        (5, "not_evidence is 'maybe'; use true/false, 1/0 or yes/no"),
    ]


def test_broken_files_are_readable_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(BadFileError, match="not UTF-8"):
        read_labels(junk)
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"record_id,stage\x00\x00\n")
    with pytest.raises(BadFileError, match="binary data"):
        read_labels(nul)
    latin = tmp_path / "latin.tsv"
    latin.write_bytes("record_id\tstage\tnote\nfa-1\tservice\tcafé\n".encode("latin-1"))
    with pytest.raises(BadFileError, match="save the file as UTF-8"):
        read_labels(latin)

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["record_id", "stage"])
    book.active.append(["th-1", "service"])
    whole = io.BytesIO()
    book.save(whole)
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    with pytest.raises(BadFileError, match="cut.xlsx"):
        read_labels(truncated)
    renamed = tmp_path / "text.xlsx"
    renamed.write_text("record_id,stage\n", encoding="utf-8")
    with pytest.raises(BadFileError, match="not a readable .xlsx"):
        read_labels(renamed)

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(30):
            z.writestr(f"x{i}.xml", "")
    limits = LabelFileLimits(archive=LabelFileLimits().archive.__class__(max_entries=10))
    with pytest.raises(BadFileError, match="CJM_MAX_ARCHIVE_ENTRIES"):
        parse_labels(bomb.getvalue(), "bomb.xlsx", "xlsx", limits)

    lines = tmp_path / "labels.jsonl"
    lines.write_text(
        '["record_id", "stage"]\n{"record_id": "fa-1", "stage": "service"}\n{not json\n42\n',
        encoding="utf-8",
    )
    parsed = read_labels(lines)
    assert [line for line, _ in parsed.labels] == [2]
    assert [line for line, _ in parsed.problems] == [1, 3, 4]
    assert "not a JSON object but list" in parsed.problems[0][1]
    only_bad = tmp_path / "bad.jsonl"
    only_bad.write_text("[1]\n", encoding="utf-8")
    with pytest.raises(BadFileError, match="no labels: line 1"):
        read_labels(only_bad)

    with pytest.raises(BadFileError, match="over the limit"):
        parse_labels(b"record_id,stage\n" * 10, "big.csv", "csv", LabelFileLimits(max_bytes=20))
    rows = b"record_id,stage\n" + b"fa-1,service\n" * 5
    with pytest.raises(BadFileError, match="more than 3 label rows"):
        parse_labels(rows, "many.csv", "csv", LabelFileLimits(max_rows=3))
    with pytest.raises(BadFileError, match="a label file is .csv"):
        read_labels(tmp_path / "labels.pdf")
    with pytest.raises(BadFileError, match="No such file"):
        read_labels(tmp_path / "missing.csv")


def test_import_of_a_broken_file_exits_1_without_a_traceback(
    settings: Settings, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00\x01junk")
    result = runner.invoke(app, ["label", "import", str(junk), *W])
    assert result.exit_code == 1 and "not UTF-8" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_suggest_lists_unlabelled_evidence_and_learns_nothing_twice(settings: Settings) -> None:
    ids = _ingest()
    result = runner.invoke(app, ["label", "suggest", *W, "--n", "3", "--json"])
    assert result.exit_code == 0, result.output
    picks = json.loads(result.stdout)
    assert len(picks) == 3 and len({p["evidence_id"] for p in picks}) == 3
    assert {p["evidence_id"] for p in picks} <= set(ids.values())
    first = picks[0]["evidence_id"]
    done = runner.invoke(app, ["label", first, "--stage", "purchase", *W])
    assert done.exit_code == 0, done.output
    again = json.loads(runner.invoke(app, ["label", "suggest", *W, "--n", "50", "--json"]).stdout)
    assert first not in {p["evidence_id"] for p in again}
    table = runner.invoke(app, ["label", "suggest", *W, "--n", "2"])
    assert table.exit_code == 0 and "1 correction so far" in table.output


def test_a_team_spreadsheet_names_stages_and_codes_in_its_own_language(
    settings: Settings, tmp_path: Path
) -> None:
    """Coded spreadsheets carry the team's words: «خرید» without care for ZWNJ or Arabic
    letter forms, «การบริการ», «Опоздание доставки» are the stage and code they name."""
    ids = _ingest()
    file = tmp_path / "coded.csv"
    file.write_text(
        "record_id,stage,code\n"
        "fa-1,خريد,دیر رسیدن سفارش\n"  # Arabic yeh; the code's Persian name
        "th-1,การบริการ,\n"
        "ru-1,  ОБСЛУЖИВАНИЕ ,опоздание доставки\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["label", "import", str(file), *W, "--framework", "six_stage"])
    assert result.exit_code == 0, result.output
    active = {c["evidence_id"]: (c["stage"], c["code"]) for c in _list()}
    assert active == {
        ids["fa-1"]: ("purchase", "late_delivery"),
        ids["th-1"]: ("service", None),
        ids["ru-1"]: ("service", "late_delivery"),
    }

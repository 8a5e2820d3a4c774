"""Ingestion end to end: batches with bad files, idempotency, dedup, atomicity, kill-and-resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge.research.ingest import IngestOptions, Ingestor, reindex
from knowledge.search.embeddings import text_hash
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher
from knowledge.store import ChunkRow, DocumentRow, SourceRow
from tests.helpers.paths import FIXTURES, SAMPLES


def _counts(library: Library) -> tuple[int, int, int]:
    with library.db.session() as s:
        return (
            s.scalar(select(func.count(SourceRow.id))) or 0,
            s.scalar(select(func.count(DocumentRow.id))) or 0,
            s.scalar(select(func.count(ChunkRow.id))) or 0,
        )


def test_batch_with_bad_files_reports_them_and_ingests_the_rest(
    library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.csv").write_bytes((FIXTURES / "reviews_mixed.csv").read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    # legacy Windows Persian text is typed with Arabic yeh (ي), which cp1256 has
    (folder / "persian_cp1256.txt").write_bytes("غذا خيلي دير رسيد و سرد بود".encode("cp1256"))
    (folder / "russian_cp1251.csv").write_bytes(
        "id,text\n1,Курьер опоздал на час\n".encode("cp1251")
    )
    (folder / "chinese_gb18030.txt").write_bytes("骑手迟到了一个小时，饭都凉了".encode("gb18030"))
    (folder / "thai_tis620.txt").write_bytes("อาหารมาช้ามากและเย็นชืด".encode("tis-620"))
    (folder / "broken.csv").write_text('id,text\n1,"never closed\n2,ok\n', encoding="utf-8")
    (folder / "huge_line.txt").write_text("x" * 200_001, encoding="utf-8")
    (folder / "corrupt.docx").write_bytes(b"not a zip at all")
    (folder / "notes.xyz").write_text("ignored", encoding="utf-8")

    report = Ingestor(library).run([folder], IngestOptions(kind="review", workspace="w1"))
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["good.csv"].status == "ingested"
    assert by_name["good.csv"].documents == 10
    assert by_name["notes.xyz"].status == "skipped"
    failed = {name: f.reason or "" for name, f in by_name.items() if f.status == "failed"}
    assert set(failed) == {
        "empty.txt",
        "binary.txt",
        "persian_cp1256.txt",
        "russian_cp1251.csv",
        "chinese_gb18030.txt",
        "thai_tis620.txt",
        "broken.csv",
        "huge_line.txt",
        "corrupt.docx",
    }
    assert "empty" in failed["empty.txt"]
    assert "binary" in failed["binary.txt"]
    assert "windows-1256" in failed["persian_cp1256.txt"]
    assert "windows-1251" in failed["russian_cp1251.csv"]
    assert "GB18030" in failed["chinese_gb18030.txt"]
    assert "TIS-620" in failed["thai_tis620.txt"]
    assert (
        "line 200" not in failed["huge_line.txt"]
        and "200,001 characters" in failed["huge_line.txt"]
    )
    assert "docx" in failed["corrupt.docx"]
    assert not report.ok
    # only the good file reached the store, nothing of the failed ones
    assert _counts(library) == (1, 10, 10)
    assert library.index.count() == 10


def test_legacy_encoding_can_be_named(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "fa.txt"
    path.write_bytes("غذا خيلي دير رسيد و سرد بود".encode("cp1256"))
    report = Ingestor(library).run(
        [path], IngestOptions(kind="review", workspace="w", encoding="cp1256")
    )
    assert report.ok
    with library.db.session() as s:
        chunk = s.scalars(select(ChunkRow)).one()
    assert chunk.text == "غذا خيلي دير رسيد و سرد بود"  # the quote as written
    assert chunk.search_text == "غذا خیلی دیر رسید و سرد بود"  # folded for search
    assert chunk.lang == "fa"


def test_reingest_is_a_noop_and_identical_texts_are_embedded_once(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "dupes.csv"
    path.write_text(
        "id,text\n1,خیلی دیر رسید.\n2,خیلی دیر رسید.\n"
        "3,送餐太慢了，等了快两个小时\n4,送餐太慢了，等了快两个小时\n5,Cold food.\n",
        encoding="utf-8",
    )
    ingestor = Ingestor(library)
    first = ingestor.run([path], IngestOptions(kind="review"))
    assert first.ok and first.files[0].documents == 5
    # five records stay five pieces of evidence (frequency matters) ...
    assert _counts(library) == (1, 5, 5)
    # ... but only three distinct texts were sent to the model
    assert first.embedded == 3
    assert library.index.count() == 5

    again = ingestor.run([path], IngestOptions(kind="review"))
    assert again.files[0].status == "unchanged"
    assert again.embedded == 0
    assert _counts(library) == (1, 5, 5)

    # the same content under another name is the same source
    copy = tmp_path / "copy.csv"
    copy.write_bytes(path.read_bytes())
    assert ingestor.run([copy], IngestOptions(kind="review")).files[0].status == "unchanged"


def test_posts_to_different_accounts_embed_alike_but_quote_and_search_as_written(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "tweets.csv"
    path.write_text(
        "id,text\n"
        "1,@united my bag never arrived http://t.co/AbC\n"
        "2,@JetBlue my bag never arrived http://t.co/XyZ\n"
        "3,@united the crew was lovely\n",
        encoding="utf-8",
    )
    report = Ingestor(library).run([path], IngestOptions(kind="review"))
    assert report.ok
    # the two complaints differ only in whom they address and the link: one text to embed
    assert report.embedded == 2
    with library.db.session() as s:
        rows = {c.location["record_id"]: c for c in s.scalars(select(ChunkRow))}
    assert rows["1"].text == "@united my bag never arrived http://t.co/AbC"
    assert rows["1"].text_hash == rows["2"].text_hash != rows["3"].text_hash
    hits = Searcher(library).search("@JetBlue", filters=EvidenceFilter(), mode="lexical")
    assert [h.text for h in hits][:1] == ["@JetBlue my bag never arrived http://t.co/XyZ"]


def test_reindex_brings_chunks_of_an_older_library_to_the_content_text(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "tweets.csv"
    path.write_text("id,text\n1,@united my bag never arrived\n", encoding="utf-8")
    Ingestor(library).run([path], IngestOptions(kind="review"))
    with library.db.session() as s:
        chunk = s.scalars(select(ChunkRow)).one()
        current = chunk.text_hash
        # as a library ingested before handles were written generically has it
        chunk.text_hash = text_hash(chunk.search_text)
    assert reindex(library) == 1
    with library.db.session() as s:
        assert s.scalars(select(ChunkRow.text_hash)).one() == current
    stored = library.cached_embedder.lookup([current])[current]
    expected = library.embedder.embed_passages(["@user my bag never arrived"])[0]
    assert float(stored @ expected) > 0.999


def test_same_file_in_two_workspaces_is_kept_apart(library: Library) -> None:
    ingestor = Ingestor(library)
    for ws in ("team-a", "team-b"):
        report = ingestor.run(
            [FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review", workspace=ws)
        )
        assert report.files[0].status == "ingested"
    assert _counts(library) == (2, 20, 20)
    assert library.cached_embedder.computed == 10


def test_chunks_carry_language_location_metadata_and_verbatim_quotes(library: Library) -> None:
    Ingestor(library).run(
        [FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review", product="app")
    )
    with library.db.session() as s:
        rows = {c.location["record_id"]: c for c in s.scalars(select(ChunkRow))}
    assert {k: v.lang for k, v in rows.items()} == {
        "fa-1": "fa",
        "fa-2": "fa",
        "ru-1": "ru",
        "ru-2": "ru",
        "th-1": "th",
        "th-2": "th",
        "zh-1": "zh",
        "zh-2": "zh",
        "en-1": "en",
        "en-2": "en",
    }
    fa = rows["fa-2"]
    assert fa.text == "غذا داغ و خوش‌مزه رسید، پیک هم خیلی مؤدب بود."  # ZWNJ kept
    assert "\u200c" in fa.text
    assert fa.location == {"file": "reviews_mixed.csv", "row": 2, "line": 3, "record_id": "fa-2"}
    assert (fa.rating, fa.label, fa.date, fa.kind, fa.product) == (
        5.0,
        "HAPPY",
        "2026-02-03",
        "review",
        "app",
    )


def test_interview_keeps_turns_and_only_indexes_the_participant(library: Library) -> None:
    report = Ingestor(library).run([FIXTURES / "interview_ru.txt"], IngestOptions(kind="interview"))
    assert report.ok
    with library.db.session() as s:
        doc = s.scalars(select(DocumentRow)).one()
        chunks = list(s.scalars(select(ChunkRow).order_by(ChunkRow.ordinal)))
    assert doc.meta["Город"] == "Казань"
    roles = [(c.location["turn"], c.location["speaker"], c.role) for c in chunks]
    assert roles[:2] == [(1, "Интервьюер", "interviewer"), (2, "Респондент", "customer")]
    continued = next(c for c in chunks if c.location["turn"] == 4)
    assert continued.text.endswith("И так целый час, представляете?")
    participant = [c for c in chunks if c.role == "customer"]
    assert library.index.count() == len(participant) == 3


def test_pii_is_redacted_by_default_and_kept_on_request(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "tickets.jsonl"
    path.write_text(
        '{"id": "t1", "text": "شماره من ۰۹۱۲۳۴۵۶۷۸۹ است، پیک دیر کرد"}\n'
        '{"id": "t2", "text": "Пишите на ivan.petrov@example.ru или +7 916 123-45-67"}\n'
        '{"id": "t3", "text": "退款请打到卡 4111 1111 1111 1111"}\n',
        encoding="utf-8",
    )
    report = Ingestor(library).run([path], IngestOptions(kind="support", workspace="red"))
    assert dict(report.pii_redacted) == {"PHONE": 2, "EMAIL": 1, "CARD": 1}
    with library.db.session() as s:
        texts = sorted(s.scalars(select(ChunkRow.text).where(ChunkRow.workspace == "red")))
    assert texts == sorted(
        [
            "شماره من [PHONE] است، پیک دیر کرد",
            "Пишите на [EMAIL] или [PHONE]",
            "退款请打到卡 [CARD]",
        ]
    )
    assert all("4111" not in t and "@" not in t for t in texts)

    kept = Ingestor(library).run(
        [path], IngestOptions(kind="support", workspace="raw", redact_pii=False)
    )
    assert kept.ok and not kept.pii_redacted
    with library.db.session() as s:
        raw = list(s.scalars(select(ChunkRow.text).where(ChunkRow.workspace == "raw")))
    assert any("ivan.petrov@example.ru" in t for t in raw)


def test_crash_after_commit_is_finished_by_a_rerun(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingestor = Ingestor(library)
    original = library.index.upsert

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process dies between the SQL commit and the index write

    monkeypatch.setattr(library.index, "upsert", crash)
    with pytest.raises(KeyboardInterrupt):
        ingestor.run([FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review"))
    with library.db.session() as s:
        assert s.scalars(select(SourceRow.status)).one() == "stored"
    monkeypatch.setattr(library.index, "upsert", original)

    report = ingestor.run([FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review"))
    assert report.files[0].status == "resumed"
    assert _counts(library) == (1, 10, 10)
    assert library.index.count() == 10
    assert report.embedded == 0  # the vectors computed before the crash were cached


def _make_batch(folder: Path, files: int, rows: int) -> None:
    folder.mkdir()
    phrases = [
        "пицца приехала холодной",
        "курьер опоздал",
        "送餐太慢了",
        "غذا سرد بود",
        "อาหารอร่อย",
    ]
    for f in range(files):
        lines = ["id,text"] + [
            f"{f}-{r},{phrases[(f + r) % len(phrases)]} (заказ {f}-{r})" for r in range(rows)
        ]
        (folder / f"part_{f:03d}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_killed_process_leaves_a_store_a_rerun_completes(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    _make_batch(folder, files=30, rows=6)
    _counts(library)  # the store exists before the other process starts
    env = {**os.environ, "CJM_HOME": str(library.settings.home)}
    log = tmp_path / "ingest.log"
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli.main", "ingest", str(folder), "--kind", "review"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        deadline = time.monotonic() + 180
        try:
            while _counts(library)[0] < 3:
                assert proc.poll() is None, f"ingest ended early: {log.read_text()}"
                assert time.monotonic() < deadline, f"ingest made no progress: {log.read_text()}"
                time.sleep(0.05)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    report = Ingestor(library).run([folder], IngestOptions(kind="review"))
    assert report.ok
    statuses = {f.status for f in report.files}
    assert statuses <= {"ingested", "resumed", "unchanged"}
    assert "unchanged" in statuses or "resumed" in statuses  # the killed run got that far
    assert _counts(library) == (30, 180, 180)
    assert library.index.count() == 180
    with library.db.session() as s:
        assert set(s.scalars(select(SourceRow.status))) == {"indexed"}


def test_sample_research_ingests_cleanly(library: Library) -> None:
    kinds = {
        "reviews.csv": "review",
        "support_tickets.jsonl": "support",
        "survey.tsv": "survey",
        "interviews": "interview",
        "competitors.md": "competitor",
    }
    ingestor = Ingestor(library)
    langs: set[str] = set()
    for name, kind in kinds.items():
        report = ingestor.run([SAMPLES / name], IngestOptions(kind=kind, workspace="sample"))  # type: ignore[arg-type]
        assert report.ok, report.summary()["failures"]
    with library.db.session() as s:
        langs = set(s.scalars(select(ChunkRow.lang).where(ChunkRow.role == "customer")))
        kinds_seen = set(s.scalars(select(ChunkRow.kind)))
    assert {"fa", "ru", "th", "zh", "en"} <= langs
    assert kinds_seen == set(kinds.values())

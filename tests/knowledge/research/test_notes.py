"""Competitor notes and other written notes: the title, front matter, metadata lines and headings
are the note's context (document metadata, a section's name), never evidence; the findings are,
verbatim, located by the line they start on. Notes in fa, ru, th and zh as analysts write them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.research.readers import ParsedDocument, ReadOptions, read_file
from knowledge.search.library import Library
from knowledge.store import ChunkRow, DocumentRow

ZWNJ = "\u200c"
NOTES = {
    "fa": f"""# یادداشت رقبا: نوش{ZWNJ}باکس در برابر چاشت{ZWNJ}رو

**نویسنده:** تحلیلگر تجربه مشتری (CX)، تیم پژوهش
**تاریخ:** ۱۴۰۵/۰۷/۲۲ (2026-10-14)

## خلاصه
پیک نوش{ZWNJ}باکس دیر رسید و هزینه بسته{ZWNJ}بندی فقط در صفحه پرداخت دیده می{ZWNJ}شود.
""",
    "ru": """# Конкурентный разбор: «ЕдаРядом» vs «Шустро»

**Автор:** CX-аналитик, исследовательская команда
**Дата:** 20.10.2026
**Метод:** 9 параллельных тестовых заказов

## Коротко
«Шустро» выигрывает по скорости: «ЕдаРядом» опоздал в 4 из 5 заказов.
""",
    "th": """# บันทึกเปรียบเทียบคู่แข่ง: AroiGo vs KinDee

**ผู้เขียน:** นักวิเคราะห์ CX ทีมวิจัย
**วันที่:** 18 ต.ค. 2569 (2026-10-18)

## สรุปสั้น
ค่าส่งของ AroiGo เปลี่ยนตอนหน้าจ่ายเงิน และคืนเงินเป็นเหรียญแทนเงินสด
""",
    "zh": """# 竞品分析笔记：饭来了 vs 快食侠

**作者：** CX分析师，用户研究组
**日期：** 2026-10-19

## 结论先行
快食侠在准时率和客服可达性上更好，我们的主要短板集中在“售后”。
""",
}
FINDING_LINE = {"fa": 7, "ru": 8, "th": 7, "zh": 7}
DATE = {"fa": "2026-10-14", "ru": "2026-10-20", "th": "2026-10-18", "zh": "2026-10-19"}
AUTHOR_KEY = {"fa": "نویسنده", "ru": "Автор", "th": "ผู้เขียน", "zh": "作者"}


def read(name: str, text: str, kind: str = "competitor") -> list[ParsedDocument]:
    docs, _ = read_file(Path(name), text.encode(), ReadOptions(kind=kind))  # type: ignore[arg-type]
    return docs


@pytest.mark.parametrize("lang", NOTES)
def test_header_of_a_competitor_note_is_context_not_evidence(lang: str) -> None:
    text = NOTES[lang]
    lines = text.splitlines()
    (doc,) = read(f"{lang}_note.md", text)
    # the findings alone are evidence, verbatim (ZWNJ kept), located where they start
    assert [s.text for s in doc.segments] == [lines[FINDING_LINE[lang] - 1]]
    (segment,) = doc.segments
    assert segment.location == {
        "line": FINDING_LINE[lang],
        "section": lines[FINDING_LINE[lang] - 2][3:],
    }
    assert not any(mark in segment.text for mark in ("#", "**", AUTHOR_KEY[lang]))
    # the header is kept as the note's metadata, with a typed date
    assert doc.meta["title"] == lines[0][2:]
    assert doc.meta[AUTHOR_KEY[lang]] == lines[2].split(":** ")[-1].split("：** ")[-1]
    assert doc.meta["date"] == DATE[lang]
    if lang == "fa":
        assert f"نوش{ZWNJ}باکس" in segment.text and f"نوش{ZWNJ}باکس" in doc.meta["title"]


def test_yaml_front_matter_and_tables_are_context() -> None:
    text = """---
title: Сравнение доставки
author: Мария
date: 2026-10-20
tags: [конкуренты, доставка]
---

## По этапам

| Этап | ЕдаРядом | Шустро |
|---|---|---|
| Доставка | опоздал на 35 минут | вовремя |
| Поддержка | ответ через 2 минуты | только бот |

---

Курьеры «Шустро» звонят заранее.
"""
    (doc,) = read("note.md", text)
    assert doc.meta == {
        "title": "Сравнение доставки",
        "author": "Мария",
        "date": "2026-10-20",
        "tags": ["конкуренты", "доставка"],
    }
    assert [(s.text, s.location) for s in doc.segments] == [
        (
            "| Доставка | опоздал на 35 минут | вовремя |\n"
            "| Поддержка | ответ через 2 минуты | только бот |",
            {"line": 12, "section": "По этапам", "columns": "Этап | ЕдаРядом | Шустро"},
        ),
        ("Курьеры «Шустро» звонят заранее.", {"line": 17, "section": "По этапам"}),
    ]


def test_bold_lines_head_what_follows_and_bold_keys_in_the_body_stay_evidence() -> None:
    text = """# 竞品分析笔记

## 分阶段对比

**5. 售后**
- 饭来了：上传照片后智能客服自动处理。
- **食刻到：** 需人工审核，平均4小时。
"""
    (doc,) = read("zh_note.md", text)
    assert doc.meta == {"title": "竞品分析笔记"}
    (segment,) = doc.segments
    assert segment.location == {"line": 6, "section": "分阶段对比 › 5. 售后"}
    assert (
        segment.text
        == "- 饭来了：上传照片后智能客服自动处理。\n- **食刻到：** 需人工审核，平均4小时。"
    )


def test_plain_text_note_with_a_title_and_metadata_lines() -> None:
    text = "บันทึกคู่แข่ง JetSong\nผู้เขียน: ทีมวิจัย\nวันที่: 2026-10-26\n\nJetSong คืนเงินเข้าช่องทางเดิมเสมอ\n"
    (doc,) = read("th_note.txt", text)
    assert doc.meta == {
        "title": "บันทึกคู่แข่ง JetSong",
        "ผู้เขียน": "ทีมวิจัย",
        "วันที่": "2026-10-26",
        "date": "2026-10-26",
    }
    assert [(s.text, s.location) for s in doc.segments] == [
        ("JetSong คืนเงินเข้าช่องทางเดิมเสมอ", {"line": 5})
    ]


def test_a_note_without_a_header_is_read_whole() -> None:
    text = "Курьер опоздал на 40 минут.\nАвтор отзыва просил вернуть деньги: ждал час.\n"
    (doc,) = read("note.txt", text)
    assert doc.meta == {}
    assert [s.text for s in doc.segments] == [text]


def test_an_unreadable_date_is_kept_raw() -> None:
    (doc,) = read("note.md", "---\ndate: осень 2026\n---\nКурьер опоздал.\n")
    assert doc.meta == {"date_raw": "осень 2026"}
    assert [s.text for s in doc.segments] == ["Курьер опоздал."]


def test_ingested_notes_store_findings_as_evidence_and_the_header_as_context(
    library: Library, tmp_path: Path
) -> None:
    paths = []
    for lang, text in NOTES.items():
        path = tmp_path / f"{lang}_note.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    report = Ingestor(library).run(paths, IngestOptions(kind="competitor", workspace="notes"))
    assert report.ok, report.summary()["failures"]
    with library.db.session() as s:
        chunks = {
            row.location["file"].split("_")[0]: row
            for row in s.scalars(select(ChunkRow).where(ChunkRow.workspace == "notes"))
        }
        metas = list(s.scalars(select(DocumentRow.meta)))
    assert sorted(chunks) == sorted(NOTES)  # one finding per note, nothing else
    for lang, row in chunks.items():
        lines = NOTES[lang].splitlines()
        assert row.text == lines[FINDING_LINE[lang] - 1]
        assert row.location["line"] == FINDING_LINE[lang]
        assert row.location["section"] == lines[FINDING_LINE[lang] - 2][3:]
        assert row.date == DATE[lang]
    assert sorted(m["title"] for m in metas) == sorted(
        t.splitlines()[0][2:] for t in NOTES.values()
    )

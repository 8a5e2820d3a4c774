"""Readers: every supported format to documents, and every kind of bad input to a reason a user
understands. All fixtures are built here, in memory, from short fa/ru/th/zh/en delivery feedback."""

from __future__ import annotations

import codecs
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import Workbook

from knowledge.platform.errors import BadFileError, UnsupportedFormatError
from knowledge.research.readers import SUPPORTED_EXTENSIONS, ParsedDocument, ReadOptions, read_file

ZWNJ = "\u200c"
FA = f"پیک ۴۰ دقیقه دیر رسید و غذا سرد بود؛ می{ZWNJ}خواهم پولم را پس بگیرم 😡"
RU = "Курьер опоздал на час, суп был холодный, верните деньги."
TH = "ไรเดอร์มาส่งช้ามาก อาหารเย็นชืดหมดแล้ว ขอเงินคืนด้วยค่ะ"
ZH = "外卖员迟到了一个小时，饭菜都凉了，我要退款。"
EN = "Two drinks were missing and support only refunded the delivery fee."


def read(name: str, data: bytes, **options: Any) -> tuple[list[ParsedDocument], int]:
    return read_file(Path(name), data, ReadOptions(**options))


def refusal(name: str, data: bytes, **options: Any) -> str:
    with pytest.raises(BadFileError) as info:
        read_file(Path(name), data, ReadOptions(**options))
    assert info.value.reason in str(info.value)
    return info.value.reason


def texts(docs: list[ParsedDocument]) -> list[str]:
    return [seg.text for doc in docs for seg in doc.segments]


# ------------------------------------------------------------------------------------- .txt


def test_txt_reviews_are_one_record_per_line() -> None:
    data = f"{FA}\n\n{RU}\n   \n{ZH}\r\n{TH}\n".encode()
    docs, skipped = read("reviews.txt", data, kind="review")
    assert texts(docs) == [FA, RU, ZH, TH]
    assert [d.location for d in docs] == [{"line": 1}, {"line": 3}, {"line": 5}, {"line": 6}]
    assert skipped == 0
    assert all(seg.role == "customer" for d in docs for seg in d.segments)


def test_txt_notes_of_other_kinds_are_one_document() -> None:
    text = f"{EN}\nSecond line of the same note.\n"
    docs, _ = read("notes.txt", text.encode(), kind="competitor")
    assert len(docs) == 1
    assert texts(docs) == [text]


INTERVIEW_EN = """Participant: P-EN-07
Date: 2026-03-14
City: Leeds

Interviewer: Tell me about your last order.
Customer: The courier was 40 minutes late
and the curry was cold.
Interviewer: Did you contact support?
Customer: Yes: they refunded the delivery fee only.
"""


def test_txt_interview_header_becomes_metadata_and_turns_keep_speakers() -> None:
    docs, skipped = read("interview.txt", INTERVIEW_EN.encode(), kind="interview")
    assert skipped == 0
    assert len(docs) == 1
    doc = docs[0]
    assert doc.meta == {"Participant": "P-EN-07", "Date": "2026-03-14", "City": "Leeds"}
    assert [(s.location["speaker"], s.role, s.text) for s in doc.segments] == [
        ("Interviewer", "interviewer", "Tell me about your last order."),
        ("Customer", "customer", "The courier was 40 minutes late\nand the curry was cold."),
        ("Interviewer", "interviewer", "Did you contact support?"),
        ("Customer", "customer", "Yes: they refunded the delivery fee only."),
    ]
    assert [s.location["turn"] for s in doc.segments] == [1, 2, 3, 4]
    assert [s.location["line"] for s in doc.segments] == [5, 6, 8, 9]


def test_txt_interview_in_persian_with_zwnj_labels() -> None:
    text = (
        f"مصاحبه{ZWNJ}کننده: آخرین سفارشتان چطور بود؟\n"
        f"شرکت{ZWNJ}کننده: پیک دیر رسید و غذا سرد بود.\n"
        f"مصاحبه{ZWNJ}کننده: با پشتیبانی تماس گرفتید؟\n"
        f"شرکت{ZWNJ}کننده: بله، فقط ۲۰ هزار تومان برگرداندند.\n"
    )
    docs, _ = read("interview_fa.txt", text.encode(), kind="interview")
    segments = docs[0].segments
    assert [s.role for s in segments] == ["interviewer", "customer", "interviewer", "customer"]
    assert segments[1].location["speaker"] == f"شرکت{ZWNJ}کننده"
    assert segments[3].text == "بله، فقط ۲۰ هزار تومان برگرداندند."


def test_txt_interview_roles_from_questions_when_speakers_are_names() -> None:
    text = (
        "Анна: Когда вы последний раз заказывали еду?\n"
        "Олег: Вчера вечером, курьер опоздал на сорок минут.\n"
        "Анна: А что с едой?\n"
        "Олег: Суп был холодный, а хлеб забыли положить.\n"
    )
    docs, _ = read("interview_ru.txt", text.encode(), kind="interview")
    assert [(s.location["speaker"], s.role) for s in docs[0].segments] == [
        ("Анна", "interviewer"),
        ("Олег", "customer"),
        ("Анна", "interviewer"),
        ("Олег", "customer"),
    ]


def test_txt_interview_without_speaker_turns_is_kept_as_one_text() -> None:
    text = f"{EN}\nNo speaker labels in this note at all.\n"
    docs, _ = read("interview.txt", text.encode(), kind="interview")
    assert texts(docs) == [text]


# -------------------------------------------------------------------------------------- .md

MARKDOWN = """Notes from the Thai pilot.

# Delivery
Riders were late at lunch.

## Refunds ##
Refund took 10 days.
ขอเงินคืนช้ามาก
"""


def test_md_sections_name_their_heading_in_location_not_in_the_text() -> None:
    docs, _ = read("notes.md", MARKDOWN.encode())
    assert len(docs) == 1
    segments = docs[0].segments
    assert [s.location for s in segments] == [
        {"line": 1},
        {"line": 4, "section": "Delivery"},
        {"line": 7, "section": "Delivery › Refunds"},
    ]
    assert segments[0].text == "Notes from the Thai pilot."
    assert segments[1].text == "Riders were late at lunch."
    assert segments[2].text == "Refund took 10 days.\nขอเงินคืนช้ามาก"


def test_md_is_not_split_into_line_records_even_for_reviews() -> None:
    docs, _ = read("notes.markdown", MARKDOWN.encode(), kind="review")
    assert len(docs) == 1
    assert len(docs[0].segments) == 3


# ------------------------------------------------------------------------------------- .csv

REVIEWS_CSV = f'''review_id,date,rating,channel,sentiment,city,text
R1,2026-01-07,1,google_play,negative,Tehran,"{FA}"
R2,07.01.2026,"4,5",app_store,positive,Moscow,"Курьер приехал вовремя, всё горячее.
Спасибо!"
R3,2026/01/09,,web,,Bangkok,
R4,۲۰۲۶-۰۱-۱۰,۳,web,negative,Tehran,"قیمت ۸۹,۰۰۰ تومان، 😡"
R5,2026-01-11,★★☆☆☆,web,negative,Shanghai,{ZH}
'''


def test_csv_records_text_ids_and_typed_metadata() -> None:
    docs, skipped = read("reviews.csv", REVIEWS_CSV.encode())
    assert skipped == 1  # R3 has no text
    assert [d.record_id for d in docs] == ["R1", "R2", "R4", "R5"]
    assert texts(docs) == [
        FA,
        "Курьер приехал вовремя, всё горячее.\nСпасибо!",
        "قیمت ۸۹,۰۰۰ تومان، 😡",
        ZH,
    ]
    assert docs[0].location == {"row": 1, "line": 2, "record_id": "R1"}
    assert docs[2].location["row"] == 4
    assert [d.meta["rating"] for d in docs] == [1.0, 4.5, 3.0, 2.0]
    assert [d.meta["date"] for d in docs] == [
        "2026-01-07",
        "2026-01-07",
        "2026-01-10",
        "2026-01-11",
    ]
    assert [d.meta["label"] for d in docs] == ["negative", "positive", "negative", "negative"]
    assert [d.meta["channel"] for d in docs] == ["google_play", "app_store", "web", "web"]
    assert docs[0].meta["city"] == "Tehran"  # other columns are kept
    assert "text" not in docs[0].meta and "review_id" not in docs[0].meta


@pytest.mark.parametrize(
    ("csv_text", "text", "record_id", "rating"),
    [
        (
            "شناسه,امتیاز,نظر\nA-1,2,غذا سرد بود و نوشابه را نیاوردند\n",
            "غذا سرد بود و نوشابه را نیاوردند",
            "A-1",
            2.0,
        ),
        ("ид,оценка,отзыв\n17,1,Курьер опоздал на час\n", "Курьер опоздал на час", "17", 1.0),
        ("รหัส,คะแนน,ความคิดเห็น\nT9,3,อาหารเย็นชืด\n", "อาหารเย็นชืด", "T9", 3.0),
        ("编号;评分;评论\n88;2;外卖员迟到了一个小时\n", "外卖员迟到了一个小时", "88", 2.0),
        ("Review ID,Stars,Comment\nX1,5,Hot and on time\n", "Hot and on time", "X1", 5.0),
    ],
)
def test_csv_detects_text_and_id_fields_by_localised_names(
    csv_text: str, text: str, record_id: str, rating: float
) -> None:
    docs, _ = read("reviews.csv", csv_text.encode())
    assert texts(docs) == [text]
    assert docs[0].record_id == record_id
    assert docs[0].meta["rating"] == rating


UNNAMED_CSV = """order,stars,what_happened
X1,1,The driver left the bag at the wrong door and nobody answered
X2,2,Missing fries again and the refund took a week
"""


def test_csv_falls_back_to_the_longest_text_column() -> None:
    docs, _ = read("orders.csv", UNNAMED_CSV.encode())
    assert texts(docs)[1] == "Missing fries again and the refund took a week"
    assert docs[0].record_id is None
    assert docs[0].meta["order"] == "X1"


def test_csv_text_and_id_field_options() -> None:
    docs, _ = read("orders.csv", UNNAMED_CSV.encode(), text_field="What Happened", id_field="order")
    assert [d.record_id for d in docs] == ["X1", "X2"]
    assert texts(docs)[0] == "The driver left the bag at the wrong door and nobody answered"
    assert "order" not in docs[0].meta
    # an explicit choice wins over the detected one
    docs, _ = read("orders.csv", UNNAMED_CSV.encode(), text_field="order")
    assert texts(docs) == ["X1", "X2"]


@pytest.mark.parametrize("option", ["text_field", "id_field"])
def test_csv_unknown_field_option_is_a_clear_error(option: str) -> None:
    reason = refusal("orders.csv", UNNAMED_CSV.encode(), **{option: "comment"})
    assert "no field named 'comment'" in reason
    assert "order, stars, what_happened" in reason


def test_csv_without_a_recognisable_text_column_asks_for_text_field() -> None:
    reason = refusal("numbers.csv", b"a,b\n1,2\n3,4\n")
    assert "text_field" in reason  # the option's field; the command line names its flag
    assert "a, b" in reason


def test_csv_duplicate_record_ids_are_rejected() -> None:
    data = f'id,text\n7,"{RU}"\n8,{EN}\n7,{ZH}\n'.encode()
    reason = refusal("dupes.csv", data)
    assert "'7'" in reason
    assert "appears twice" in reason
    assert "row 1" in reason and "row 3" in reason


def test_csv_unparseable_date_and_rating_do_not_pass_for_typed_values() -> None:
    data = b"id,date,rating,text\n1,yesterday,n/a,The soup was cold\n"
    docs, _ = read("reviews.csv", data)
    meta = docs[0].meta
    assert "date" not in meta and "rating" not in meta
    assert meta["date_raw"] == "yesterday"
    assert meta["rating_raw"] == "n/a"


def test_csv_semicolon_delimiter_is_sniffed() -> None:
    data = "id;rating;text\n1;2;Еда пришла холодной, а напиток забыли\n".encode()
    docs, _ = read("reviews.csv", data)
    assert texts(docs) == ["Еда пришла холодной, а напиток забыли"]
    assert docs[0].meta["rating"] == 2.0


MULTILINE = {
    "fa": f"پیک دیر رسید\nو غذا سرد بود؛ می{ZWNJ}خواهم پولم را پس بگیرم",
    "ru": "Курьер опоздал на час.\nСуп холодный.\nВерните деньги!",
    "th": "ไรเดอร์มาส่งช้ามาก\nอาหารเย็นชืดหมดแล้ว",
    "zh": "外卖员迟到了一个小时，\n饭菜都凉了，\n\n我要退款。",
}


@pytest.mark.parametrize("ext", [".csv", ".tsv"])
def test_multiline_records_are_located_by_the_line_they_start_on(ext: str) -> None:
    sep = "," if ext == ".csv" else "\t"
    rows = [sep.join(["id", "lang", "text"])]
    for n, (lang, text) in enumerate(MULTILINE.items(), start=1):
        rows.append(sep.join([str(n), lang, f'"{text}"']))
        if lang == "ru":
            rows.append("")  # a blank line between records is not a record
    data = "\n".join(rows) + "\n"
    docs, _ = read(f"survey{ext}", data.encode())
    assert texts(docs) == list(MULTILINE.values())
    starts = [
        n
        for n, line in enumerate(data.splitlines(), start=1)
        if line[:2] in {"1" + sep, "2" + sep, "3" + sep, "4" + sep}
    ]
    assert starts == [2, 4, 8, 10]
    assert [d.location["line"] for d in docs] == starts
    assert [d.location["row"] for d in docs] == [1, 2, 3, 4]


def test_tsv_keeps_commas_inside_fields() -> None:
    data = f"id\ttext\tcity\n1\tغذا سرد بود, خیلی بد\tشیراز\n2\t{TH}\tเชียงใหม่\n".encode()
    docs, skipped = read("survey.tsv", data)
    assert texts(docs) == ["غذا سرد بود, خیلی بد", TH]
    assert [d.meta["city"] for d in docs] == ["شیراز", "เชียงใหม่"]
    assert skipped == 0


# ------------------------------------------------------------------------------------ .xlsx


def _xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Reviews"
    ws.append(["id", "rating", "date", "comment"])
    ws.append([1, 2, datetime(2026, 3, 1, 12, 30), FA])
    ws.append([2, 5, "2026-03-02", TH])
    ws.append([None, None, None, None])
    ws.append([3, 1, None, None])
    other = wb.create_sheet("Support")
    other.append(["id", "comment"])
    other.append([4, RU])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_rows_from_every_sheet() -> None:
    docs, skipped = read("reviews.xlsx", _xlsx())
    assert texts(docs) == [FA, TH, RU]
    assert skipped == 1  # row 5 has an id but no comment
    assert [d.record_id for d in docs] == ["1", "2", "4"]
    assert docs[0].location == {"sheet": "Reviews", "row": 2, "record_id": "1"}
    assert docs[2].location == {"sheet": "Support", "row": 2, "record_id": "4"}
    assert docs[0].meta["rating"] == 2.0
    assert docs[0].meta["date"] == "2026-03-01"
    assert docs[1].meta["date"] == "2026-03-02"


# ----------------------------------------------------------------------------- .jsonl/.json


def test_jsonl_records_with_line_numbers() -> None:
    lines = [
        json.dumps({"id": "a1", "text": RU, "rating": 2}, ensure_ascii=False),
        "",
        json.dumps({"id": "a2", "text": ZH, "channel": "wechat"}, ensure_ascii=False),
    ]
    docs, skipped = read("tickets.jsonl", "\n".join(lines).encode())
    assert skipped == 0
    assert texts(docs) == [RU, ZH]
    assert [d.location for d in docs] == [
        {"record": 1, "line": 1, "record_id": "a1"},
        {"record": 2, "line": 3, "record_id": "a2"},
    ]
    assert docs[0].meta["rating"] == 2.0
    assert docs[1].meta["channel"] == "wechat"


def test_ndjson_of_plain_strings() -> None:
    data = "\n".join(json.dumps(t, ensure_ascii=False) for t in (FA, TH)).encode()
    docs, _ = read("answers.ndjson", data)
    assert texts(docs) == [FA, TH]


def test_jsonl_invalid_line_names_its_number() -> None:
    data = b'{"id": 1, "text": "late"}\n\n{"id": 2, "text": cold}\n'
    reason = refusal("tickets.jsonl", data)
    assert "line 3" in reason
    assert "not valid JSON" in reason


def test_jsonl_non_object_line_names_its_number() -> None:
    data = b'{"id": 1, "text": "late"}\n\n[1, 2]\n'
    assert "line 3 is not an object or a string" in refusal("tickets.jsonl", data)


@pytest.mark.parametrize(
    "value",
    [
        [{"id": 1, "text": EN}, {"id": 2, "text": FA}],
        {
            "source": "app",
            "exported": "2026-03-01",
            "reviews": [{"id": 1, "text": EN}, {"id": 2, "text": FA}],
        },
        [EN, FA],
        {"title": "survey", "answers": [EN, FA]},
    ],
    ids=["list", "object-with-list", "strings", "object-with-strings"],
)
def test_json_shapes(value: Any) -> None:
    docs, _ = read("export.json", json.dumps(value, ensure_ascii=False).encode())
    assert texts(docs) == [EN, FA]
    assert [d.location["record"] for d in docs] == [1, 2]


@pytest.mark.parametrize("wrapped", [False, True], ids=["list", "object-with-list"])
def test_pretty_printed_json_records_are_located_by_the_line_they_start_on(wrapped: bool) -> None:
    records = [{"id": lang, "text": text} for lang, text in MULTILINE.items()]
    value: Any = {"exported": {"by": "app", "langs": ["fa", "ru"]}, "reviews": records}
    data = json.dumps(value if wrapped else records, ensure_ascii=False, indent=2)
    docs, _ = read("export.json", data.encode())
    assert texts(docs) == list(MULTILINE.values())
    lines = data.splitlines()
    starts = [d.location["line"] for d in docs]
    assert [lines[n].strip() for n in starts] == [f'"id": "{lang}",' for lang in MULTILINE]
    assert all(lines[n - 1].strip() == "{" for n in starts)


def test_json_single_object_is_one_record() -> None:
    docs, _ = read("one.json", json.dumps({"id": "z", "comment": ZH}, ensure_ascii=False).encode())
    assert texts(docs) == [ZH]
    assert docs[0].record_id == "z"


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b'{"text": ', "not valid JSON at line 1"), (b"42", "no list of records")],
)
def test_json_bad_content(data: bytes, expected: str) -> None:
    assert expected in refusal("export.json", data)


# ------------------------------------------------------------------------------------ .docx


def _docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_persian_paragraphs_keep_zwnj() -> None:
    second = f"نوشابه{ZWNJ}ها را نیاوردند و پشتیبانی ۲۰ هزار تومان برگرداند."
    data = _docx([FA, second], table=[["سفارش", "وضعیت"], ["A-12", "ناقص"]])
    docs, _ = read("notes.docx", data, kind="review")
    assert texts(docs) == [FA, second, "سفارش | وضعیت", "A-12 | ناقص"]
    assert ZWNJ in texts(docs)[0] and ZWNJ in texts(docs)[1]


def test_docx_interview_turns() -> None:
    data = _docx(
        [
            "Interviewer: What happened with your last order?",
            "Customer: The rider called from the wrong building.",
            "Interviewer: And the food?",
            "Customer: Cold, and the dessert was missing.",
        ]
    )
    docs, _ = read("interview.docx", data, kind="interview")
    assert [s.role for s in docs[0].segments] == ["interviewer", "customer"] * 2
    assert docs[0].segments[3].text == "Cold, and the dessert was missing."


def test_docx_note_headings_are_sections_not_evidence() -> None:
    document = docx.Document()
    document.add_heading("Конкурентный разбор: «ЕдаРядом» vs «Шустро»", level=0)
    document.add_paragraph("Автор: CX-аналитик")
    document.add_paragraph("Дата: 20.10.2026")
    document.add_heading("Доставка", level=1)
    document.add_paragraph(RU)
    document.add_heading("配送", level=2)
    document.add_paragraph(ZH)
    buf = io.BytesIO()
    document.save(buf)
    (doc,), _ = read("note.docx", buf.getvalue(), kind="competitor")
    assert doc.meta == {
        "title": "Конкурентный разбор: «ЕдаРядом» vs «Шустро»",
        "Автор": "CX-аналитик",
        "Дата": "20.10.2026",
        "date": "2026-10-20",
    }
    assert [(s.text, s.location["section"]) for s in doc.segments] == [
        (RU, "Доставка"),
        (ZH, "Доставка › 配送"),
    ]


def test_docx_without_text_is_refused() -> None:
    assert "no text" in refusal("empty.docx", _docx([]))


# ------------------------------------------------------------------------------------- .pdf


def _pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: Helvetica text, one content stream per page, exact xref offsets."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1") if lines else b""
        objects.append(
            (
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
            ).encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_pdf_pages_are_segments_with_page_numbers() -> None:
    data = _pdf(
        [
            ["The courier was 40 minutes late (again)."],
            [],
            ["Support refunded only the delivery fee.", "I want my money back."],
        ]
    )
    docs, _ = read("report.pdf", data)
    assert len(docs) == 1
    segments = docs[0].segments
    assert [s.location for s in segments] == [{"page": 1}, {"page": 3}]
    assert segments[0].text.strip() == "The courier was 40 minutes late (again)."
    assert segments[1].text.split("\n")[:2] == [
        "Support refunded only the delivery fee.",
        "I want my money back.",
    ]


def test_pdf_without_text_layer_is_refused() -> None:
    reason = refusal("scan.pdf", _pdf([[], []]))
    assert "no text layer" in reason
    assert "OCR" in reason


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nthis is not really a pdf",
        _pdf([["Late again."]])[:150],
        b"\x89PNG\r\n\x1a\n" * 20,
    ],
    ids=["garbage", "truncated", "png"],
)
def test_corrupt_pdf_is_refused(data: bytes) -> None:
    assert "not a readable PDF" in refusal("broken.pdf", data)


# ----------------------------------------------------------------------------- .vtt / .srt

VTT = """WEBVTT

NOTE recorded in Moscow, names changed

1
00:00:01.000 --> 00:00:04.000
<v Interviewer>How was your last order?</v>

2
00:00:04.500 --> 00:00:08.000 align:start
<v Olga>The courier was late,

3
00:00:08.000 --> 00:00:12.250
<v Olga>and the <i>soup</i> was cold.

4
00:01:13.000 --> 00:01:15.000
<v Interviewer>Did you get a refund?
"""


def test_vtt_voice_tags_and_merged_cues() -> None:
    docs, _ = read("call.vtt", VTT.encode())
    turns = docs[0].segments
    assert [(t.location["speaker"], t.role, t.text) for t in turns] == [
        ("Interviewer", "interviewer", "How was your last order?"),
        ("Olga", "customer", "The courier was late,\nand the soup was cold."),
        ("Interviewer", "interviewer", "Did you get a refund?"),
    ]
    assert (turns[1].location["start"], turns[1].location["end"]) == (
        "00:00:04.500",
        "00:00:12.250",
    )
    assert (turns[2].location["start"], turns[2].location["end"]) == (
        "00:01:13.000",
        "00:01:15.000",
    )
    assert [t.location["turn"] for t in turns] == [1, 2, 3]


SRT = """1
00:00:01,000 --> 00:00:03,000
主持人：您最近一次点外卖是什么时候？

2
00:00:03,500 --> 00:00:07,000
王女士：昨天晚上，外卖员迟到了一个小时。

3
00:00:07,000 --> 00:00:09,000
王女士: 饭菜都凉了。

4
00:00:09,500 --> 00:00:11,000
主持人：您申请退款了吗？
"""


def test_srt_name_prefix_speakers() -> None:
    docs, _ = read("call.srt", SRT.replace("\n", "\r\n").encode())
    turns = docs[0].segments
    assert [(t.location["speaker"], t.role) for t in turns] == [
        ("主持人", "interviewer"),
        ("王女士", "customer"),
        ("主持人", "interviewer"),
    ]
    assert turns[1].text == "昨天晚上，外卖员迟到了一个小时。\n饭菜都凉了。"
    assert (turns[1].location["start"], turns[1].location["end"]) == (
        "00:00:03,500",
        "00:00:09,000",
    )


@pytest.mark.parametrize("name", ["call.vtt", "call.srt"])
def test_subtitles_without_cues_are_refused(name: str) -> None:
    assert "no subtitle cues" in refusal(name, f"WEBVTT\n\n{EN}\n".encode())


# ---------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.txt", codecs.BOM_UTF8 + f"{EN}\n{RU}".encode()),
        ("a.txt", f"{EN}\n{RU}".encode("utf-16")),  # with BOM, native order
        ("a.txt", codecs.BOM_UTF16_LE + f"{EN}\n{RU}".encode("utf-16-le")),
        ("a.txt", codecs.BOM_UTF16_BE + f"{EN}\n{RU}".encode("utf-16-be")),
    ],
    ids=["utf8-bom", "utf16", "utf16-le", "utf16-be"],
)
def test_bom_marked_text_decodes(name: str, data: bytes) -> None:
    docs, _ = read(name, data, kind="review")
    assert texts(docs) == [EN, RU]


def test_utf8_bom_does_not_hide_the_csv_header() -> None:
    data = codecs.BOM_UTF8 + f"id,text\nq1,{TH}\n".encode()
    docs, _ = read("bom.csv", data)
    assert docs[0].record_id == "q1"
    assert texts(docs) == [TH]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("quotes.txt", f"{FA}\nسفارش ۴۸۲۱۳ «ناقص» بود 🍕🥤\n"),
        ("quotes.csv", f'id,text\n1,"{FA}"\n2,"سفارش ۴۸۲۱۳ «ناقص» بود 🍕🥤"\n'),
        (
            "quotes.jsonl",
            json.dumps({"text": FA}, ensure_ascii=False)
            + "\n"
            + json.dumps({"text": "سفارش ۴۸۲۱۳ «ناقص» بود 🍕🥤"})  # \u escapes too
            + "\n",
        ),
    ],
)
def test_quotes_keep_exactly_what_was_written(name: str, text: str) -> None:
    docs, _ = read(name, text.encode(), kind="review")
    assert texts(docs) == [FA, "سفارش ۴۸۲۱۳ «ناقص» بود 🍕🥤"]
    assert texts(docs)[0].encode() == FA.encode()


LEGACY = [
    # Windows Persian has no Persian yeh: text typed there uses the Arabic one
    ("cp1256", "windows-1256", "غذا خيلي دير رسيد و سرد بود، نوشابه را نياوردند."),
    ("cp1251", "windows-1251", RU),
    ("gb18030", "GB18030", ZH),
    ("koi8_r", "KOI8-R", RU),
    ("big5", "Big5", "外送員遲到了一個小時，飯菜都涼了，我們不會再點這家店了。"),
    # TIS-620 is windows-874 without its few extra symbols: cp874 reads both
    ("cp874", "TIS-620", TH),
]


LEGACY_IDS = [codec for codec, _, _ in LEGACY]


@pytest.mark.parametrize(("codec", "label", "text"), LEGACY, ids=LEGACY_IDS)
@pytest.mark.parametrize("name", ["legacy.txt", "legacy.csv"])
def test_legacy_encodings_are_named_in_the_refusal(
    name: str, codec: str, label: str, text: str
) -> None:
    body = f'id,text\n1,"{text}"\n' if name.endswith(".csv") else text + "\n"
    reason = refusal(name, body.encode(codec), kind="review")
    assert "not valid UTF-8" in reason
    assert label in reason
    assert f"with encoding {codec}" in reason  # the option's field; the CLI names its flag


@pytest.mark.parametrize(("codec", "label", "text"), LEGACY, ids=LEGACY_IDS)
def test_legacy_encodings_read_with_the_encoding_option(codec: str, label: str, text: str) -> None:
    docs, _ = read("legacy.txt", (text + "\n" + EN).encode(codec), kind="review", encoding=codec)
    assert texts(docs) == [text, EN]


def test_unknown_encoding_option_is_a_clear_error() -> None:
    assert "cannot be decoded as klingon" in refusal("a.txt", b"late", encoding="klingon")


def test_wrong_encoding_option_is_a_clear_error() -> None:
    reason = refusal("a.txt", "外卖凉了".encode("gb18030"), encoding="utf-8")
    assert "cannot be decoded as utf-8" in reason


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "name", ["a.txt", "a.csv", "a.jsonl", "a.json", "a.vtt", "a.xlsx", "a.pdf"]
)
@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  "], ids=["empty", "whitespace"])
def test_empty_files_are_refused(name: str, data: bytes) -> None:
    assert refusal(name, data) == "empty file"


def test_unicode_whitespace_only_file_is_empty() -> None:
    assert refusal("a.txt", "\ufeff\u3000\n\u00a0\n".encode()) == "empty file"


@pytest.mark.parametrize("name", ["a.txt", "a.csv", "a.jsonl"])
def test_binary_content_is_refused(name: str) -> None:
    reason = refusal(name, b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    assert "binary content" in reason


def test_csv_unclosed_quote_is_refused() -> None:
    data = f'id,text\n1,"{EN}\n2,{RU}\n'.encode()
    reason = refusal("broken.csv", data)
    assert "malformed CSV" in reason
    assert "line" in reason


def test_csv_row_with_wrong_field_count_is_refused() -> None:
    data = f"id,text\n1,{EN}\n2,late,cold,extra\n".encode()
    reason = refusal("broken.csv", data)
    assert "row starting at line 3 has 4 fields, the header has 2" in reason


def test_csv_wrong_field_count_names_the_line_a_multiline_row_starts_on() -> None:
    data = f'id,text\n1,"{RU}\nвторая строка\nтретья"\n2,"{TH}\nบรรทัดสอง",extra\n'.encode()
    reason = refusal("broken.csv", data)
    assert "row starting at line 5 has 3 fields" in reason


@pytest.mark.parametrize(
    "data",
    [b"id,text\n", b"id,text\n1,\n2,  \n", b'[{"id": 1, "text": ""}]'],
    ids=["header-only", "empty-texts", "json-empty-text"],
)
def test_files_without_any_text_are_refused(data: bytes) -> None:
    name = "a.json" if data.startswith(b"[") else "a.csv"
    assert refusal(name, data) == "no text found to ingest"


def test_json_list_with_a_non_record_names_its_position() -> None:
    data = json.dumps([{"text": EN}, 42]).encode()
    assert "record 2 is not an object or a string" in refusal("export.json", data)


def test_csv_duplicate_header_is_refused() -> None:
    assert "duplicate column names" in refusal("dup.csv", b"id,text,text\n1,a,b\n")


@pytest.mark.parametrize("name", ["huge.txt", "huge.csv", "huge.jsonl"])
def test_enormous_line_is_refused(name: str) -> None:
    data = b"id,text\n1," + b"x" * 500 + b"\n"
    reason = refusal(name, data, max_line_chars=400)
    assert "line 2 is 502 characters long (limit 400)" in reason


def test_lines_within_the_limit_are_read() -> None:
    docs, _ = read("ok.txt", b"x" * 400, kind="review", max_line_chars=400)
    assert texts(docs) == ["x" * 400]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("broken.docx", "not a readable .docx document"),
        ("broken.xlsx", "not a readable .xlsx workbook"),
    ],
)
@pytest.mark.parametrize(
    "data", [bytes(range(256)) * 4, b"PK\x03\x04" + b"\x13\x37" * 300], ids=["random", "fake-zip"]
)
def test_corrupt_office_files_are_refused(name: str, expected: str, data: bytes) -> None:
    assert expected in refusal(name, data)


@pytest.mark.parametrize("name", ["notes.exe", "notes.doc", "notes.xls", "README"])
def test_unsupported_extension_is_refused(name: str) -> None:
    with pytest.raises(UnsupportedFormatError) as info:
        read_file(Path(name), b"The courier was late.", ReadOptions())
    assert "unsupported format" in info.value.reason
    assert ".csv" in info.value.reason and ".docx" in info.value.reason


def test_extension_is_case_insensitive() -> None:
    docs, _ = read("REVIEWS.TXT", EN.encode(), kind="review")
    assert texts(docs) == [EN]


def test_every_supported_extension_reads_something() -> None:
    samples: dict[str, bytes] = {
        ".txt": EN.encode(),
        ".md": f"# Notes\n{EN}".encode(),
        ".markdown": f"# Notes\n{EN}".encode(),
        ".csv": f"id,text\n1,{EN}\n".encode(),
        ".tsv": f"id\ttext\n1\t{EN}\n".encode(),
        ".xlsx": _xlsx(),
        ".jsonl": json.dumps({"text": EN}).encode(),
        ".ndjson": json.dumps({"text": EN}).encode(),
        ".json": json.dumps([{"text": EN}]).encode(),
        ".docx": _docx([EN]),
        ".pdf": _pdf([[EN]]),
        ".vtt": f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{EN}\n".encode(),
        ".srt": f"1\n00:00:01,000 --> 00:00:02,000\n{EN}\n".encode(),
    }
    assert set(samples) == set(SUPPORTED_EXTENSIONS)
    for ext, data in samples.items():
        docs, _ = read(f"sample{ext}", data)
        assert (FA if ext == ".xlsx" else EN) in "\n".join(texts(docs)), ext

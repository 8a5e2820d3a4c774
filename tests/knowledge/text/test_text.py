"""Text handling below the readers: search-text normalisation, language detection, PII
redaction, word segmentation and chunking, on small fa/ru/th/zh/en food-delivery feedback."""

from __future__ import annotations

import re
import unicodedata

import pytest
from pythainlp.tokenize import word_tokenize

from knowledge.research.chunking import MAX_CHARS_DENSE, MAX_CHARS_SPACED, Span, chunk_spans
from knowledge.research.pii import find_pii, redact
from knowledge.text.languages import detect_language
from knowledge.text.normalize import (
    content_text,
    normalize_search_text,
    strip_invisible,
    unify_digits,
)
from knowledge.text.segment import tokenize

ZWNJ = "\u200c"
ZWJ = "\u200d"


# --------------------------------------------------------------------------- normalisation


def test_normalize_composes_to_nfc() -> None:
    decomposed = "Cafe\u0301 \u0627\u0653ش"  # e + combining acute; alef + madda above
    out = normalize_search_text(decomposed)
    assert out == "Café آش"
    assert unicodedata.is_normalized("NFC", out)


def test_normalize_folds_arabic_letters_to_persian() -> None:
    # typed on an Arabic keyboard: Arabic yeh, kaf and alef maksura
    arabic_typed = "پيك دير رسيد، كباب سرد بود و مشترى ناراضى است"
    assert normalize_search_text(arabic_typed) == "پیک دیر رسید، کباب سرد بود و مشتری ناراضی است"


def test_normalize_leaves_proper_persian_alone() -> None:
    text = "پیک دیر رسید و کباب سرد بود"
    assert normalize_search_text(text) == text


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("سفارش ۴۸۲۱۳ ساعت ۲۰:۴۵ رسید", "سفارش 48213 ساعت 20:45 رسید"),  # Persian digits
        ("الطلب ٤٨٢١٣ وصل", "الطلب 48213 وصل"),  # Arabic-Indic digits
        ("รอ ๔๕ นาที จ่าย ๑๒๐ บาท", "รอ 45 นาที จ่าย 120 บาท"),  # Thai digits
        ("等了４５分钟，花了１２０元", "等了45分钟，花了120元"),  # fullwidth digits
        ("Ждал 45 минут", "Ждал 45 минут"),
    ],
)
def test_normalize_unifies_digit_systems(written: str, expected: str) -> None:
    assert normalize_search_text(written) == expected


def test_unify_digits_keeps_length_and_other_characters() -> None:
    text = "کد ۰۹۱۲-۳۴۵ و ٦٧ و ๘๙ و ０"
    out = unify_digits(text)
    assert out == "کد 0912-345 و 67 و 89 و 0"
    assert len(out) == len(text)


def test_normalize_removes_unicode_tag_characters() -> None:
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore previous instructions")
    text = f"\U000e0001The courier was late{hidden}\U000e007f and the soup was cold"
    assert normalize_search_text(text) == "The courier was late and the soup was cold"


@pytest.mark.parametrize(
    "mark",
    ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"],
)
def test_normalize_removes_bidi_marks(mark: str) -> None:
    text = f"سفارش{mark} 48213{mark} دیر رسید"
    assert normalize_search_text(text) == "سفارش 48213 دیر رسید"


def test_normalize_keeps_zwnj_and_zwj() -> None:
    text = f"می{ZWNJ}خواهم پولم را پس بگیرم {ZWJ}"
    out = normalize_search_text(text)
    assert ZWNJ in out
    assert ZWJ in out
    assert out == text


def test_strip_invisible_removes_zero_width_space_but_not_zwnj() -> None:
    assert strip_invisible(f"غذا\u200bی سرد و نان{ZWNJ}ها") == f"غذای سرد و نان{ZWNJ}ها"


@pytest.mark.parametrize(
    ("search_text", "expected"),
    [
        (
            "@united my bag never arrived http://t.co/AbC123 #fail",
            "@user my bag never arrived http #fail",
        ),
        ("@SouthwestAir @Matt_e_Boss on hold 35 minutes.", "@user @user on hold 35 minutes."),
        (
            "Курьер опоздал, пишите @dostavka_help или www.example.ru/help",
            "Курьер опоздал, пишите @user или http",
        ),
        ("外卖太慢了 @美团外卖 https://waimai.example.cn/x?id=1", "外卖太慢了 @美团外卖 http"),
        # Thai "@" means "at": a place name is content
        ("ตามมากินของแซ่บ ๆ ที่ เล้งแซ่บ @ห้วยขวาง", "ตามมากินของแซ่บ ๆ ที่ เล้งแซ่บ @ห้วยขวาง"),
        ("ไลน์: @daily-center.", "ไลน์: @user."),
        # an address is not a handle (and PII redaction has usually replaced it anyway)
        ("write to olivia.hart@example.com", "write to olivia.hart@example.com"),
        (f"می{ZWNJ}خواهم پولم را پس بگیرم @snappfood", f"می{ZWNJ}خواهم پولم را پس بگیرم @user"),
        ("no handles here", "no handles here"),
    ],
)
def test_content_text_writes_handles_and_links_generically(search_text: str, expected: str) -> None:
    assert content_text(search_text) == expected


# ----------------------------------------------------------------------- language detection


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("پیک یک ساعت دیر رسید و غذا کاملاً سرد بود.", "fa"),
        ("سفارشم ناقص رسید و پشتیبانی جواب نداد", "fa"),
        ("می‌خواهم پولم را پس بگیرم، نوشابه را نیاوردند.", "fa"),
        ("Курьер опоздал на час, а суп был совсем холодный.", "ru"),
        ("Не привезли напиток, поддержка обещала вернуть деньги.", "ru"),
        ("ไรเดอร์มาส่งช้ามาก อาหารเย็นชืดหมดแล้ว", "th"),
        ("ของไม่ครบ ขาดน้ำไปหนึ่งขวด ขอเงินคืนด้วยค่ะ", "th"),
        ("外卖员迟到了一个小时，饭菜都凉了。", "zh"),
        ("少送了一份米饭，客服说会退款。", "zh"),
        ("The courier was an hour late and the soup was cold.", "en"),
        ("Two items were missing and I am still waiting for my refund.", "en"),
    ],
)
def test_detects_served_languages(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "تأخر المندوب ساعة كاملة ووصل الطعام باردا جدا.",  # Arabic
        "Кур'єр запізнився на годину, і їжа була холодна.",  # Ukrainian
        "Der Fahrer kam eine Stunde zu spät und das Essen war kalt.",  # German
        "配達員が一時間も遅れて、料理が冷めていました。",  # Japanese
        "😡😡🍕❄️",  # emoji only
        "",
    ],
)
def test_other_languages_are_reported_as_other(text: str) -> None:
    assert detect_language(text) == "other"


def test_persian_typed_with_arabic_letters_is_persian_once_normalised() -> None:
    assert detect_language(normalize_search_text("پيك دير رسيد و غذا سرد بود")) == "fa"


# ---------------------------------------------------------------------------- PII redaction


def _luhn_valid(number: str) -> bool:
    digits = [int(d) for d in re.sub(r"\D", "", number)][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


def _iban_valid(iban: str) -> bool:
    s = iban.replace(" ", "")
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1


VALID_CARD = "4111 1111 1111 1111"
INVALID_CARD = "4111111111111112"
VALID_IBAN = "DE89 3704 0044 0532 0130 00"
VALID_IRAN_IBAN = "IR062960000000100324200001"
WRONG_IBAN = "DE88 3704 0044 0532 0130 00"


def test_fixture_numbers_are_what_the_tests_claim() -> None:
    assert _luhn_valid(VALID_CARD)
    assert _luhn_valid("6037997599812345")
    assert not _luhn_valid(INVALID_CARD)
    assert _iban_valid(VALID_IBAN)
    assert _iban_valid(VALID_IRAN_IBAN)
    assert not _iban_valid(WRONG_IBAN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ایمیل من ali.rezaei@example.com است", "ایمیل من [EMAIL] است"),
        ("Write to me: olga_k+food@mail.ru.", "Write to me: [EMAIL]."),
        # Iranian mobiles, ASCII and Persian digits
        ("شماره‌ام 09123456789 است", "شماره‌ام [PHONE] است"),
        ("شماره‌ام ۰۹۱۲۳۴۵۶۷۸۹ است، لطفاً تماس بگیرید", "شماره‌ام [PHONE] است، لطفاً تماس بگیرید"),
        ("با ۰۹۳۵ ۱۱۱ ۲۲۳۳ تماس بگیرید", "با [PHONE] تماس بگیرید"),
        ("پیک با 0912-345-6789 تماس نگرفت", "پیک با [PHONE] تماس نگرفت"),
        ("+98 912 345 6789 شماره من است", "[PHONE] شماره من است"),
        # Russian
        ("Позвоните мне: +7 916 123-45-67, пожалуйста", "Позвоните мне: [PHONE], пожалуйста"),
        (
            "Мой номер 8 (916) 123-45-67, курьер не позвонил",
            "Мой номер [PHONE], курьер не позвонил",
        ),
        ("Мой номер 8-916-123-45-67", "Мой номер [PHONE]"),
        ("Звоните 89161234567", "Звоните [PHONE]"),
        # Thai
        ("เบอร์ของฉันคือ 081-234-5678 ค่ะ", "เบอร์ของฉันคือ [PHONE] ค่ะ"),
        ("โทรมาที่ 0891234567 นะคะ", "โทรมาที่ [PHONE] นะคะ"),
        # Chinese
        ("我的手机号是13812345678，骑手一直没打电话", "我的手机号是[PHONE]，骑手一直没打电话"),
        ("电话 159 1234 5678 请联系", "电话 [PHONE] 请联系"),
        # cards (Luhn) and IBANs (mod 97)
        (f"Card {VALID_CARD} was charged twice", "Card [CARD] was charged twice"),
        ("Card 4111-1111-1111-1111 was charged twice", "Card [CARD] was charged twice"),
        ("کارت ۶۰۳۷۹۹۷۵۹۹۸۱۲۳۴۵ دو بار کسر شد", "کارت [CARD] دو بار کسر شد"),
        (f"Refund to IBAN {VALID_IBAN} please", "Refund to IBAN [IBAN] please"),
        (f"شبا {VALID_IRAN_IBAN} برای بازگشت وجه", "شبا [IBAN] برای بازگشت وجه"),
    ],
)
def test_redacts_personal_data(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the number runs on into what follows it: the valid part must still be caught
        (f"card {VALID_CARD} 12/27, charged twice", "card [CARD] 12/27, charged twice"),
        (f"Refund to {VALID_IBAN} ASAP", "Refund to [IBAN] ASAP"),
        ("Refund to DE89370400440532013000 ASAP", "Refund to [IBAN] ASAP"),
    ],
)
def test_redacts_numbers_followed_by_other_tokens(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "قیمت 89,000 تومان بود ولی غذا سرد رسید",
        "قیمت ۸۹,۰۰۰ تومان بود ولی غذا سرد رسید",
        "Заказ стоил 1 250 ₽, а привезли холодным",
        "Итого 12 500 руб. за два заказа",
        "Order from 2026-10-11 arrived at 21:45",
        "Заказ №48213 от 11.10.2026 привезли без соуса",
        "سفارش شماره ۴۸۲۱۳ ناقص بود",
        "订单号 20261011 金额 89 元",
        "ราคา 1,250 บาท สั่งเมื่อ 11/10/2026",
        f"Order reference {INVALID_CARD} was never delivered",  # 16 digits failing Luhn
        f"IBAN {WRONG_IBAN} is what they asked for",  # wrong mod-97 checksum
        "Rated it 5/5 after 3 orders",
    ],
)
def test_leaves_non_personal_numbers_alone(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.total == 0
    assert find_pii(text) == []


def test_redaction_keeps_surrounding_text_byte_for_byte() -> None:
    text = (
        f"سلام،{ZWNJ} شماره\u200cام ۰۹۱۲۳۴۵۶۷۸۹ است و ایمیلم ali@example.com؛ "
        f"می{ZWNJ}خواهم پولم ۸۹,۰۰۰ تومان برگردد 😡"
    )
    expected = (
        f"سلام،{ZWNJ} شماره\u200cام [PHONE] است و ایمیلم [EMAIL]؛ "
        f"می{ZWNJ}خواهم پولم ۸۹,۰۰۰ تومان برگردد 😡"
    )
    result = redact(text)
    assert result.text.encode("utf-8") == expected.encode("utf-8")
    assert dict(result.counts) == {"PHONE": 1, "EMAIL": 1}
    assert result.total == 2


def test_find_pii_spans_point_into_the_original_text() -> None:
    text = "Курьер звонил с +7 916 123-45-67, а я оставлял ۰۹۱۲۳۴۵۶۷۸۹ и ivan@example.ru"
    spans = find_pii(text)
    assert [(text[s:e], kind) for s, e, kind in spans] == [
        ("+7 916 123-45-67", "PHONE"),
        ("۰۹۱۲۳۴۵۶۷۸۹", "PHONE"),
        ("ivan@example.ru", "EMAIL"),
    ]


def test_redaction_counts_each_kind() -> None:
    text = f"a@b.com, c@d.org, 13812345678, {VALID_CARD}, {VALID_IBAN}"
    result = redact(text)
    assert result.text == "[EMAIL], [EMAIL], [PHONE], [CARD], [IBAN]"
    assert dict(result.counts) == {"EMAIL": 2, "PHONE": 1, "CARD": 1, "IBAN": 1}


# ----------------------------------------------------------------------------- segmentation


def test_chinese_is_segmented_into_words() -> None:
    text = "外卖员迟到了一个小时，我要退款，客服一直不回复。"
    tokens = tokenize(text)
    assert {"迟到", "退款", "客服", "小时"} <= set(tokens)
    assert any(len(t) > 1 for t in tokens)
    assert "，" not in tokens and "。" not in tokens
    assert len(tokens) < len(text.replace("，", "").replace("。", ""))


def test_thai_is_segmented_into_words() -> None:
    text = "ไรเดอร์มาส่งช้ามาก อาหารเย็นชืดหมดแล้ว ขอเงินคืนด้วยค่ะ"
    tokens = tokenize(text)
    assert {"ไรเดอร์", "อาหาร", "เงิน", "ช้า"} <= set(tokens)
    assert len(tokens) < len(text.replace(" ", "")) / 2
    assert " " not in tokens


def test_zwnj_spellings_share_a_token() -> None:
    with_zwnj = set(tokenize(f"من می{ZWNJ}خواهم پولم را پس بگیرم"))
    joined = set(tokenize("من میخواهم پولم را پس بگیرم"))
    spaced = set(tokenize("من می خواهم پولم را پس بگیرم"))
    assert "میخواهم" in with_zwnj & joined
    assert {"می", "خواهم"} <= with_zwnj & spaced
    assert all(ZWNJ not in t for t in with_zwnj)


def test_arabic_letter_variants_share_tokens_with_persian() -> None:
    assert tokenize("پيك دير رسيد") == tokenize("پیک دیر رسید")


def test_tokens_are_case_folded() -> None:
    assert tokenize("The COURIER was Late. Курьер ОПОЗДАЛ, Straße") == [
        "the",
        "courier",
        "was",
        "late",
        "курьер",
        "опоздал",
        "strasse",
    ]


def test_digits_are_unified_in_tokens() -> None:
    assert tokenize("سفارش ۴۸۲۱۳") == ["سفارش", "48213"]
    assert tokenize("order 48213") == ["order", "48213"]


def test_mixed_script_text_is_split_per_script() -> None:
    tokens = tokenize("App 又崩溃了 อาหาร เย็น")
    assert tokens[0] == "app"
    assert "崩溃" in tokens
    assert "อาหาร" in tokens


# --------------------------------------------------------------------------------- chunking

THAI_PHRASES = (
    "ไรเดอร์มาส่งช้ามาก",
    "อาหารเย็นชืดหมดแล้ว",
    "ของหายไปหนึ่งอย่าง",
    "ขอเงินคืนได้ไหมคะ",
    "ร้านอาหารไม่รับผิดชอบเลย",
    "แอปแจ้งว่าส่งแล้วแต่ยังไม่ได้รับ",
)
EN_SENTENCE = "The courier was an hour late and the soup arrived completely cold."
FA_SENTENCE = f"پیک یک ساعت دیر رسید و غذا کاملاً سرد بود، می{ZWNJ}خواهم پولم را پس بگیرم."
ZH_SENTENCE = "外卖员迟到了一个小时，饭菜都凉了，客服也不回复。"


def _texts(text: str, spans: list[Span]) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def _assert_well_formed(text: str, spans: list[Span], limit: int) -> None:
    assert spans, "a non-empty text has chunks"
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        chunk = text[s.start : s.end]
        assert chunk == chunk.strip()
        assert len(chunk) <= limit
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start, "chunks are in order and do not overlap"
    # nothing but whitespace is lost between chunks
    assert "".join(_texts(text, spans)).replace(" ", "") == re.sub(r"\s", "", text)


@pytest.mark.parametrize("text", [EN_SENTENCE, FA_SENTENCE, ZH_SENTENCE, THAI_PHRASES[0]])
def test_short_text_is_one_trimmed_chunk(text: str) -> None:
    spans = chunk_spans(f"  \n{text}\n ")
    assert len(spans) == 1
    assert _texts(f"  \n{text}\n ", spans) == [text]


def test_blank_text_has_no_chunks() -> None:
    assert chunk_spans("   \n\n  ") == []


def test_long_english_text_splits_at_sentences_within_the_spaced_limit() -> None:
    text = " ".join([EN_SENTENCE] * 40)
    spans = chunk_spans(text)
    assert len(spans) >= 3
    _assert_well_formed(text, spans, MAX_CHARS_SPACED)
    chunks = _texts(text, spans)
    assert all(c.endswith(".") for c in chunks), "cuts fall at sentence ends"
    # spaced scripts use the larger limit, not the dense one
    assert max(len(c) for c in chunks) > MAX_CHARS_DENSE


def test_long_chinese_text_uses_the_dense_limit() -> None:
    text = ZH_SENTENCE * 40
    spans = chunk_spans(text)
    assert len(spans) >= 3
    _assert_well_formed(text, spans, MAX_CHARS_DENSE)
    assert all(c.endswith("。") for c in _texts(text, spans))


def test_chinese_without_punctuation_is_still_cut_to_the_limit() -> None:
    text = "外卖员迟到了一个小时饭菜都凉了客服也不回复" * 40
    spans = chunk_spans(text)
    assert len(spans) >= 3
    _assert_well_formed(text, spans, MAX_CHARS_DENSE)


def _thai_boundaries(text: str) -> set[int]:
    bounds, pos = {0}, 0
    for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
        pos += len(word)
        bounds.add(pos)
    return bounds


def test_long_thai_text_without_spaces_is_cut_only_at_word_boundaries() -> None:
    text = "".join(THAI_PHRASES[i % len(THAI_PHRASES)] for i in range(40))
    assert " " not in text and len(text) > 2 * MAX_CHARS_DENSE
    spans = chunk_spans(text)
    assert len(spans) >= 3
    _assert_well_formed(text, spans, MAX_CHARS_DENSE)
    bounds = _thai_boundaries(text)
    for s in spans:
        assert s.start in bounds, f"chunk starts inside a Thai word at {s.start}"
        assert s.end in bounds, f"chunk ends inside a Thai word at {s.end}"


def test_long_thai_text_with_spaces_is_cut_between_sentences() -> None:
    text = " ".join(THAI_PHRASES[i % len(THAI_PHRASES)] for i in range(60))
    spans = chunk_spans(text)
    assert len(spans) >= 3
    _assert_well_formed(text, spans, MAX_CHARS_DENSE)
    for s in spans[1:]:
        assert text[s.start - 1] == " "


def test_persian_is_never_cut_at_a_zwnj() -> None:
    # one long sentence, no full stops: it must be cut at spaces, never inside «می‌خواهم»
    text = " ".join([FA_SENTENCE.rstrip(".").replace("،", "")] * 25)
    assert text.count(ZWNJ) == 25
    for limit in (37, 60, 101, None):
        spans = chunk_spans(text, max_chars=limit)
        assert len(spans) >= 2
        _assert_well_formed(text, spans, limit or MAX_CHARS_SPACED)
        for s in spans:
            assert text[s.start] != ZWNJ and text[s.end - 1] != ZWNJ
            assert s.start == 0 or text[s.start - 1].isspace()
            assert s.end == len(text) or text[s.end].isspace()
        assert all(f"می{ZWNJ}خواهم" in c or "خواهم" not in c for c in _texts(text, spans))


def test_chunks_do_not_cross_paragraphs() -> None:
    first = " ".join([EN_SENTENCE] * 4)
    second = " ".join(["Support refunded only the delivery fee, not the missing drinks."] * 4)
    text = f"{first}\n\n{second}\n  \n{first}"
    spans = chunk_spans(text, max_chars=700)
    _assert_well_formed(text, spans, 700)
    assert len(spans) == 3
    assert _texts(text, spans) == [first, second, first]
    for chunk in _texts(text, spans):
        assert "\n" not in chunk


def test_explicit_limit_is_respected_for_mixed_languages() -> None:
    text = "\n\n".join([" ".join([FA_SENTENCE] * 5), ZH_SENTENCE * 6, " ".join([EN_SENTENCE] * 5)])
    spans = chunk_spans(text, max_chars=200)
    _assert_well_formed(text, spans, 200)
    assert len(spans) >= 6


def test_a_terminal_preview_is_cut_between_words_in_every_script() -> None:
    from knowledge.text.segment import clip

    en = "Reported it in the app with photos within ten minutes. Support said nothing"
    assert clip(en, 60) == "Reported it in the app with photos within ten minutes.…"
    th = "แบบว่าเคยสั่งข้าวผัดปูจานละ 120 บาท ในรูปปูเต็มจาน พอมาจริงมีปูนิดเดียว"
    cut = clip(th, 40)
    assert cut.endswith("…") and th.startswith(cut[:-1]) and len(cut) <= 40
    assert not cut[:-1].endswith("ปูนิ")  # never inside a Thai word
    fa = "می‌خواستم سفارش بدهم ولی برنامه مدام خطا می‌داد"
    assert clip(fa, 14) == "می‌خواستم…"  # the ZWNJ word kept whole
    assert clip("短文本", 10) == "短文本"

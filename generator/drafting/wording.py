"""The few fixed phrases an evidence-only map needs, in every language the product serves.
Nothing here is generated: these are templates filled with counts from the analysis."""

from __future__ import annotations

from collections.abc import Mapping

from knowledge.text.localise import counted
from knowledge.vocabulary import ENGLISH_NAMES

PHRASES: dict[str, dict[str, str]] = {
    "title": {
        "en": "Journey map: {scope}",
        "fa": "نقشه سفر مشتری: {scope}",
        "ru": "Карта пути клиента: {scope}",
        "th": "แผนที่เส้นทางลูกค้า: {scope}",
        "zh": "客户旅程地图：{scope}",
    },
    "future_title": {
        "en": "Future state — {title}",
        "fa": "وضعیت آینده — {title}",
        "ru": "Будущее состояние — {title}",
        "th": "สถานะในอนาคต — {title}",
        "zh": "未来状态 — {title}",
    },
    "only_in": {
        "en": "Raised only in {language} ({n})",
        "fa": "فقط در شواهد {language} ({n})",
        "ru": "Упоминается только на {language} ({n})",
        "th": "พบเฉพาะในความเห็นภาษา{language} ({n})",
        "zh": "仅见于{language}反馈（{n}）",
    },
    "quoted": {
        "en": "Quote ({lang}): “{quote}”",
        "fa": "نقل‌قول ({lang}): «{quote}»",
        "ru": "Цитата ({lang}): «{quote}»",
        "th": "ข้อความ ({lang}): “{quote}”",
        "zh": "原文（{lang}）：“{quote}”",
    },
    "very_negative": {
        "en": "frustrated",
        "fa": "به‌شدت ناراضی",
        "ru": "сильное раздражение",
        "th": "หงุดหงิดมาก",
        "zh": "非常不满",
    },
    "negative": {
        "en": "dissatisfied",
        "fa": "ناراضی",
        "ru": "недовольство",
        "th": "ไม่พอใจ",
        "zh": "不满",
    },
    "mixed": {
        "en": "mixed",
        "fa": "دوگانه",
        "ru": "смешанные чувства",
        "th": "ก้ำกึ่ง",
        "zh": "喜忧参半",
    },
    "positive": {
        "en": "satisfied",
        "fa": "راضی",
        "ru": "удовлетворение",
        "th": "พอใจ",
        "zh": "满意",
    },
    "very_positive": {
        "en": "delighted",
        "fa": "بسیار راضی",
        "ru": "восторг",
        "th": "ประทับใจมาก",
        "zh": "非常满意",
    },
}


# counted phrases: their form follows the plural category of ``n`` (``knowledge.text.localise``)
COUNTED: dict[str, dict[str, dict[str, str]]] = {
    "pain": {
        "en": {"one": "Raised {n} time ({langs}); mean severity {severity} of 3.",
               "other": "Raised {n} times ({langs}); mean severity {severity} of 3."},
        "fa": {"other": "{n} بار مطرح شده ({langs})؛ میانگین شدت {severity} از 3."},
        "ru": {"one": "{n} упоминание ({langs}); средняя тяжесть {severity} из 3.",
               "few": "{n} упоминания ({langs}); средняя тяжесть {severity} из 3.",
               "many": "{n} упоминаний ({langs}); средняя тяжесть {severity} из 3.",
               "other": "{n} упоминания ({langs}); средняя тяжесть {severity} из 3."},
        "th": {"other": "ถูกกล่าวถึง {n} ครั้ง ({langs}) ความรุนแรงเฉลี่ย {severity} จาก 3"},
        "zh": {"other": "被提及 {n} 次（{langs}）；平均严重程度 {severity}/3。"},
    },
    "delight": {
        "en": {"one": "Praised {n} time ({langs}).", "other": "Praised {n} times ({langs})."},
        "fa": {"other": "{n} بار تحسین شده ({langs})."},
        "ru": {"one": "{n} положительный отзыв ({langs}).",
               "few": "{n} положительных отзыва ({langs}).",
               "many": "{n} положительных отзывов ({langs}).",
               "other": "{n} положительных отзыва ({langs})."},
        "th": {"other": "ได้รับคำชม {n} ครั้ง ({langs})"},
        "zh": {"other": "被称赞 {n} 次（{langs}）。"},
    },
}  # fmt: skip


# a language's name as it reads inside the "only_in" phrase of each map language
LANGUAGE_IN: dict[str, dict[str, str]] = {
    "en": ENGLISH_NAMES,
    "fa": {"fa": "فارسی", "ru": "روسی", "th": "تایلندی", "zh": "چینی", "en": "انگلیسی"},
    "ru": {
        "fa": "персидском",
        "ru": "русском",
        "th": "тайском",
        "zh": "китайском",
        "en": "английском",
    },
    "th": {"fa": "เปอร์เซีย", "ru": "รัสเซีย", "th": "ไทย", "zh": "จีน", "en": "อังกฤษ"},
    "zh": {"fa": "波斯语", "ru": "俄语", "th": "泰语", "zh": "中文", "en": "英语"},
}


def language_in(map_lang: str, lang: str) -> str:
    return LANGUAGE_IN.get(map_lang, LANGUAGE_IN["en"]).get(lang, lang)


def counted_phrase(key: str, lang: str, n: int, **values: object) -> str:
    """The phrase ``key`` of ``COUNTED`` for ``n`` in ``lang``, ``n`` and the other numbers
    given already worded by ``knowledge.text.localise``."""
    return counted(n, COUNTED[key], lang, **values)


def phrase(key: str, lang: str, values: Mapping[str, object] | None = None) -> str:
    table = PHRASES[key]
    template = table.get(lang, table["en"])
    return template.format(**(values or {}))


def emotion_key(score: float) -> str:
    if score <= -0.6:
        return "very_negative"
    if score <= -0.2:
        return "negative"
    if score < 0.2:
        return "mixed"
    if score < 0.6:
        return "positive"
    return "very_positive"

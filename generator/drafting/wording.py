"""The few fixed phrases an evidence-only map needs, in every language the product serves.
Nothing here is generated: these are templates filled with counts from the analysis."""

from __future__ import annotations

from collections.abc import Mapping

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
    "pain": {
        "en": "Raised {n} times ({langs}); mean severity {severity:.1f} of 3.",
        "fa": "{n} بار مطرح شده ({langs})؛ میانگین شدت {severity:.1f} از ۳.",
        "ru": "Упоминается {n} раз ({langs}); средняя тяжесть {severity:.1f} из 3.",
        "th": "ถูกกล่าวถึง {n} ครั้ง ({langs}) ความรุนแรงเฉลี่ย {severity:.1f} จาก 3",
        "zh": "被提及 {n} 次（{langs}）；平均严重程度 {severity:.1f}/3。",
    },
    "delight": {
        "en": "Praised {n} times ({langs}).",
        "fa": "{n} بار تحسین شده ({langs}).",
        "ru": "Хвалят {n} раз ({langs}).",
        "th": "ได้รับคำชม {n} ครั้ง ({langs})",
        "zh": "被称赞 {n} 次（{langs}）。",
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

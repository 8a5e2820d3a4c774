"""A stand-in model for every drafting task, for tests, benchmarks and trying the pipeline
without an endpoint: it answers from the prompt alone — the ids it lists, the fenced evidence it
shows — with fixed sentences in the requested language and quotes cut from the evidence. Use it
as ``FunctionModel(FakeDrafter("fa"))``. Its answers are grounded and valid, and sized like a
terse model's, which is what the prompt-size benchmark needs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from generator.llm.interface import ChatRequest

_BLOCK = re.compile(
    r"\[\[evidence (\w+) id=(\S+) lang=(\S+?)(?: flag=\S+?)?\]\]\n(.*?)\n\[\[/evidence \1\]\]",
    re.DOTALL,
)
_THEME = re.compile(r"^- ((?:pp|dl)-\S+) \(", re.MULTILINE)
_PAIN_LINE = re.compile(r"^- (pp-\S+?):? ", re.MULTILINE)
_PERSONAS = re.compile(r"Draft (\d+) distinct persona")
_STAGE_ID = re.compile(r"^(\w+): ", re.MULTILINE)

SENTENCES: dict[str, dict[str, str]] = {
    "en": {
        "a": "Customer checks the order",
        "b": "Will it arrive on time?",
        "e": "anxious",
        "t": "mobile app",
        "c": "app",
        "team": "Operations",
        "d": "Customers report this often",
        "p": "Busy regular customer",
        "g": "Get food quickly",
        "r": "Fix delivery delays",
        "k": "On-time delivery rate",
        "f": "Orders arrive on time",
    },
    "fa": {
        "a": "مشتری سفارش را پیگیری می‌کند",
        "b": "آیا به‌موقع می‌رسد؟",
        "e": "نگران",
        "t": "اپلیکیشن موبایل",
        "c": "اپلیکیشن",
        "team": "عملیات",
        "d": "مشتریان این را بارها گفته‌اند",
        "p": "مشتری همیشگی و پرمشغله",
        "g": "سریع غذا بگیرد",
        "r": "تاخیر ارسال را رفع کنید",
        "k": "نرخ تحویل به‌موقع",
        "f": "سفارش‌ها به‌موقع می‌رسند",
    },
    "ru": {
        "a": "Клиент проверяет заказ",
        "b": "Успеют ли доставить вовремя?",
        "e": "тревога",
        "t": "мобильное приложение",
        "c": "приложение",
        "team": "Операции",
        "d": "Клиенты часто об этом пишут",
        "p": "Занятой постоянный клиент",
        "g": "Быстро получить еду",
        "r": "Устранить задержки доставки",
        "k": "Доля доставок вовремя",
        "f": "Заказы приходят вовремя",
    },
    "th": {
        "a": "ลูกค้าตรวจสอบคำสั่งซื้อ",
        "b": "จะมาถึงตรงเวลาไหม",
        "e": "กังวล",
        "t": "แอปมือถือ",
        "c": "แอป",
        "team": "ฝ่ายปฏิบัติการ",
        "d": "ลูกค้าพูดถึงเรื่องนี้บ่อย",
        "p": "ลูกค้าประจำที่ยุ่ง",
        "g": "ได้อาหารอย่างรวดเร็ว",
        "r": "แก้ปัญหาการจัดส่งล่าช้า",
        "k": "อัตราการจัดส่งตรงเวลา",
        "f": "คำสั่งซื้อมาถึงตรงเวลา",
    },
    "zh": {
        "a": "顾客查看订单",
        "b": "能准时送到吗？",
        "e": "焦虑",
        "t": "手机应用",
        "c": "应用",
        "team": "运营部",
        "d": "顾客经常提到这一点",
        "p": "忙碌的老顾客",
        "g": "快速拿到餐食",
        "r": "解决配送延迟",
        "k": "准时送达率",
        "f": "订单准时送达",
    },
}


def _plain_first(blocks: Iterable[re.Match[str]]) -> list[re.Match[str]]:
    """Blocks of evidence that does not address an AI first: a careful model quotes those."""
    return sorted(blocks, key=lambda b: "flag=" in b.group(0).split("\n", 1)[0])


def _quote(text: str) -> str:
    return text[:40].strip() or text


class FakeDrafter:
    def __init__(self, lang: str = "en") -> None:
        self.s = SENTENCES[lang]

    def _quotes_by_owner(self, prompt: str) -> dict[str, list[dict[str, str]]]:
        owners: dict[str, list[dict[str, str]]] = {}
        marks = [(m.start(), m.group(1)) for m in _THEME.finditer(prompt)]
        for n, (start, owner) in enumerate(marks):
            end = marks[n + 1][0] if n + 1 < len(marks) else len(prompt)
            owners[owner] = [
                {"evidence_id": b.group(2), "quote": _quote(b.group(4))}
                for b in _plain_first(_BLOCK.finditer(prompt[start:end]))
            ][:1]
        return owners

    def __call__(self, request: ChatRequest) -> dict[str, Any]:
        prompt = request.messages[-1].content
        for m in request.messages:
            if m.role == "user":
                prompt = m.content  # the task itself, not re-ask messages
                break
        s = self.s
        if request.task == "personas":
            n = int(_PERSONAS.search(prompt).group(1))  # type: ignore[union-attr]
            block = next(iter(_plain_first(_BLOCK.finditer(prompt))), None)
            quotes = (
                [{"evidence_id": block.group(2), "quote": _quote(block.group(4))}] if block else []
            )
            return {
                "personas": [
                    {
                        "name": f"{s['p']} {i + 1}",
                        "description": s["d"],
                        "goals": [s["g"]],
                        "frustrations": [s["r"]],
                        "quotes": quotes,
                    }
                    for i in range(n)
                ]
            }
        if request.task == "stage_lanes":
            owners = self._quotes_by_owner(prompt)
            entries = [
                {"id": k, "title": s["d"], "description": s["d"], "quotes": v}
                for k, v in owners.items()
            ]
            return {
                "actions": [s["a"]],
                "thoughts": [s["b"]],
                "emotion_label": s["e"],
                "touchpoints": [{"name": s["t"], "channel": s["c"], "owner_team": s["team"]}],
                "pain_points": [e for e in entries if str(e["id"]).startswith("pp-")],
                "delighters": [e for e in entries if str(e["id"]).startswith("dl-")],
                "moments_of_truth": [s["b"]],
                "opportunities": [s["r"]],
                "frontstage": [s["t"]],
                "backstage": [s["team"]],
                "support_processes": [s["c"]],
                "outside_brand": [s["g"]],
            }
        if request.task == "recommendations":
            ids = _PAIN_LINE.findall(prompt)
            return {
                "recommendations": [
                    {
                        "action": s["r"],
                        "addresses": ids[i : i + 2],
                        "owner_team": s["team"],
                        "effort": "medium",
                        "impact": "high",
                        "kpi": s["k"],
                    }
                    for i in range(0, len(ids), 2)
                ]
            }
        if request.task == "future_state":
            ids = _PAIN_LINE.findall(prompt)
            return {
                "actions": [s["a"]],
                "thoughts": [s["f"]],
                "emotion_score": 0.5,
                "emotion_label": s["e"],
                "touchpoints": [{"name": s["t"], "channel": s["c"], "owner_team": s["team"]}],
                "moments_of_truth": [s["f"]],
                "opportunities": [s["r"]],
                "changes": [
                    {"current": s["d"], "future": s["f"], "gap": s["r"], "addresses": [i]}
                    for i in ids
                ],
            }
        if request.task == "stage_classification":
            stages = _STAGE_ID.findall(
                prompt.split("\n\n")[0].replace("Stages (id: name — description):\n", "")
            )
            first = stages[0] if stages else "none"
            return {
                "assignments": [
                    {"evidence_id": b.group(2), "stage_id": first, "confidence": 0.5}
                    for b in _BLOCK.finditer(prompt)
                ]
            }
        raise ValueError(f"FakeDrafter does not know the task {request.task!r}")

"""A function for ``FunctionModel`` that answers map questions the way a careful model would:
in the asked language, naming the first element shown by its title and its stage's name (never
an id), citing the first elements shown with their evidence, quoting only numbers from the
facts, as written there; no elements shown means not answerable. Used by tests, the benchmark
and the loopback endpoint."""

from __future__ import annotations

import re
from typing import Any

from generator.llm.interface import ChatRequest

SENTENCE = {
    "fa": "بر اساس نقشه‌ها مهم‌ترین مورد همین است",
    "ru": "По данным карт главное здесь вот что",
    "th": "จากแผนที่ ประเด็นสำคัญที่สุดคือเรื่องนี้",
    "zh": "根据地图，最重要的是这一点",
    "en": "According to the maps, this matters most",
}
ELEMENT = re.compile(
    r"\[\[evidence \w+ ref=(\S+) kind=\w+\]\]\nnumbers: .*\nevidence: ([\w,]*)\n"
    r"(?:stage: (.*)\n)?([^\n]*?)(?: · |\n)"
)
FACTS = re.compile(r"authoritative for numbers\):\n(.*?)\n\nMap elements", re.S)


class FakeAnswerer:
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, request: ChatRequest) -> dict[str, Any]:
        prompt = next(m.content for m in request.messages if m.role == "user")
        found = ELEMENT.findall(prompt)
        if not found:
            return {"answerable": False, "answer": "", "citations": []}
        number = ""
        facts = FACTS.search(prompt)
        if facts and facts.group(1).startswith("{"):
            priorities = re.findall(r'"priority": ([\d.]+)', facts.group(1))
            if priorities:
                number = f" ({priorities[0]})"
        citations = [
            {"element": ref, "evidence_ids": [e for e in ids.split(",") if e][:2]}
            for ref, ids, _stage, _title in found[:2]
        ]
        _ref, _ids, stage, title = found[0]
        named = f": {title}" + (f" ({stage})" if stage else "")
        return {
            "answerable": True,
            "answer": SENTENCE[self.lang] + named + number,
            "citations": citations,
        }

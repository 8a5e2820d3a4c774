"""A function for ``FunctionModel`` that answers translation prompts the way a compliant model
would: every item once, in the target language, with the glossary terms the prompt asks for.
Used by tests, the benchmark and the loopback endpoint; the text is a marker word of the target
language and a number derived from the source, so equal sources get equal translations."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from generator.llm.interface import ChatRequest

WORD = {
    "fa": "\u200fترجمه\u200cشده\u200e",  # directional marks a model may add; ZWNJ is Persian
    "ru": "перевод",
    "th": "คำแปล",
    "zh": "译文",
    "en": "translated",
}
ITEM = re.compile(
    r"\[\[evidence (\w+) id=(\w+) lang=(\w+)(?: flag=\w+)?\]\]\n(.*?)\n\[\[/evidence \1\]\]", re.S
)
TERM = re.compile(r"^- (.+?) → (.+)$", re.M)


def _number(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100000


class FakeTranslator:
    def __init__(self, target: str, use_glossary: bool = True) -> None:
        self.target = target
        self.use_glossary = use_glossary
        self.requests: list[ChatRequest] = []

    def __call__(self, request: ChatRequest) -> dict[str, Any]:
        self.requests.append(request)
        prompt = next(m.content for m in request.messages if m.role == "user")
        terms = TERM.findall(prompt)
        items = []
        for _token, key, _lang, source in ITEM.findall(prompt):
            text = f"{WORD[self.target]} {_number(source)}"
            if self.use_glossary:
                wanted = [t for s, t in terms if s.casefold() in source.casefold()]
                text = " ".join([text, *wanted])
            items.append({"id": key, "text": text})
        return {"items": items}

"""Interview transcripts written as ``Speaker: words`` lines, with an optional header block.

Speaker labels are the labels that start two or more lines; a line without one continues the
previous turn. A leading block of ``key: value`` lines (participant, date, city, ...) followed
by a blank line is document metadata, not talk. The interviewer is recognised by the label
(Interviewer, مصاحبه‌کننده, Интервьюер, ผู้สัมภาษณ์, 访谈者, ...) or, failing that, as the
speaker who asks the most questions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from knowledge.research.readers.base import Role, Segment

_LINE = re.compile(
    r"^\s*(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?\s*)?"
    r"(?P<label>[^\s:：\[\]()0-9][^:：\n]{0,40}?)\s*[:：]\s*(?P<rest>.*)$"
)
INTERVIEWER_WORDS = (
    "interviewer",
    "moderator",
    "researcher",
    "facilitator",
    "int",
    "q",
    "i",
    "مصاحبه‌کننده",
    "مصاحبه کننده",
    "مصاحبهکننده",
    "پرسشگر",
    "پژوهشگر",
    "интервьюер",
    "модератор",
    "ведущий",
    "исследователь",
    "ผู้สัมภาษณ์",
    "ผู้ดำเนินรายการ",
    "ผู้วิจัย",
    "访谈者",
    "采访者",
    "主持人",
    "访员",
    "研究员",
    "问",
)
_QUESTION = re.compile(r"[?؟？]\s*$")


@dataclass
class Transcript:
    header: dict[str, Any]
    turns: list[Segment]


def _label(line: str) -> tuple[str, str] | None:
    m = _LINE.match(line)
    if not m:
        return None
    return m.group("label").strip(), m.group("rest")


def is_interviewer_label(label: str) -> bool:
    key = label.casefold().strip(" .-_")
    return key in INTERVIEWER_WORDS or any(
        key.startswith(w) for w in INTERVIEWER_WORDS if len(w) > 3
    )


def parse_transcript(text: str) -> Transcript | None:
    """Parse speaker turns; ``None`` when the text has fewer than two turns."""
    lines = text.splitlines()
    counts = Counter(lab[0] for lab in map(_label, lines) if lab is not None)
    speakers = {lab for lab, n in counts.items() if n >= 2}
    if not speakers:
        return None
    header: dict[str, Any] = {}
    start = 0
    blank = next((i for i, line in enumerate(lines[:60]) if not line.strip()), None)
    if blank is not None and blank > 0:
        block = [line for line in lines[:blank] if line.strip()]
        labels = [_label(line) for line in block]
        keyed = [lab for lab in labels if lab is not None]
        if keyed and sum(1 for k, _ in keyed if k not in speakers) * 2 > len(keyed):
            for line, lab in zip(block, labels, strict=True):
                if lab is None:
                    header.setdefault("title", line.strip())
                else:
                    header[lab[0]] = lab[1].strip()
            start = blank + 1
    turns: list[Segment] = []
    for lineno, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            continue
        lab = _label(line)
        if lab is not None and lab[0] in speakers:
            turns.append(
                Segment(lab[1], {"turn": len(turns) + 1, "speaker": lab[0], "line": lineno})
            )
        elif turns:
            turns[-1].text += "\n" + line
        else:
            turns.append(Segment(line, {"turn": 1, "speaker": None, "line": lineno}))
    if sum(1 for t in turns if t.location.get("speaker")) < 2:
        return None
    assign_roles(turns)
    return Transcript(header, turns)


def assign_roles(turns: list[Segment]) -> None:
    """Mark the interviewer's turns; everyone else speaks as a customer."""
    speakers = [t.location.get("speaker") for t in turns]
    named = {s for s in speakers if s and is_interviewer_label(s)}
    if not named:
        asks: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for t in turns:
            s = t.location.get("speaker")
            if s:
                total[s] += 1
                asks[s] += bool(_QUESTION.search(t.text))
        if len(total) >= 2:
            ranked = sorted(total, key=lambda s: asks[s] / total[s], reverse=True)
            if asks[ranked[0]] / total[ranked[0]] >= 0.5:
                named = {ranked[0]}
    for t in turns:
        role: Role = "interviewer" if t.location.get("speaker") in named else "customer"
        t.role = role

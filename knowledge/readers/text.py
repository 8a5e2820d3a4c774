"""Plain text and Markdown.

Interviews become speaker turns; reviews, feedback, survey answers and support messages pasted
one per line become one record per line; anything else (notes, competitor write-ups, Markdown)
is one document whose Markdown sections are kept apart.
"""

from __future__ import annotations

import re
from typing import Any

from knowledge.readers.base import ParsedDocument, ReadOptions, Segment
from knowledge.readers.transcript import parse_transcript

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
LINE_RECORD_KINDS = ("review", "feedback", "survey", "support")


def _sections(text: str) -> list[Segment]:
    segments: list[Segment] = []
    heading: str | None = None
    buf: list[str] = []
    start_line = 1

    def flush() -> None:
        body = "\n".join(buf)
        if body.strip():
            loc: dict[str, Any] = {"line": start_line}
            if heading:
                loc["section"] = heading
            segments.append(Segment(body, loc))

    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _HEADING.match(line)
        if m:
            flush()
            heading, buf, start_line = m.group(2), [], lineno
            # the heading line itself is evidence too (it names the topic)
            buf.append(line)
        else:
            if not buf:
                start_line = lineno
            buf.append(line)
    flush()
    return segments


def read_text(text: str, options: ReadOptions, markdown: bool) -> tuple[list[ParsedDocument], int]:
    if options.kind == "interview":
        transcript = parse_transcript(text)
        if transcript is not None:
            return [ParsedDocument(transcript.turns, meta=dict(transcript.header))], 0
    if options.kind in LINE_RECORD_KINDS and not markdown:
        docs = [
            ParsedDocument([Segment(line, {})], location={"line": lineno})
            for lineno, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
        return docs, 0
    segments = _sections(text) if markdown else [Segment(text, {})]
    return ([ParsedDocument(segments)] if segments else []), 0

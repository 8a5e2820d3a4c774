"""Plain text and Markdown.

Interviews become speaker turns; reviews, feedback, survey answers and support messages pasted
one per line become one record per line; anything else (notes, competitor write-ups, Markdown)
is one document: its title, front matter and metadata lines are the document's metadata and its
Markdown sections are kept apart (see ``knowledge.research.readers.notes``).
"""

from __future__ import annotations

from knowledge.research.readers.base import ParsedDocument, ReadOptions, Segment
from knowledge.research.readers.notes import read_note
from knowledge.research.readers.transcript import parse_transcript

LINE_RECORD_KINDS = ("review", "feedback", "survey", "support")


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
    note = read_note(text, markdown)
    return ([ParsedDocument(note.segments, meta=note.meta)] if note.segments else []), 0

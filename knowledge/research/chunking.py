"""Script-aware chunking of one record's text into evidence chunks.

A chunk is always an exact substring of the text (the quote stays verbatim) and is described by
its character span. Short texts are one chunk. Longer texts are cut at paragraph, then sentence
boundaries (., !, ?, ؟, ۔, 。, ！, ？, and the space that ends a Thai sentence), and a sentence
that is still too long is cut at a word boundary: whitespace for spaced scripts, a dictionary word
boundary for Thai, any character for Chinese. Persian ZWNJ is never a cut point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.text.languages import script_counts

# Characters per chunk: CJK and Thai carry more tokens per character than spaced scripts.
MAX_CHARS_SPACED = 900
MAX_CHARS_DENSE = 350

_PARAGRAPH = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(
    r"(?<=[.!?؟۔…])\s+|(?<=[。！？!?；;])|(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f])|\n"
)


_NOTE = re.compile(r"\[[^\n]*\]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _max_chars(text: str) -> int:
    counts = script_counts(text)
    dense = counts["han"] + counts["thai"] + counts["kana"]
    letters = sum(counts.values()) or 1
    return MAX_CHARS_DENSE if dense / letters > 0.3 else MAX_CHARS_SPACED


def _pieces(text: str, start: int, end: int, splitter: re.Pattern[str]) -> list[Span]:
    spans: list[Span] = []
    pos = start
    for m in splitter.finditer(text, start, end):
        if m.start() > pos:
            spans.append(Span(pos, m.start()))
        pos = m.end()
    if pos < end:
        spans.append(Span(pos, end))
    return spans


def _thai_boundaries(segment: str) -> list[int]:
    from pythainlp.tokenize import word_tokenize

    out, pos = [], 0
    for word in word_tokenize(segment, engine="newmm", keep_whitespace=True):
        pos += len(word)
        out.append(pos)
    return out


def _hard_split(text: str, span: Span, limit: int) -> list[Span]:
    """Cut an over-long sentence at word boundaries close to ``limit``."""
    segment = text[span.start : span.end]
    counts = script_counts(segment)
    if counts["thai"]:
        cuts = _thai_boundaries(segment)
    elif counts["han"] or counts["kana"]:
        cuts = list(range(1, len(segment) + 1))
    else:
        cuts = [m.end() for m in re.finditer(r"\s+", segment)] + [len(segment)]
    spans: list[Span] = []
    begin = 0
    last_ok = 0
    for cut in cuts:
        if cut - begin > limit and last_ok > begin:
            spans.append(Span(span.start + begin, span.start + last_ok))
            begin = last_ok
        last_ok = cut
    if begin < len(segment):
        spans.append(Span(span.start + begin, span.end))
    # a single "word" longer than the limit (no boundary at all) is cut by characters
    out: list[Span] = []
    for s in spans:
        while s.end - s.start > limit * 2:
            out.append(Span(s.start, s.start + limit))
            s = Span(s.start + limit, s.end)
        out.append(s)
    return out


def _trim(text: str, span: Span) -> Span | None:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def chunk_spans(text: str, max_chars: int | None = None) -> list[Span]:
    """Spans of ``text`` that make its chunks, in order, never crossing a paragraph."""
    limit = max_chars or _max_chars(text)
    whole = _trim(text, Span(0, len(text)))
    if whole is None:
        return []
    if whole.end - whole.start <= limit:
        return [whole]
    chunks: list[Span] = []
    for para in _pieces(text, 0, len(text), _PARAGRAPH):
        current: Span | None = None
        for sentence in _pieces(text, para.start, para.end, _SENTENCE_END):
            trimmed = _trim(text, sentence)
            if trimmed is None:
                continue
            # a bracketed note on its own line (a transcriber's note) stays whole, so its
            # brackets still mark it as one (see knowledge.text.hygiene)
            note = _NOTE.fullmatch(text, trimmed.start, trimmed.end) is not None
            parts = (
                _hard_split(text, trimmed, limit)
                if trimmed.end - trimmed.start > limit and not note
                else [trimmed]
            )
            for part in parts:
                if current is not None and part.end - current.start <= limit:
                    current = Span(current.start, part.end)
                else:
                    if current is not None:
                        chunks.append(current)
                    current = part
        if current is not None:
            chunks.append(current)
    return [s for s in (_trim(text, c) for c in chunks) if s is not None]

"""Which part of an evidence chunk a map quotes: a verbatim stretch short enough to read, free of
transcript markers, and about what the element is about.

The candidates are windows of whole sentences (up to ``MAX_QUOTE`` characters) inside the
quotable stretches between markers (``knowledge.hygiene``); a sentence longer than that is cut
at the limit. The window that holds most of the element's words (a code's words, an emergent
theme's keyphrases) is quoted; with no words to go by, or a tie, the earliest.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from knowledge.hygiene import quotable_spans
from knowledge.segment import tokenize

MAX_QUOTE = 300
MIN_QUOTE = 12
_SENTENCE_END = re.compile(r"(?<=[.!?؟。！？…])\s*|\n+")


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.end() <= pos:
            continue
        if text[pos : m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end and text[pos:end].strip():
        out.append((pos, end))
    return out


def windows(text: str, max_chars: int = MAX_QUOTE) -> list[tuple[int, int]]:
    """Candidate quotes: runs of whole sentences within the quotable stretches, each at most
    ``max_chars`` long (a longer sentence is cut at the limit), in reading order."""
    spans = quotable_spans(text) or ([(0, len(text))] if text.strip() else [])
    out: list[tuple[int, int]] = []
    for start, end in spans:
        sentences = _sentences(text, start, end) or [(start, end)]
        for n, (first, last) in enumerate(sentences):
            stop = min(last, first + max_chars)
            for _, later in sentences[n + 1 :]:
                if later - first > max_chars:
                    break
                stop = later
            out.append((first, stop))
    trimmed = []
    for a, b in out:
        piece = text[a:b]
        a += len(piece) - len(piece.lstrip())
        b -= len(piece) - len(piece.rstrip())
        if b > a:
            trimmed.append((a, b))
    return trimmed


def best_quote(text: str, terms: Collection[str] = ()) -> tuple[int, int]:
    """(start, end) of the window to quote: most of ``terms`` (search tokens), then the
    earliest of useful length."""
    candidates = windows(text)
    if not candidates:
        return 0, len(text)
    long_enough = [w for w in candidates if w[1] - w[0] >= MIN_QUOTE] or candidates
    if not terms:
        return long_enough[0]
    wanted = set(terms)
    return max(
        long_enough,
        key=lambda w: (len(wanted & set(tokenize(text[w[0] : w[1]]))), -w[0]),
    )


def quote_of(text: str, span: Sequence[int] | None = None) -> str:
    """The part of ``text`` to quote: the analysis' choice (``span``) or ``best_quote``."""
    start, end = span if span is not None and len(span) == 2 else best_quote(text)
    return text[start:end]

"""Which part of an evidence chunk a map quotes: a verbatim stretch short enough to read, free of
transcript markers, about what the element is about, and cut where a reader expects a cut.

The quotable stretches between markers (``knowledge.text.hygiene``) are split into sentences (., !,
?, ؟, 。, ！, ？, a line break, the space between two Thai phrases); a sentence longer than
``MAX_QUOTE`` characters into clauses (, ; : ، ؛ ， ； ： 、 and dashes), and a clause still
longer at word boundaries (pythainlp's words for Thai, jieba's for Chinese, never inside a
Persian word joined by ZWNJ); a sentence addressed to an AI system is left out like a marker
when anything else can be quoted. Each piece, with the pieces around it that fit in
``MAX_QUOTE`` characters (the next, then the one before, in turn), is a candidate; the one that
holds most of the element's words (a code's words, an emergent theme's keyphrases) is quoted, on
a tie the one in the earliest stretch, grown around the piece that holds most of them, then the
earliest of useful length. A quote that starts or ends inside a sentence says so with an
ellipsis (``…``) there; what it quotes between the ellipses is verbatim
(``knowledge.journey.review.integrity.quoted_part``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from knowledge.journey.review.integrity import CUT
from knowledge.text.hygiene import addresses_ai, quotable_spans
from knowledge.text.segment import tokenize, word_boundaries

MAX_QUOTE = 400
MIN_QUOTE = 12
_THAI = "\u0e00-\u0e7f"
_ENDS = ".!?؟。！？…"
_CLOSING = "»”’\"')]）」』"
_CLOSE = re.escape(_CLOSING)
# what ends a sentence (or a clause) stays with it: the mark and any closing quote or bracket
_SENTENCE_END = re.compile(
    rf"(?P<keep>[.!?؟…][{_CLOSE}]*(?=\s)|[。！？][{_CLOSE}]*)\s*|\n+"
    rf"|(?<=[{_THAI}])[ \t]+(?=[{_THAI}])"
)
_CLAUSE_END = re.compile(r"(?P<keep>[,;:،؛，；：、])\s*|\s+[—–-]\s+")


def _split(text: str, start: int, end: int, splitter: re.Pattern[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = start
    for m in splitter.finditer(text, start, end):
        cut = m.end("keep") if m.group("keep") else m.start()
        if cut > pos:
            out.append((pos, cut))
        pos = max(pos, m.end())
    if pos < end:
        out.append((pos, end))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _by_words(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most ``limit`` characters at word boundaries
    (at the limit itself only inside one word longer than that, a link say)."""
    cuts = [start + b for b in word_boundaries(text[start:end])]
    out: list[tuple[int, int]] = []
    begin = start
    while end - begin > limit:
        fitting = [c for c in cuts if begin < c <= begin + limit]
        stop = fitting[-1] if fitting else begin + limit
        out.append((begin, stop))
        begin = stop
    out.append((begin, end))
    return out


def _pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]``, over-long ones cut at clauses, then at words."""
    out: list[tuple[int, int]] = []
    for s_start, s_end in _split(text, start, end, _SENTENCE_END) or [(start, end)]:
        if s_end - s_start <= limit:
            out.append((s_start, s_end))
            continue
        for c_start, c_end in _split(text, s_start, s_end, _CLAUSE_END):
            out += _by_words(text, c_start, c_end, limit)
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))


def pieces(text: str, max_chars: int = MAX_QUOTE) -> list[list[tuple[int, int]]]:
    """The quotable stretches of ``text``, each as its pieces (sentences, or clauses or words
    of an over-long sentence) in reading order, trimmed of spaces."""
    spans = quotable_spans(text) or ([(0, len(text))] if text.strip() else [])
    out: list[list[tuple[int, int]]] = []
    for start, end in spans:
        trimmed = [_trim(text, a, b) for a, b in _pieces(text, start, end, max_chars)]
        out.append([(a, b) for a, b in trimmed if b > a])
    # words addressed to an AI system are never quoted when anything else can be: they split
    # a stretch like a marker does
    if any(not addresses_ai(text[a:b]) for run in out for a, b in run):
        split: list[list[tuple[int, int]]] = []
        for run in out:
            split.append([])
            for a, b in run:
                if addresses_ai(text[a:b]):
                    split.append([])
                else:
                    split[-1].append((a, b))
        out = split
    return [run for run in out if run]


def _grow(run: list[tuple[int, int]], at: int, max_chars: int) -> tuple[int, int]:
    """The pieces around ``run[at]`` that fit in ``max_chars``: the next one, then the one
    before, in turn, while either fits."""
    first = last = at
    grew = True
    while grew:
        grew = False
        if last + 1 < len(run) and run[last + 1][1] - run[first][0] <= max_chars:
            last, grew = last + 1, True
        if first > 0 and run[last][1] - run[first - 1][0] <= max_chars:
            first, grew = first - 1, True
    return run[first][0], run[last][1]


def best_quote(
    text: str, terms: Collection[str] = (), max_chars: int = MAX_QUOTE
) -> tuple[int, int]:
    """(start, end) of the part to quote: the piece holding most of ``terms`` (search tokens),
    or with none of them the first of useful length, with as much of its context as fits."""
    runs = pieces(text, max_chars)
    if not runs:
        return 0, len(text)
    wanted = set(terms)

    def hits(a: int, b: int) -> int:
        return len(wanted & set(tokenize(text[a:b]))) if wanted else 0

    best: tuple[tuple[int, int, int, bool, int], tuple[int, int]] | None = None
    for r, run in enumerate(runs):
        for p, (a, b) in enumerate(run):
            window = _grow(run, p, max_chars)
            # most of the words in the quote, then the earliest stretch, then most in the piece
            # it is grown around (the words sit in its middle), then of useful length, earliest
            key = (hits(*window), -r, hits(a, b), b - a >= MIN_QUOTE, -a)
            if best is None or key > best[0]:
                best = (key, window)
    assert best is not None
    return best[1]


def is_clean_start(text: str, at: int) -> bool:
    """Whether a quote starting at ``at`` starts a sentence (or a line, or follows a marker)."""
    before = text[:at].rstrip(" \t\u00a0")
    if not before.strip() or before.endswith("\n"):
        return True
    last = before.rstrip(_CLOSING)[-1:] or before[-1]
    if last in _ENDS or before[-1] in "]】":
        return True
    thai = re.match(f"[{_THAI}]", text[at : at + 1]) and re.match(f"[{_THAI}]", before[-1])
    return bool(thai) and len(before) < at


def is_clean_end(text: str, at: int) -> bool:
    """Whether a quote ending at ``at`` ends a sentence (or a line, or meets a marker)."""
    after = text[at:].lstrip(" \t\u00a0")
    if not after.strip() or after.startswith("\n") or after[0] in "[【":
        return True
    quoted = text[:at].rstrip()
    last = quoted.rstrip(_CLOSING)[-1:] or quoted[-1:]
    if last in _ENDS:
        return True
    thai = re.match(f"[{_THAI}]", after[0]) and re.match(f"[{_THAI}]", quoted[-1:])
    return bool(thai) and len(after) < len(text) - at


def quote_of(text: str, span: Sequence[int] | None = None) -> str:
    """The part of ``text`` to quote (the analysis' choice, ``span``, or ``best_quote``), with an
    ellipsis where it cuts a sentence."""
    start, end = span if span is not None and len(span) == 2 else best_quote(text)
    start, end = _trim(text, start, end)
    if end <= start:
        return text[start:end]
    head = "" if is_clean_start(text, start) else CUT
    tail = "" if is_clean_end(text, end) else CUT
    return f"{head}{text[start:end]}{tail}"

"""Titles of emergent themes: a short, real clause of one of the theme's quotes, in the map's
language — never a list of keywords.

For each language, the theme's counted members in that language are tried from the most central
one: the member's quotable stretches (markers left out, see ``knowledge.text.hygiene``) are cut into
clauses, and the clause that holds most of the theme's keyphrases (earlier clauses win ties) is
the title, trimmed at a word boundary to a length that reads as a title in that script, with a
leading filler or conjunction dropped. A clause that is not in the language (a Thai post quoting
an English slogan), a bare number or a clause with a redaction placeholder is skipped. Members
that address an AI system never give a title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.text.hygiene import quotable_spans
from knowledge.text.languages import detect_language, script_counts
from knowledge.text.segment import words

# characters a title may have, by how much a character carries in the script
MAX_CHARS = {"zh": 24, "th": 48, "fa": 64, "ru": 72, "en": 72}
MIN_CHARS = {"zh": 4, "th": 6}
_CLAUSE = re.compile(
    r"[.!?؟。！？;；\n…]+|[,،，、:：]\s*|\s[-–—]\s|(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f])"
)
_PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|CARD|IBAN)\]")
_LEADING = {
    "en": (
        "and",
        "but",
        "so",
        "well",
        "also",
        "then",
        "like",
        "oh",
        "um",
        "uh",
        "yeah",
        "yes",
        "no",
    ),
    "ru": ("и", "а", "но", "ну", "вот", "так", "да", "нет", "ещё", "еще", "потом", "в общем"),
    "fa": ("و", "ولی", "اما", "خب", "بعد", "آره", "نه", "یعنی", "البته", "دیگه"),
    "th": ("แล้ว", "แต่", "ก็", "คือ", "และ"),
    "zh": ("然后", "但是", "不过", "而且", "就是", "所以", "还有", "嗯", "那个"),
}


def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of ``text``'s quotable stretches."""
    out: list[tuple[int, int]] = []
    for start, end in quotable_spans(text):
        pos = start
        for m in _CLAUSE.finditer(text, start, end):
            if m.start() > pos:
                out.append((pos, m.start()))
            pos = m.end()
        if pos < end:
            out.append((pos, end))
    return out


def _trim(clause: str, lang: str) -> str:
    clause = clause.strip(" \t\"'«»“”()[]-–—*·•")
    for lead in sorted(_LEADING.get(lang, ()), key=len, reverse=True):
        if lang in ("zh", "th"):
            if clause.startswith(lead) and len(clause) > len(lead) + 2:
                clause = clause[len(lead) :].lstrip(" ,，")
                break
        elif clause.casefold().startswith(lead + " ") or clause.casefold().startswith(lead + ","):
            clause = clause[len(lead) :].lstrip(" ,،")
            break
    limit = MAX_CHARS.get(lang, 72)
    if len(clause) <= limit:
        return clause
    if lang == "zh":
        return clause[:limit] + "…"
    # cut at the last word boundary within the limit (Thai by its dictionary segmenter)
    cut = 0
    if lang == "th":
        pos = 0
        for w in _thai_words(clause):
            if pos + len(w) > limit:
                break
            pos += len(w)
        cut = pos
    else:
        for m in re.finditer(r"\s+", clause):
            if m.start() > limit:
                break
            cut = m.start()
    return (clause[:cut].rstrip(" ,،，") if cut else clause[:limit]) + "…"


def _thai_words(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return list(word_tokenize(text, engine="newmm", keep_whitespace=True))


def _in_language(clause: str, lang: str) -> bool:
    counts = script_counts(clause)
    if not counts:
        return False
    if lang == "zh":
        return counts.most_common(1)[0][0] == "han"
    if lang == "th":
        return counts.most_common(1)[0][0] == "thai"
    if lang in ("fa", "ru"):
        return counts.most_common(1)[0][0] == ("arabic" if lang == "fa" else "cyrillic")
    return detect_language(clause) == lang or counts.most_common(1)[0][0] == "latin"


def clause_title(text: str, lang: str, keyphrases: Sequence[str]) -> str | None:
    """The clause of ``text`` that best names a theme described by ``keyphrases``, or None."""
    terms = {w for phrase in keyphrases for w in phrase.casefold().split(" ")}
    best: tuple[float, int, str] | None = None
    for n, (start, end) in enumerate(_clauses(text)):
        clause = text[start:end].strip()
        if _PLACEHOLDER.search(clause) or not _in_language(clause, lang):
            continue
        tokens = words(clause)
        content = [t for t in tokens if not t.isdigit()]
        if len(clause) < MIN_CHARS.get(lang, 8) or len(content) < (
            1 if lang in ("zh", "th") else 2
        ):
            continue
        hits = sum(1 for t in set(tokens) if t in terms)
        score = hits + min(len(content), 6) / 12
        if best is None or (score, -n) > (best[0], -best[1]):
            best = (score, n, clause)
    return _trim(best[2], lang) if best else None

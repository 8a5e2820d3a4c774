"""Word segmentation for keyword search.

Text is split into runs of one writing system: Han runs go through jieba, Thai runs through
pythainlp's dictionary segmenter (both ship their dictionaries), everything else through a
Unicode word pattern. Tokens are case-folded; Persian words written with ZWNJ produce the joined
form and its parts, so «می‌خواهم», «میخواهم» and «می خواهم» meet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from knowledge.text.languages import HAN, THAI
from knowledge.text.normalize import normalize_search_text

_ZWNJ = "\u200c"
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
)
_WORD = re.compile(rf"[\w\u200c{_MARKS}]+")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, superscript alef, tatweel


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def _thai_tokenize() -> Any:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize


_RUN = re.compile(f"(?P<han>[{HAN}]+)|(?P<thai>[{THAI}]+)")


def _runs(text: str) -> Iterator[tuple[str, str]]:
    """Split text into (kind, run) where kind is 'han', 'thai' or 'other'."""
    pos = 0
    for m in _RUN.finditer(text):
        if m.start() > pos:
            yield "other", text[pos : m.start()]
        yield ("han" if m.group("han") else "thai"), m.group()
        pos = m.end()
    if pos < len(text):
        yield "other", text[pos:]


def _words(run: str) -> Iterator[str]:
    for m in _WORD.finditer(run):
        word = _ARABIC_MARKS.sub("", m.group()).strip(_ZWNJ)
        if not word:
            continue
        if _ZWNJ in word:
            parts = [p for p in word.split(_ZWNJ) if p]
            yield word.replace(_ZWNJ, "")
            yield from parts
        else:
            yield word


def tokenize(text: str) -> list[str]:
    """Search tokens of a text, for documents and queries alike."""
    text = normalize_search_text(text).casefold()
    tokens: list[str] = []
    for kind, run in _runs(text):
        if kind == "han":
            pieces = _jieba().lcut_for_search(run)
        elif kind == "thai":
            pieces = _thai_tokenize()(run, engine="newmm", keep_whitespace=False)
        else:
            tokens.extend(_words(run))
            continue
        tokens.extend(p for piece in pieces if (p := piece.strip()) and _WORD.search(p))
    return tokens


_PLAIN_WORD = re.compile(r"[\w\u200c'’\-]+")


def words(text: str) -> list[str]:
    """Case-folded words in reading order, once each (no search variants): Han by jieba, Thai by
    pythainlp, other scripts by Unicode word characters with Persian ZWNJ kept inside words."""
    text = normalize_search_text(text).casefold()
    out: list[str] = []
    for kind, run in _runs(text):
        if kind == "han":
            out += _jieba().lcut(run)
        elif kind == "thai":
            out += _thai_tokenize()(run, engine="newmm", keep_whitespace=False)
        else:
            out += _PLAIN_WORD.findall(run)
    return [w for raw in out if (w := raw.strip().strip("'’-\u200c")) and _WORD.search(w)]


def _in_word(ch: str) -> bool:
    return ch.isalnum() or ch == _ZWNJ or unicodedata.category(ch).startswith("M")


def word_boundaries(text: str) -> list[int]:
    """Offsets in ``text`` (0 and ``len(text)`` included) where cutting splits no word: Han by
    jieba's words, Thai by pythainlp's, other scripts wherever a word character (letters,
    digits, marks, Persian ZWNJ) does not meet another. On the text as written, not normalised."""
    cuts = {0, len(text)}
    pos = 0
    for kind, run in _runs(text):
        if kind in ("han", "thai"):
            pieces = (
                _jieba().lcut(run)
                if kind == "han"
                else _thai_tokenize()(run, engine="newmm", keep_whitespace=True)
            )
            at = pos
            for piece in pieces:
                at += len(piece)
                cuts.add(at)
        else:
            cuts.update(
                pos + i
                for i in range(len(run) + 1)
                if i in (0, len(run)) or not (_in_word(run[i - 1]) and _in_word(run[i]))
            )
        pos += len(run)
    return sorted(cuts)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis where
    cut (a preview for a terminal; the stored quote stays whole)."""
    if len(text) <= limit:
        return text
    cuts = [b for b in word_boundaries(text) if 0 < b <= limit - 1]
    end = max(cuts) if cuts else limit - 1
    return text[:end].rstrip() + "…"

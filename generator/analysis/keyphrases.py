"""Extractive theme titles: the words and word pairs that set a theme's evidence apart from the
rest of the same language (class-based TF-IDF over the search tokens, which jieba and pythainlp
segmented at ingest). Words that occur in a large share of the language's evidence ("the",
"是", "และ", "خیلی") are treated as stopwords by their frequency, no word lists needed."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from generator.analysis.lexicon import load_lexicon
from knowledge.text.languages import script_of
from knowledge.text.normalize import normalize_search_text

STOP_SHARE = 0.15  # a word in more than this share of a language's evidence is a stopword


def _content(token: str) -> bool:
    if token.isdigit() or token in load_lexicon().stopwords:
        return False
    scripts = {script_of(ch) for ch in token} - {None}
    if not scripts:
        return False
    dense = scripts & {"han", "thai"}
    return len(token) >= (1 if dense and "han" in scripts else 2)


class Background:
    """Document frequencies of terms in one language's evidence."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self.n = len(documents)
        self.df: Counter[str] = Counter()
        for tokens in documents:
            self.df.update(set(_terms(tokens)))

    def stop(self, term: str) -> bool:
        words = term.split(" ")
        return all(self.df[w] > STOP_SHARE * self.n for w in words if w in self.df) and (
            self.n >= 20
        )

    def idf(self, term: str) -> float:
        return math.log(1 + (self.n + 1) / (self.df[term] + 1))


def _terms(tokens: Sequence[str]) -> list[str]:
    words = [t for t in tokens if _content(t)]
    pairs = [
        f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False) if _content(a) and _content(b)
    ]
    return words + pairs


def keyphrases(members: Sequence[Sequence[str]], background: Background, k: int = 3) -> list[str]:
    """Up to ``k`` terms (words or adjacent word pairs) that best characterise ``members``."""
    tf: Counter[str] = Counter()
    for tokens in members:
        tf.update(set(_terms(tokens)))
    scored = []
    for term, count in tf.items():
        if count < 2 and len(members) > 2:
            continue
        if any(background.stop(w) for w in term.split(" ")):
            continue
        bonus = 1.3 if " " in term else 1.0
        scored.append((count * background.idf(term) * bonus, term))
    scored.sort(key=lambda x: (-x[0], x[1]))
    chosen: list[str] = []
    for _, term in scored:
        words = set(term.split(" "))
        if any(words & set(c.split(" ")) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == k:
            break
    return chosen


_WORD = re.compile(r"[\w\u200c]+")


def surface_forms(texts: Sequence[str]) -> dict[str, str]:
    """Search token -> the spelling customers used, so titles show «راضی‌ام», not «راضیام»
    (search tokens drop ZWNJ and fold letters and case)."""
    forms: dict[str, str] = {}
    for text in texts:
        for word in _WORD.findall(text):
            if "\u200c" in word:
                key = normalize_search_text(word).replace("\u200c", "").casefold()
                forms.setdefault(key, word)
    return forms


def show(term: str, forms: dict[str, str]) -> str:
    return " ".join(forms.get(w, w) for w in term.split(" "))

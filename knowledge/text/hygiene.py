"""Evidence hygiene: what is stored but is not customer experience.

Greetings, thanks and small talk, transcript markers (``[pause]``, ``[laughs]``,
``[صدای گربه]``, ``(смеётся)``), emoji-only, punctuation- or emoticon-only fragments, bare
links and brand replies stay in the store (nothing a user ingested is lost) but are
*non-substantive*, with the reason: the analysis leaves them out of stages, codes, themes,
counts and quotes and counts them in coverage; search ranks them below real evidence.

Markers are also taken out of what is embedded and tokenised (``without_markers``) and never
reach a quote (``quotable_spans``: the verbatim stretches between markers).

Text that addresses an AI system with instructions is *flagged* (``addresses_ai``): it is still
evidence (a customer may be reporting a spam review), but it never gives a title and is quoted
only when nothing else can be. The word lists and patterns are in ``hygiene.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml

from knowledge.text.segment import words

REASONS = ("small_talk", "marker", "emoji", "punctuation", "link", "brand_reply")
ADDRESSES_AI = "addresses_ai"
SMALL_TALK_MAX_CHARS = 160  # longer texts always say something

_PII = re.compile(r"\[(?:EMAIL|PHONE|CARD|IBAN)\]")
_SQUARE = re.compile(r"\[[^\[\]\n]{1,60}\]")
_SQUARE_LINE = re.compile(r"(?m)^[ \t]*\[[^\n]+\][ \t]*$")
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_EMOTICON = re.compile(
    r"(?<!\w)(?:[:;=8][-~'^]?[)(\]\[DPpOo3/\\|*]+|[xX][-]?[D]+|\^[_.\-]?\^|[Tt][_.][Tt]"
    r"|[)(]{2,}|5{3,}\+*|(?:ха|ах|хе){2,}|(?:哈|呵|嘿){2,}|l+o+l+|lmf?ao|rofl|ㅋ{2,}|ㅎ{2,}"
    r"|<3+)(?!\w)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』|„[^“]*“")


@dataclass(frozen=True)
class Hygiene:
    """Why a chunk is not substantive (``reason``, None when it is), and its flags."""

    reason: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def substantive(self) -> bool:
        return self.reason is None

    @property
    def addresses_ai(self) -> bool:
        return ADDRESSES_AI in self.flags


@dataclass(frozen=True)
class _Lexicon:
    # every language's phrases, longest first: the scripts keep them apart, and a short text's
    # language is often misread (a Persian "thanks, bye" has no letter Arabic lacks)
    all_small_talk: list[tuple[str, ...]]
    function_words: frozenset[str]
    marker_paren: re.Pattern[str]
    brand_strong: tuple[re.Pattern[str], ...]
    brand_signals: tuple[re.Pattern[str], ...]
    addresses_ai: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    raw = yaml.safe_load((files("knowledge.text") / "hygiene.yaml").read_text(encoding="utf-8"))
    small_talk = sorted(
        {tuple(words(str(p))) for phrases in raw["small_talk"].values() for p in phrases} - {()},
        key=lambda t: (-len(t), t),
    )
    marker_words = sorted(
        {str(w) for ws in raw["marker_words"].values() for w in ws}, key=lambda w: -len(w)
    )
    paren = re.compile(
        r"[(（]\s*(?:" + "|".join(re.escape(w) for w in marker_words) + r")[^()（）\n]{0,40}[)）]",
        re.IGNORECASE,
    )
    brand = raw["brand_voice"]
    return _Lexicon(
        all_small_talk=small_talk,
        function_words=frozenset(
            w for ws in raw["function_words"].values() for p in ws for w in words(str(p))
        ),
        marker_paren=paren,
        brand_strong=tuple(re.compile(p, re.IGNORECASE) for p in brand["strong"]),
        brand_signals=tuple(re.compile(p, re.IGNORECASE) for p in brand["signals"]),
        addresses_ai=tuple(re.compile(p, re.IGNORECASE) for p in raw["addresses_ai"]),
    )


def marker_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of transcript markers and editorial notes, merged, in order."""
    spans = [m.span() for m in _SQUARE.finditer(text) if not _PII.fullmatch(m.group())]
    spans += [
        m.span() for m in _SQUARE_LINE.finditer(text) if not _PII.fullmatch(m.group().strip())
    ]
    spans += [m.span() for m in _lexicon().marker_paren.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def without_markers(text: str) -> str:
    """The text with its markers taken out (what is embedded and tokenised)."""
    spans = marker_spans(text)
    if not spans:
        return text
    parts, pos = [], 0
    for start, end in spans:
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    return re.sub(r"[ \t]{2,}", " ", " ".join(p.strip(" \t") for p in parts)).strip()


def quotable_spans(text: str) -> list[tuple[int, int]]:
    """Verbatim stretches of ``text`` between markers that contain a letter, in order."""
    out: list[tuple[int, int]] = []
    pos = 0
    for start, end in [*marker_spans(text), (len(text), len(text))]:
        piece = text[pos:start]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left and any(ch.isalpha() for ch in piece):
            out.append((pos + left, pos + right))
        pos = end
    return out


def _is_emoji(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF


def _small_talk(text: str, kind: str) -> bool:
    """Only courtesy formulas, fillers and bare answers: nothing else, or in an interview turn
    at most one content word, or fewer content words than courtesy ones ("Да не за что,
    удачи. Пойду, а то жена ждёт.")."""
    lex = _lexicon()
    tokens = words(text)
    if not tokens:
        return False
    courtesy = 0
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase in lex.all_small_talk:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                courtesy += len(phrase)
                i += len(phrase)
                break
        else:
            rest.append(tokens[i])
            i += 1
    content = [t for t in rest if t not in lex.function_words and not t.isdigit()]
    if not courtesy:
        return False
    if not content:
        return True
    return kind == "interview" and (len(content) <= 1 or courtesy > len(content))


def _brand_reply(text: str) -> bool:
    lex = _lexicon()
    outside = _QUOTED.sub(" ", text)
    if any(p.search(outside) for p in lex.brand_strong):
        return True
    return sum(1 for p in lex.brand_signals if p.search(outside)) >= 2


def addresses_ai(text: str) -> bool:
    return any(p.search(text) for p in _lexicon().addresses_ai)


@lru_cache(maxsize=65536)
def assess(text: str, lang: str = "", kind: str = "") -> Hygiene:
    """Whether a chunk is customer experience, and why not."""
    flags = (ADDRESSES_AI,) if addresses_ai(text) else ()
    residual = without_markers(text)
    if not any(ch.isalnum() or _is_emoji(ch) for ch in residual):
        has_marks = bool(marker_spans(text))
        return Hygiene("marker" if has_marks else "punctuation", flags)
    bare = _PII.sub(" ", _HANDLE.sub(" ", _LINK.sub(" ", residual)))
    bare = _EMOTICON.sub(" ", bare)
    if not any(ch.isalpha() for ch in bare):
        if _LINK.search(residual):
            return Hygiene("link", flags)
        if any(_is_emoji(ch) for ch in bare):
            return Hygiene("emoji", flags)
        return Hygiene("punctuation", flags)
    if kind != "interview" and _brand_reply(residual):
        return Hygiene("brand_reply", flags)
    if len(bare) <= SMALL_TALK_MAX_CHARS and _small_talk(bare, kind):
        return Hygiene("small_talk", flags)
    return Hygiene(None, flags)

"""Redaction of personal data before anything is indexed or could reach a language model.

Emails, phone numbers (international and the national mobile formats of the markets served),
payment card numbers (Luhn-checked) and IBANs (mod-97-checked) are replaced by a bracketed tag.
Detection runs on a digit-unified copy (Persian ۰۹۱۲… finds the same as 0912…) whose offsets
equal the original's, so everything around a redaction is kept as the customer wrote it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from knowledge.text.normalize import unify_digits

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,30}\b")
_CARD = re.compile(r"(?<![\d\-])[2-6](?:[ \-]?\d){12,18}(?![\d\-])")  # issuer digits 2-6
_SEP = r"[ \-.]?"
_PHONES = [
    # International: +CC followed by 7-14 more digits with separators.
    re.compile(r"(?<![\w+])\+\d{1,3}[ \-.]?(?:\(\d{1,4}\)[ \-.]?)?\d(?:[ \-.]?\d){5,12}(?!\d)"),
    # Iran mobile 09xx xxx xxxx
    re.compile(rf"(?<!\d)09\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{4}}(?!\d)"),
    # Russia 8 (9xx) xxx-xx-xx
    re.compile(rf"(?<!\d)8{_SEP}\(?9\d{{2}}\)?{_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?!\d)"),
    # Thailand mobile 06/08/09x-xxx-xxxx
    re.compile(rf"(?<!\d)0[689]\d{_SEP}\d{{3}}{_SEP}\d{{4}}(?!\d)"),
    # China mobile 1[3-9]x xxxx xxxx
    re.compile(rf"(?<!\d)1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)"),
]


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(candidate: str) -> bool:
    s = re.sub(r"[ \-]", "", candidate)
    if not 15 <= len(s) <= 34:
        return False
    rearranged = s[4:] + s[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def _card_ok(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    return 13 <= len(digits) <= 19 and _luhn_ok(digits)


def _valid_prefix(candidate: str, ok: Callable[[str], bool]) -> int | None:
    """Length of the longest valid prefix of a greedy match that ends before a space.

    The patterns run on past the number into whatever follows it ("… 0130 00 ASAP",
    "4111 1111 1111 1111 12/27"); the checksum then fails on the whole match although the
    number itself is valid, so shorter cuts at the spaces are tried too.
    """
    ends = [len(candidate)] + [i for i in range(len(candidate) - 1, 0, -1) if candidate[i] == " "]
    return next((end for end in ends if ok(candidate[:end])), None)


@dataclass(frozen=True)
class Redaction:
    text: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def find_pii(text: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, kind) of personal data, non-overlapping, in text order."""
    probe = unify_digits(text)
    spans: list[tuple[int, int, str]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _ in spans)

    for m in _EMAIL.finditer(probe):
        spans.append((m.start(), m.end(), "EMAIL"))
    for m in _IBAN.finditer(probe):
        end = _valid_prefix(m.group(), _iban_ok)
        if end is not None and free(m.start(), m.start() + end):
            spans.append((m.start(), m.start() + end, "IBAN"))
    for m in _CARD.finditer(probe):
        end = _valid_prefix(m.group(), _card_ok)
        if end is not None and free(m.start(), m.start() + end):
            spans.append((m.start(), m.start() + end, "CARD"))
    for pattern in _PHONES:
        for m in pattern.finditer(probe):
            if free(m.start(), m.end()):
                spans.append((m.start(), m.end(), "PHONE"))
    return sorted(spans)


def redact(text: str) -> Redaction:
    """Replace personal data by ``[EMAIL]``, ``[PHONE]``, ``[CARD]`` or ``[IBAN]``."""
    spans = find_pii(text)
    if not spans:
        return Redaction(text)
    out: list[str] = []
    counts: Counter[str] = Counter()
    last = 0
    for start, end, kind in spans:
        out.append(text[last:start])
        out.append(f"[{kind}]")
        counts[kind] += 1
        last = end
    out.append(text[last:])
    return Redaction("".join(out), counts)

"""What a string in a journey map may hold, as annotated types the models use.

Texts people read are *cleaned*: control characters other than tab, line feed and carriage
return (C0, DEL, C1) are removed, and a lone surrogate becomes U+FFFD — they break exports and
PostgreSQL, and nobody means them. Format characters stay: Persian needs ZWNJ (U+200C) and ZWJ,
right-to-left text may carry bidi marks and isolates. Ids are *refused* when they hold a control,
bidi or surrogate character. Quotes are verbatim evidence and are never altered; only what no
stored evidence can hold (NUL, a lone surrogate) is refused.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 100
MAX_LABEL = 500  # titles, names, short labels
MAX_TEXT = 5_000  # descriptions, actions, recommendations
MAX_QUOTE = 10_000  # a verbatim quote or its translation

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_IN_ID = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """The text without control characters; lone surrogates as U+FFFD."""
    return _SURROGATE.sub("\ufffd", _CONTROLS.sub("", value))


def checked_id(value: str) -> str:
    if found := _NOT_IN_ID.search(value):
        raise ValueError(f"an id may not contain the character U+{ord(found.group()):04X}")
    return value


def checked_map_id(value: str) -> str:
    """A map id is a segment of the map's URLs: no '/', '\\', '%', '?' or '#', no edge
    spaces, and not '.' or '..' (a browser or proxy would resolve them away)."""
    if (
        not value.strip()
        or value != value.strip()
        or value in (".", "..")
        or any(c in value for c in "/\\%?#")
    ):
        raise ValueError(
            "a map id is part of the map's URL: not empty, '.' or '..', no edge spaces, "
            "and none of / \\ % ? #"
        )
    return value


def checked_quote(value: str) -> str:
    if found := re.search("[\x00\ud800-\udfff]", value):
        raise ValueError(f"a quote may not contain the character U+{ord(found.group()):04X}")
    return value


def _at_most(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"at most {limit} characters, not {len(value)}")
        return value

    return AfterValidator(check)


# For what a language model is asked to return: the same bounds, checked (and re-asked) on our
# side but absent from the JSON schema, since strict structured output has no maxLength.
ShortAnswer = Annotated[str, _at_most(MAX_LABEL)]
LongAnswer = Annotated[str, _at_most(MAX_TEXT)]

Id = Annotated[str, Field(max_length=MAX_ID), AfterValidator(checked_id)]
MapId = Annotated[Id, AfterValidator(checked_map_id)]
Label = Annotated[str, Field(max_length=MAX_LABEL), AfterValidator(clean_text)]
LongText = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(clean_text)]
Quote = Annotated[str, Field(max_length=MAX_QUOTE), AfterValidator(checked_quote)]
Translation = Annotated[str, Field(max_length=MAX_QUOTE), AfterValidator(clean_text)]

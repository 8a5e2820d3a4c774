"""A glossary is a list of terms, each the same concept written in several languages.

Files are CSV (a header row of language codes, one term per row) or YAML (a list of
mappings from language code to term, optionally under ``terms:``). Terms are kept exactly as
written apart from surrounding spaces: a Persian ZWNJ or a Thai vowel mark is part of a term.
Mistakes are reported with the line they are on.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledge.journey.strings import clean_text
from knowledge.platform import bounded_yaml
from knowledge.platform.errors import UserInputError
from knowledge.vocabulary import SUPPORTED_LANGUAGES

NAME = re.compile(r"^[\w][\w.\-]{0,63}$", re.UNICODE)
MAX_TERMS = 5000
MAX_TERM_CHARS = 200


class GlossaryError(UserInputError):
    """A glossary that cannot be used; the message names the line when there is one."""


Term = dict[str, str]


class Glossary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Unique in the workspace.", examples=["delivery-terms"])
    terms: list[Term] = Field(
        max_length=MAX_TERMS,
        description="Each term maps language codes to the team's word for one concept.",
        examples=[
            [
                {"en": "courier", "fa": "پیک", "ru": "курьер", "th": "ไรเดอร์", "zh": "骑手"},
                {"en": "order", "fa": "سفارش", "ru": "заказ", "th": "คำสั่งซื้อ", "zh": "订单"},
            ]
        ],
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError("a glossary name is 1-64 letters, digits, '.', '-' or '_'")
        return value

    @field_validator("terms")
    @classmethod
    def _terms(cls, terms: list[Term]) -> list[Term]:
        return [check_term(term, f"term {n}") for n, term in enumerate(terms, 1)]

    def languages(self) -> list[str]:
        return sorted({lang for term in self.terms for lang in term})

    def pairs(self, source: str, target: str) -> list[tuple[str, str]]:
        """(source term, target term) for every term written in both languages."""
        return [(t[source], t[target]) for t in self.terms if source in t and target in t]


def check_term(term: Any, where: str) -> Term:
    if not isinstance(term, dict):
        raise GlossaryError(f"{where}: a term maps language codes to words, e.g. en: order")
    clean: Term = {}
    for lang, word in term.items():
        if lang not in SUPPORTED_LANGUAGES:
            raise GlossaryError(
                f"{where}: {lang!r} is not a language code ({', '.join(SUPPORTED_LANGUAGES)})"
            )
        if word is None or (isinstance(word, str) and not clean_text(word).strip()):
            continue  # a term may be missing in some languages
        if not isinstance(word, str | int | float):
            raise GlossaryError(f"{where}: the {lang} term is not text")
        text = clean_text(str(word)).strip()  # control characters go (ZWNJ stays)
        if len(text) > MAX_TERM_CHARS:
            raise GlossaryError(f"{where}: the {lang} term is over {MAX_TERM_CHARS} characters")
        clean[lang] = text
    if len(clean) < 2:
        raise GlossaryError(f"{where}: a term needs words in at least two languages")
    return clean


def _duplicates(terms: list[tuple[int, Term]], unit: str) -> None:
    seen: dict[tuple[str, str], int] = {}
    for where, term in terms:
        for lang, word in term.items():
            key = (lang, word.casefold())
            if key in seen and seen[key] != where:
                raise GlossaryError(
                    f"{unit} {where}: the {lang} term {word!r} is already on {unit} {seen[key]}"
                )
            seen[key] = where


def _from_csv(text: str) -> list[tuple[int, Term]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. a cell over the csv module's field size limit
        raise GlossaryError(f"line {reader.line_num}: not valid CSV ({exc})") from exc
    if not rows:
        raise GlossaryError("line 1: the file is empty")
    header = [h.strip().lower() for h in rows[0]]
    for h in header:
        if h and h not in SUPPORTED_LANGUAGES:
            raise GlossaryError(
                f"line 1: header {h!r} is not a language code ({', '.join(SUPPORTED_LANGUAGES)})"
            )
    terms = []
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise GlossaryError(f"line {line}: {len(row)} cells under {len(header)} headers")
        term = {h: cell for h, cell in zip(header, row, strict=False) if h}
        terms.append((line, check_term(term, f"line {line}")))
    return terms


def _from_yaml(text: str) -> list[tuple[int, Term]]:
    try:
        loaded = bounded_yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "the file"
        raise GlossaryError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if loaded is None:
        raise GlossaryError("line 1: the file is empty")
    node = loaded
    if isinstance(node, yaml.MappingNode):
        found = [v for k, v in node.value if k.value == "terms"]
        if not found:
            raise GlossaryError(f"line {node.start_mark.line + 1}: expected a list under terms:")
        node = found[0]
    if not isinstance(node, yaml.SequenceNode):
        raise GlossaryError(f"line {node.start_mark.line + 1}: expected a list of terms")
    terms = []
    for item in node.value:
        line = item.start_mark.line + 1
        try:
            value = bounded_yaml.load(yaml.serialize(item))
        except yaml.YAMLError as exc:  # e.g. a tag a safe loader does not build
            raise GlossaryError(f"line {line}: {getattr(exc, 'problem', None) or exc}") from exc
        terms.append((line, check_term(value, f"line {line}")))
    return terms


def parse_glossary(text: str, name: str, fmt: str) -> Glossary:
    """Read a glossary file's text; ``fmt`` is ``csv`` or ``yaml``."""
    if fmt == "csv":
        terms = _from_csv(text)
    elif fmt in ("yaml", "yml"):
        terms = _from_yaml(text)
    else:
        raise GlossaryError(f"a glossary is a .csv or .yaml file, not .{fmt}")
    if not terms:
        raise GlossaryError("the glossary has no terms")
    if len(terms) > MAX_TERMS:
        raise GlossaryError(f"the glossary has {len(terms)} terms; the limit is {MAX_TERMS}")
    _duplicates(terms, "line")
    return Glossary(name=name, terms=[t for _, t in terms])


def validate_unique(glossary: Glossary) -> None:
    _duplicates(list(enumerate(glossary.terms, 1)), "term")

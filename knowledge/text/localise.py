"""Numbers, shares, counted phrases and language names in a map's language, by the CLDR data
Babel ships (nothing is downloaded).

Digit policy: Western digits (0-9) in every language, so a number on a page or in Markdown is
the number in the JSON and CSV and can be searched for; the separators are the language's own
(ru ``1 234,5``; en, fa, th, zh ``1,234.5``). A counted phrase picks its form by the
language's plural category: Russian one / few / many (1 упоминание, 3 упоминания,
5 упоминаний, 21 упоминание); Persian, Thai and Chinese nouns do not inflect for number, so
they need one form only.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from babel import Locale
from babel.numbers import format_decimal, format_percent

from knowledge.vocabulary import SUPPORTED_LANGUAGES

# a counted phrase: plural category -> template with ``{n}`` (and any other named values)
Forms = Mapping[str, str]


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in SUPPORTED_LANGUAGES else "en")


def number(value: float, lang: str, decimals: int | None = None) -> str:
    """``value`` with the language's separators and Western digits; ``decimals`` fixes the
    digits after the separator (None: as many as the value has, at most three)."""
    fmt = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=fmt, locale=_locale(lang), numbering_system="latn")


def category(n: float, lang: str) -> str:
    """The CLDR plural category of ``n`` in ``lang``: one, two, few, many or other."""
    return str(_locale(lang).plural_form(n))


def counted(n: float, forms: Mapping[str, Forms], lang: str, **values: object) -> str:
    """The phrase for ``n`` things in ``lang``: ``forms[lang]`` (English when the language has
    none) in the form ``n``'s plural category takes, ``other`` when it lists no such form."""
    table = forms.get(lang) or forms["en"]
    template = table.get(category(n, lang), table["other"])
    return template.format(n=number(n, lang), **values)


def share(value: float, lang: str) -> str:
    """A fraction as a whole percentage, the language's way (ru ``60 %``, en ``60%``)."""
    return format_percent(value, locale=_locale(lang), numbering_system="latn")


# evidence in a language outside the five (``other``), as ``lang`` says it
OTHER = {"en": "other", "fa": "سایر زبان‌ها", "ru": "другие языки", "th": "ภาษาอื่น", "zh": "其他语言"}


def language_name(code: str, lang: str) -> str:
    """The name of the language ``code`` in ``lang`` (``th`` in Russian: тайский); for
    ``other``, "other languages" in ``lang``; the code itself for one CLDR does not name."""
    if code == "other":
        return OTHER.get(lang, OTHER["en"])
    return str(_locale(lang).languages.get(code, code))


# between the items of a run-on list (counts by language, by kind); Thai, Russian and English
# use a comma
LIST_SEPARATORS = {"fa": "، ", "zh": "、"}


def listed(items: list[str], lang: str) -> str:
    """Items in a row, with the language's separator (Persian ، , Chinese 、)."""
    return LIST_SEPARATORS.get(lang, ", ").join(items)

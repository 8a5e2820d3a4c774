"""Numbers as the map's page shows them (``api/web/templates/map.html.j2``): counts as they
are, severity and priority with one decimal, an emotion score with two, written with the
language's separators (``knowledge.text.localise``).
An answer quotes these, so "priority 7.0" on the
page is "7.0" in the answer (Russian "7,0", as the Russian page has it), never 6.99 or 7."""

from __future__ import annotations

from typing import Any

from knowledge.text.localise import number

DECIMALS = {"severity": 1, "priority": 1, "emotion": 2}


def as_shown(name: str, value: Any) -> Any:
    """``value`` of the number called ``name``, rounded as the page shows it."""
    places = DECIMALS.get(name)
    if places is None or value is None or isinstance(value, bool):
        return value
    return round(float(value), places)


def shown_text(name: str, value: Any, lang: str) -> str:
    """``value`` written as the page in ``lang`` writes it."""
    places = DECIMALS.get(name)
    if places is None or value is None or isinstance(value, bool):
        return str(value)
    return number(float(value), lang, places)


def shown_numbers(numbers: dict[str, Any]) -> dict[str, Any]:
    return {name: as_shown(name, value) for name, value in numbers.items()}

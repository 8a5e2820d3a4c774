"""Provenance entries of parameter dataclasses (``StageParams``, ``ThemeParams``, ...): one
``prefix.name=value`` line per field, from ``dataclasses.fields``, so a parameter added to a
dataclass is recorded in every map's provenance without another list to keep up to date.

Values are written the same way on every run and platform: floats by their shortest exact form
(``0.5``, ``1.0``; an int given for a float field as that float), a nested dataclass's fields
under the field's name (``theme.inner.x=1``).
"""

from __future__ import annotations

import dataclasses
from typing import Any, get_type_hints


def _value(value: object, declared: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float) or (isinstance(value, int) and declared in (float, float | None)):
        return repr(float(value))
    return str(value)


def describe_parameters(params: object, prefix: str) -> list[str]:
    """``prefix.field=value`` for every field of the dataclass ``params``, in field order."""
    if not dataclasses.is_dataclass(params) or isinstance(params, type):
        raise TypeError(f"{params!r} is not a dataclass instance")
    hints = get_type_hints(type(params))
    lines: list[str] = []
    for f in dataclasses.fields(params):
        value = getattr(params, f.name)
        name = f"{prefix}.{f.name}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            lines.extend(describe_parameters(value, name))
        else:
            lines.append(f"{name}={_value(value, hints.get(f.name))}")
    return lines

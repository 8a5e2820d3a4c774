"""What a stored map says about what made it: the tool's version."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version


@cache
def tool_version() -> str:
    try:
        return version("cjm")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+source"

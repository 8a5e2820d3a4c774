"""Shared pieces of the command line: opening the library, printing, error handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import get_settings
from knowledge.search.library import Library

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

WorkspaceOption = Annotated[
    str, typer.Option("--workspace", "-w", help="Workspace (one research library per team).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=BaseModel)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def parsed(model: type[M], what: str, value: Any) -> M:
    """``value`` as the typed request or map ``model`` (JSON text or a dict), or a
    ``UserInputError`` naming the first wrong fields."""
    try:
        if isinstance(value, str | bytes):
            return model.model_validate_json(value)
        return model.model_validate(value)
    except ValidationError as exc:
        errors = exc.errors()
        said = "; ".join(
            f"{'/'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in errors[:3]
        )
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise UserInputError(f"{what} is not valid: {said}{more}") from exc


@contextmanager
def open_library() -> Iterator[Library]:
    """The library for this process, closed when done (an error the command lets through is
    reported by ``api.cli.errors``)."""
    library = Library(get_settings())
    try:
        yield library
    finally:
        library.close()

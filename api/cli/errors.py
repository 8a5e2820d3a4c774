"""The one place the command line turns the product's errors into a message and an exit status.

Every error of the tree (``knowledge.platform.errors.CJMError``) that a command lets through
is printed as one line on stderr (``error: ...``; ``failed: ...`` for a run failure of the
library) and ends the command with its class's ``exit_code`` (2 for a mistake the user can fix,
1 for a run or model failure): no traceback. An error about a field of a request (``field``)
names the command line's flag for it (``--lang`` for ``lang``). A store whose schema this
version cannot use (``knowledge.store.migrate.StoreSchemaError``: behind head with upgrading off,
or upgraded by a newer version) is reported as a run failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from api.cli.common import err
from knowledge.platform.errors import CJMError, LibraryError
from knowledge.store.migrate import StoreSchemaError

# a request's field -> the flag that gives it on the command line
FLAGS = {
    "lang": "--lang",
    "maps": "--map",
    "goal": "--goal",
    "text_field": "--text-field",
    "encoding": "--encoding",
    "actor": "--as",
}


def with_flag(message: str, field: str | None) -> str:
    """``message`` with the last mention of ``field`` named by its flag (appended in brackets
    when the message does not mention it)."""
    flag = FLAGS.get(field or "")
    if field is None or flag is None:
        return message
    mentions = list(re.finditer(rf"(?<![\w-]){re.escape(field)}(?![\w-])", message))
    if not mentions:
        return f"{message} ({flag})"
    last = mentions[-1]
    return message[: last.start()] + flag + message[last.end() :]


def exit_code(exc: CJMError) -> int:
    return exc.answered_as().exit_code


def fail(exc: CJMError, code: int | None = None) -> typer.Exit:
    """Print ``exc`` for the command line; the ``typer.Exit`` to raise (``code``: a command's
    own status for every error, as ``cjm label`` has)."""
    label = "failed" if isinstance(exc, LibraryError) else "error"
    err.print(f"[red]{label}:[/red] {escape(with_flag(str(exc), exc.field))}", highlight=False)
    return typer.Exit(exit_code(exc) if code is None else code)


@contextmanager
def reported(code: int | None = None) -> Iterator[None]:
    """Errors of the product raised inside end the command as ``fail`` says."""
    try:
        yield
    except CJMError as exc:
        raise fail(exc, code) from exc
    except StoreSchemaError as exc:  # a store behind head or newer than this version
        raise fail(LibraryError(str(exc)), code) from exc


class ReportingGroup(TyperGroup):
    """The ``cjm`` command group: any error of the product a command lets through ends it with
    its message and its class's exit status."""

    def invoke(self, ctx: Any) -> Any:  # typer's own click Context
        with reported():
            return super().invoke(ctx)

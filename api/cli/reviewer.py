"""Who acts at the command line: the owner of CJM_HOME, as a named local reviewer (roles as in
``knowledge.platform.keys.local``); the name goes into each map's history."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from knowledge.platform.keys import Principal, local

USER_ENV = "CJM_USER"
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        envvar=USER_ENV,
        show_envvar=True,
        help="Your name in the map's history (default: CJM_USER, else your OS user name).",
    ),
]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers): local() asks for --as
        return ""


def local_reviewer(workspace: str, name: str | None) -> Principal:
    return local(workspace, name if name is not None else _os_user())

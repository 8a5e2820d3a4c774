"""``cjm db``: the store's schema revision, and its upgrade to this version's."""

from __future__ import annotations

import typer

from api.cli.common import JsonOption, err, out, print_json
from knowledge.platform.settings import get_settings
from knowledge.store import Database
from knowledge.store.migrate import bring_to_head, revision

db = typer.Typer(
    help="The store's schema: its revision (`current`) and its upgrade (`upgrade`). The store "
    "is upgraded on start unless CJM_DB_UPGRADE=off; then an operator runs `cjm db upgrade`.",
    no_args_is_help=True,
)


def _database() -> Database:
    return Database(get_settings(), migrate=False)


@db.command("current")
def current(json_output: JsonOption = False) -> None:
    """The store's schema revision, and whether it is this version's (head)."""
    database = _database()
    try:
        found = revision(database.engine)
        where = database.engine.url.render_as_string(hide_password=True)
    finally:
        database.dispose()
    if json_output:
        print_json(
            {
                "database": where,
                "revision": found.current,
                "head": found.head,
                "at_head": found.at_head,
                "known": found.known,
            }
        )
        return
    if found.at_head:
        state = "at head"
    elif not found.known:
        state = f"not a revision of this version, whose head is {found.head}: upgrade cjm"
    else:
        state = f"behind head {found.head}: run `cjm db upgrade`"
    out.print(f"{found.current or 'none'} ({state})", highlight=False)
    err.print(f"database: {where}", highlight=False)


@db.command("upgrade")
def upgrade() -> None:
    """Upgrade the store's schema to this version's (head), whatever CJM_DB_UPGRADE says; a
    store made before migrations is adopted, a new one created."""
    database = _database()
    try:
        done = bring_to_head(database.engine)
    finally:
        database.dispose()
    if done.at_head:
        out.print(f"already at head {done.head}", highlight=False)
    else:
        out.print(f"upgraded from {done.current or 'none'} to {done.head}", highlight=False)

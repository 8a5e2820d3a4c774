"""Schema migrations of the store (Alembic; the revisions in ``knowledge/store/migrations``).

``bring_to_head`` brings a store to the newest revision: a new database has every revision run;
a store made before migrations existed (the store's tables, no ``alembic_version``) is adopted
first — its maps are moved out of the old global-id tables (``knowledge.store.upgrade``), its
tables are checked against the baseline and it is stamped at the baseline — then the later
revisions run. The whole of it is one transaction holding the store's write lock, so processes
starting together on several machines upgrade the store once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from knowledge.store.upgrade import OLD
from knowledge.store.upgrade import upgrade as move_global_maps

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
# The tables of the baseline revision (the store as the code before migrations made it).
BASELINE_TABLES = (
    "api_keys",
    "chunks",
    "corrections",
    "documents",
    "embeddings",
    "glossaries",
    "jobs",
    "journey_map_comments",
    "journey_map_events",
    "journey_map_links",
    "journey_map_versions",
    "journey_maps",
    "language_centroids",
    "sources",
    "translation_memory",
)
_LOCK = 7_315_402_118  # pg_advisory_xact_lock key of the store's upgrades
# Alembic's ``op`` and ``context`` are module-wide: one migration at a time in a process.
_IN_PROCESS = threading.RLock()


QUEUE_TABLES = "procrastinate_"  # the job queue's tables (PostgreSQL), its own schema


def store_objects(name: str | None, type_: str, parents: object) -> bool:
    """What autogenerate compares: not the job queue's tables, whose schema is the queue
    library's (revision 0002 creates it)."""
    return not (type_ == "table" and (name or "").startswith(QUEUE_TABLES))


class StoreSchemaError(RuntimeError):
    """The store's schema is not one this code can use (behind head with upgrading off, a
    revision this code does not know, a table missing from a store it should adopt)."""


@dataclass(frozen=True)
class Revision:
    current: str | None  # None: no revision recorded
    head: str

    @property
    def at_head(self) -> bool:
        return self.current == self.head

    @property
    def known(self) -> bool:
        """Whether this version knows the store's revision (no revision counts as known)."""
        return self.current is None or self.current in _known()


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the store, without an ``alembic.ini``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def _script_once() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def _script() -> ScriptDirectory:
    with _IN_PROCESS:
        return _script_once()


def head() -> str:
    found = _script().get_current_head()
    assert found is not None
    return found


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def revision(engine: Engine) -> Revision:
    """The store's revision and the code's head."""
    with engine.connect() as connection:
        return Revision(_current(connection), head())


def require_head(engine: Engine) -> None:
    """Fail readably unless the store is at head (automatic upgrading off)."""
    found = revision(engine)
    if found.at_head:
        return
    if found.current is not None and found.current not in _known():
        raise StoreSchemaError(_unknown(found.current))
    where = found.current or (
        "none (a new store)" if _empty(engine) else "none (made before migrations)"
    )
    raise StoreSchemaError(
        f"the store's schema is at revision {where}, this version needs {found.head}, and "
        "automatic upgrading is off (CJM_DB_UPGRADE=off): run `cjm db upgrade`"
    )


def _known() -> set[str]:
    return {script.revision for script in _script().walk_revisions()}


def _unknown(current: str) -> str:
    return (
        f"the store's schema is at revision {current}, which this version does not know "
        "(a newer version of cjm upgraded it): upgrade cjm"
    )


def _empty(engine: Engine) -> bool:
    names = set(inspect(engine).get_table_names())
    return not names & (set(BASELINE_TABLES) | set(OLD))


def bring_to_head(engine: Engine) -> Revision:
    """Upgrade the store to head; the revision it was at before (``current``) and head.

    The upgrade holds the store's write lock (PostgreSQL: an advisory lock; SQLite: BEGIN
    IMMEDIATE), so processes starting together upgrade it once; a store at head is only read.
    """
    with engine.connect() as connection:
        found = _current(connection)
    if found == head():
        return Revision(found, found)
    with _IN_PROCESS, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        elif connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        before = _current(connection)  # another process may have upgraded it meanwhile
        if before is not None and before not in _known():
            raise StoreSchemaError(_unknown(before))
        if before != head():
            if before is None:
                _adopt(connection)
            command.upgrade(config(connection), "head")
    return Revision(before, head())


def _adopt(connection: Connection) -> None:
    """Stamp a store made before migrations at the baseline (a new, empty one is left alone)."""
    names = set(inspect(connection).get_table_names())
    ours = names & set(BASELINE_TABLES)
    if not ours and not names & set(OLD):
        return
    if "maps" in names:
        # A store of the global map ids: the code before migrations created the tables it
        # lacked on start (the baseline creates only what is missing), then moved its maps.
        command.upgrade(config(connection), BASELINE)
        move_global_maps(connection)
        return
    missing = sorted(set(BASELINE_TABLES) - ours)
    if missing:
        raise StoreSchemaError(
            "the database holds some of the store's tables but not "
            f"{', '.join(missing)}: it is not a store this version can adopt (point "
            "CJM_DATABASE_URL at the store or at an empty database)"
        )
    command.stamp(config(connection), BASELINE)

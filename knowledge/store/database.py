"""Engine and sessions for the canonical store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from knowledge.store.migrate import bring_to_head, require_head


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class StoreSettings(Protocol):
    """What the store reads of the product's settings (``knowledge.platform.settings``): the
    store sits below the platform, which keeps its jobs and keys in it."""

    @property
    def db_upgrade(self) -> Literal["auto", "off"]: ...

    def resolved_database_url(self) -> str: ...

    def ensure_home(self) -> Path: ...


class Database:
    """The store. Its schema is brought to this version's on first use (``CJM_DB_UPGRADE=auto``,
    see ``knowledge.store.migrate``), or a store behind is refused (``off``); ``migrate=False``
    leaves the schema alone (``cjm db``)."""

    def __init__(self, settings: StoreSettings, *, migrate: bool = True) -> None:
        url = settings.resolved_database_url()
        if url.startswith("sqlite"):
            settings.ensure_home()
            self.engine: Engine = create_engine(url, connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        if migrate:
            try:
                if settings.db_upgrade == "off":
                    require_head(self.engine)
                else:
                    bring_to_head(self.engine)
            except BaseException:
                self.engine.dispose()
                raise
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session for a read-then-write change. On SQLite it takes the write lock before its
        first read (BEGIN IMMEDIATE), so concurrent changes queue instead of losing updates; on
        PostgreSQL the caller holds the rows it changes (SELECT ... FOR UPDATE)."""
        with self._sessions() as session, session.begin():
            if self.dialect == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def insert_ignoring_duplicates(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk insert that skips rows whose primary key exists (SQLite and PostgreSQL)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(table).on_conflict_do_nothing(), rows)
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)
    else:
        from sqlalchemy import insert

        session.execute(insert(table).prefix_with("IGNORE"), rows)

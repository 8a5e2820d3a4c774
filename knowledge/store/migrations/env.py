"""Alembic's environment for the store's migrations.

The store runs it itself (``knowledge.store.migrate``), handing over its connection in
``config.attributes["connection"]``; there is no ``alembic.ini``. Run by hand
(``alembic -c <a config naming script_location> -x url=... revision --autogenerate``), it
connects to the database of ``-x url=``.
"""

from __future__ import annotations

from typing import Literal

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

import knowledge.store  # noqa: F401 - every table on Base.metadata
from knowledge.store.migrate import store_objects
from knowledge.store.schema import Base, UTCDateTime

config = context.config


def _render_item(kind: str, item: object, _context: object) -> str | Literal[False]:
    """Revisions name plain SQLAlchemy types: a timestamp column is ``sa.DateTime`` with its
    zone, whatever the models read it as."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters a table by copying it
        compare_type=True,
        render_item=_render_item,
        include_name=store_objects,
    )
    with context.begin_transaction():
        context.run_migrations()


connection: Connection | None = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if url is None:
        raise SystemExit("name the database: alembic -x url=<SQLAlchemy URL> ...")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()

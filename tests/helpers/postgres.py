"""The PostgreSQL test database (CJM_TEST_DATABASE_URL): ``empty`` drops every table in it,
the store's revision record (``alembic_version``) too, so the next ``Database`` on it starts a
new store."""

from __future__ import annotations

from sqlalchemy import MetaData, create_engine


def empty(url: str) -> None:
    engine = create_engine(url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        tables.drop_all(engine)
    finally:
        engine.dispose()

"""The PostgreSQL test database (CJM_TEST_DATABASE_URL): ``empty`` drops everything in it —
the store's tables, its revision record (``alembic_version``) and the job queue's schema
(procrastinate's tables, types and functions) — so the next ``Database`` on it starts a new
store."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def empty(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()

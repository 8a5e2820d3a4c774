"""A Chroma server for the tests (``chroma run``, the binary the chromadb package installs, on
loopback, once per session) and the ``stack`` of servers the HTTP suite runs on a second time:
PostgreSQL (CJM_TEST_DATABASE_URL, emptied before each test) with that Chroma server (its
collections deleted before each test) — the team deployment's storage, in one process."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from knowledge.platform.settings import Settings, get_settings
from tests.helpers import postgres
from tests.helpers.needs import NO_POSTGRES, absent
from tests.helpers.team import chroma_command, chroma_ready, free_port


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a Chroma server for this test session."""
    folder = tmp_path_factory.mktemp("chroma-server")
    with started_chroma(folder) as (url, _server):
        yield url


@contextmanager
def started_chroma(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A Chroma server with its data and log in ``folder``, stopped at the end."""
    port = free_port()
    with (folder / "chroma.log").open("ab") as log:
        server = subprocess.Popen(
            chroma_command(folder / "data", port), stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not chroma_ready(url):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"chroma did not start: {(folder / 'chroma.log').read_text()}")
            time.sleep(0.2)
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def use_servers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point this test's settings at the PostgreSQL test database and the Chroma server, both
    emptied first; jobs run in the API process (one process: ``CJM_JOBS=in-process``)."""
    url = os.environ.get("CJM_TEST_DATABASE_URL")
    if not url:
        absent(NO_POSTGRES)
    chroma_url: str = request.getfixturevalue("chroma_server")
    postgres.empty(url)
    collections = (
        f"{chroma_url}/api/v2/tenants/default_tenant/databases/default_database/collections"
    )
    with httpx.Client(timeout=30) as chroma:
        for collection in chroma.get(collections, params={"limit": 10_000}).json():
            chroma.delete(f"{collections}/{collection['name']}").raise_for_status()
    monkeypatch.setenv("CJM_DATABASE_URL", url)
    monkeypatch.setenv("CJM_CHROMA_URL", chroma_url)
    monkeypatch.setenv("CJM_JOBS", "in-process")


@pytest.fixture(
    name="settings", params=["embedded", pytest.param("servers", marks=pytest.mark.postgres)]
)
def settings_on_both_stacks(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The test's settings, twice: the embedded defaults (SQLite, Chroma in CJM_HOME), then the
    team deployment's servers (PostgreSQL and a Chroma server; skipped without PostgreSQL). A
    suite runs on both by importing this fixture (it overrides ``settings``)."""
    home = tmp_path / "cjm-home"
    monkeypatch.setenv("CJM_HOME", str(home))
    monkeypatch.delenv("CJM_DATABASE_URL", raising=False)
    monkeypatch.delenv("CJM_CHROMA_URL", raising=False)
    monkeypatch.delenv("CJM_JOBS", raising=False)
    if request.param == "servers":
        use_servers(request, monkeypatch)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()

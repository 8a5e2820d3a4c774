from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from vcr.cassette import Cassette

from tests.conftest import _guarded_connect, _real_connect
from tests.generator.llm.cassettes import make_vcr, recording
from tests.generator.llm.wire import authoring


@pytest.fixture
def cassette(request: pytest.FixtureRequest) -> Iterator[Cassette]:
    """The test's cassette, replay-only; the test fails if it was not fully played."""
    if recording():
        socket.socket.connect = _real_connect  # type: ignore[method-assign]
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
        socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]

"""The HTTP suite runs twice: on the embedded defaults (SQLite, Chroma in CJM_HOME) and on the
team deployment's servers (PostgreSQL and a Chroma server; skipped without PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.platform.settings import Settings, get_settings
from tests.helpers.servers import use_servers


@pytest.fixture(params=["embedded", pytest.param("servers", marks=pytest.mark.postgres)])
def settings(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
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

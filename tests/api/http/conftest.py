"""The HTTP suite runs twice: on the embedded defaults (SQLite, Chroma in CJM_HOME) and on the
team deployment's servers (PostgreSQL and a Chroma server; skipped without PostgreSQL)."""

from __future__ import annotations

from tests.helpers.servers import settings_on_both_stacks  # noqa: F401 - the settings fixture

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def artifacts() -> Path:
    folder = Path(os.environ.get("CJM_TEST_ARTIFACTS", Path(__file__).parents[3] / ".ci-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def require(tool: str) -> str:
    """A Debian tool the test needs (.ci/run installs it); skipped locally, fatal in CI."""
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed; .ci/run installs it")
        pytest.skip(f"{tool} is not installed (apt-get install {tool})")
    return found


@pytest.fixture
def artifacts() -> Path:
    folder = Path(os.environ.get("CJM_TEST_ARTIFACTS", Path(__file__).parents[2] / ".ci-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder

"""What a test needs from the machine (Chromium, pdftotext, PostgreSQL): found, or the test is
skipped with the reason — or fails where CJM_TEST_STRICT is set."""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

from api.web.chromium import ChromiumMissing, chromium

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


def require(tool: str) -> str:
    """A Debian tool the test needs (.ci/run installs it): skipped with the reason when it is
    missing (``absent``). ``chromium`` is found as the exports find it (CJM_CHROMIUM, then
    PATH)."""
    if tool == "chromium":
        try:
            return chromium()
        except ChromiumMissing as exc:
            absent(f"no Chromium: {exc}")
    found = shutil.which(tool)
    if found is None:
        absent(f"{tool} is not installed (apt-get install {tool})")
    return found

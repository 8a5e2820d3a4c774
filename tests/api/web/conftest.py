from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.http.app import create_app
from api.web.chromium import ChromiumMissing, chromium
from tests.conftest import absent


def require(tool: str) -> str:
    """A Debian tool the test needs (.ci/run installs it): skipped with the reason when it is
    missing (``tests.conftest.absent``). ``chromium`` is found as the exports find it
    (CJM_CHROMIUM, then PATH)."""
    if tool == "chromium":
        try:
            return chromium()
        except ChromiumMissing as exc:
            absent(f"no Chromium: {exc}")
    found = shutil.which(tool)
    if found is None:
        absent(f"{tool} is not installed (apt-get install {tool})")
    return found


@pytest.fixture
def artifacts() -> Path:
    folder = Path(os.environ.get("CJM_TEST_ARTIFACTS", Path(__file__).parents[3] / ".ci-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def serving(app: Any = None) -> Iterator[str]:
    """The HTTP API and review pages (``app``, default a new one) on a free loopback port;
    yields the base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app or create_app(), port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)

"""The review pages in a browser: ``serving`` (the app on a free loopback port), the
``browser`` fixture (Chromium driven by Playwright, skipped without it; a plugin: see
``tests/conftest.py``) and ``sign_in`` (a page signed in with a key)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn

from api.http.app import create_app
from tests.helpers.needs import require


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


@pytest.fixture
def browser() -> Iterator[Any]:
    chromium = require("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield b
        b.close()


def sign_in(browser: Any, base: str, key: str, next_path: str) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/review/login?next={next_path}")
    page.fill("input[name=key]", key)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    return page

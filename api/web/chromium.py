"""PDF and PNG from the map's HTML, printed by headless Chromium (Debian's ``chromium``, or
the browser named by CJM_CHROMIUM). Runs offline: the HTML embeds its fonts."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from knowledge.errors import Unavailable

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 120


class ChromiumMissing(Unavailable):
    """No headless browser to print PDF or PNG with."""

    works = ("json", "md", "csv", "html")


class ChromiumFailed(Unavailable):
    """The browser did not produce the file (it crashed or ran out of time): the export is
    unavailable for now (503 with the reason), not a server error."""

    works = ChromiumMissing.works


WORKS_WITHOUT = "JSON, Markdown, CSV and HTML exports work without it"


def chromium() -> str:
    """The browser to print with: CJM_CHROMIUM (a path or a command on PATH), else the first
    of CANDIDATES on PATH. A CJM_CHROMIUM that names nothing runnable is as good as none."""
    named = os.environ.get("CJM_CHROMIUM")
    if named:
        found = shutil.which(named)
        if found:
            return found
        raise ChromiumMissing(
            f"PDF and PNG exports need Chromium: CJM_CHROMIUM names {named}, which is not an "
            f"executable file; {WORKS_WITHOUT}"
        )
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing(
        "PDF and PNG exports need Chromium: apt-get install chromium (or set CJM_CHROMIUM to a "
        f"Chrome or Chromium binary); {WORKS_WITHOUT}"
    )


def available() -> bool:
    """Whether PDF and PNG can be printed here (a browser is found; it may still fail)."""
    try:
        chromium()
    except ChromiumMissing:
        return False
    return True


def _run(html: str, flag: str, suffix: str, extra: list[str]) -> bytes:
    binary = chromium()
    with tempfile.TemporaryDirectory(prefix="cjm-print-") as tmp:
        page = Path(tmp) / "map.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / f"map{suffix}"
        args = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            # offline: no background connections, updates or sync (refused on closed networks)
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"{flag}={out}",
            *extra,
            page.as_uri(),
        ]
        try:
            done = subprocess.run(  # noqa: S603 - our own arguments, no shell
                args, capture_output=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ChromiumFailed(
                f"{binary} did not finish in {TIMEOUT} s; {WORKS_WITHOUT}"
            ) from exc
        except OSError as exc:  # removed, or not a program, since it was found
            raise ChromiumFailed(
                f"{binary} could not be started: {exc.strerror}; {WORKS_WITHOUT}"
            ) from exc
        if not out.exists() or out.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ChromiumFailed(
                f"{binary} wrote no {suffix} file: {' / '.join(tail)}; {WORKS_WITHOUT}"
            )
        return out.read_bytes()


def to_pdf(html: str) -> bytes:
    return _run(html, "--print-to-pdf", ".pdf", ["--no-pdf-header-footer"])


def to_png(html: str, width: int = 1600, height: int = 1200) -> bytes:
    return _run(html, "--screenshot", ".png", [f"--window-size={width},{height}"])

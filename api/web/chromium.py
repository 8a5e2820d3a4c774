"""The browser that prints PDF and PNG exports: headless Chromium (Debian's ``chromium``, or the
browser named by CJM_CHROMIUM), and the errors it raises (503s: the export is unavailable here,
the request is fine). ``api.web.devtools`` drives it; the HTML embeds its fonts, so it runs
offline."""

from __future__ import annotations

import os
import shutil

from knowledge.platform.errors import Unavailable

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


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

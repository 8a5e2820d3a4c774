"""The browser that prints PDF and PNG exports: headless Chromium (Debian's ``chromium``, or the
browser named by CJM_CHROMIUM), and the errors it raises (503s: the export is unavailable here,
the request is fine). ``api.web.devtools`` drives it; the HTML embeds its fonts, so it runs
offline."""

from __future__ import annotations

import os
import shutil

from knowledge.errors import Unavailable

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChromiumMissing(Unavailable):
    """No headless browser to print PDF or PNG with."""


class ChromiumFailed(Unavailable):
    """The browser did not produce the file (it crashed or ran out of time): the export is
    unavailable for now (503 with the reason), not a server error."""


def chromium() -> str:
    named = os.environ.get("CJM_CHROMIUM")
    if named:
        if not os.access(named, os.X_OK):
            raise ChromiumMissing(f"CJM_CHROMIUM names {named}, which is not a program here")
        return named
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing(
        "PDF and PNG exports need Chromium: apt-get install chromium (or set CJM_CHROMIUM to a "
        "Chrome or Chromium binary); JSON, Markdown, CSV and HTML work without it"
    )

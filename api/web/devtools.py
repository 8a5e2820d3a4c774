"""A headless Chromium page driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: the browser reads commands on fd 3 and writes replies on fd 4, each
a JSON message ended by NUL). Only the browser's own binary is needed, nothing to download: it
gives what the command line cannot — paper size and orientation, and the whole page as an image.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from api.web.chromium import WORKS_WITHOUT, ChromiumFailed, chromium

TIMEOUT = 120  # seconds for everything a page does, from launch to close
FLAGS = (
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
    "--remote-debugging-pipe",
)

WIRE = (
    "import os, sys; a, b = int(sys.argv[1]), int(sys.argv[2]); os.dup2(a, 3); os.dup2(b, 4); "
    "os.close(a); os.close(b)\n"
    "try:\n    os.execv(sys.argv[3], sys.argv[3:])\n"
    "except OSError as e:\n    sys.stderr.write('could not be started: ' + str(e.strerror))\n"
    "    sys.exit(127)"
)


class Page:
    """One page of a fresh browser: ``with Page(html) as page: page.call("Page.printToPDF")``.
    The page is loaded and its fonts are ready when the ``with`` block starts."""

    def __init__(self, html: str, width: int = 1280, height: int = 800) -> None:
        self.html = html
        self.size = (width, height)
        self.binary = chromium()
        self._tmp = tempfile.TemporaryDirectory(prefix="cjm-print-")
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self._session = ""
        self._deadline = time.monotonic() + TIMEOUT

    def __enter__(self) -> Page:
        tmp = Path(self._tmp.name)
        page = tmp / "map.html"
        page.write_text(self.html, encoding="utf-8")
        self._stderr = (tmp / "stderr.txt").open("wb")
        commands_r, self._commands = os.pipe()
        self._replies, replies_w = os.pipe()

        # the browser's fds 3 and 4, set by a fresh Python that then becomes the browser (a
        # preexec_fn would run Python in a forked copy of this threaded server)
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (commands_r, replies_w)]
        try:
            self._proc = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
                [
                    sys.executable,
                    "-I",
                    "-c",
                    WIRE,
                    *map(str, ends),
                    self.binary,
                    *FLAGS,
                    f"--user-data-dir={tmp / 'profile'}",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                pass_fds=ends,
            )
        except OSError as exc:
            os.close(self._commands)
            os.close(self._replies)
            self._cleanup()
            raise ChromiumFailed(f"{self.binary} could not start: {exc}; {WORKS_WITHOUT}") from exc
        finally:
            for fd in (commands_r, replies_w, *ends):
                os.close(fd)
        try:
            target = self.call("Target.createTarget", url="about:blank", browser=True)
            attached = self.call(
                "Target.attachToTarget", targetId=target["targetId"], flatten=True, browser=True
            )
            self._session = attached["sessionId"]
            self.call("Page.enable")
            self.resize(*self.size)
            self.call("Page.navigate", url=page.as_uri())
            self.wait_for("Page.loadEventFired")
            self.evaluate("document.fonts.ready.then(() => true)")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._proc.poll() is None:
                try:
                    self._send({"id": -1, "method": "Browser.close"})
                    self._proc.wait(timeout=10)
                except (ChromiumFailed, subprocess.TimeoutExpired):
                    self._proc.kill()
                    self._proc.wait()
        finally:
            os.close(self._commands)
            os.close(self._replies)
            self._cleanup()

    def _cleanup(self) -> None:
        self._stderr.close()
        self._tmp.cleanup()

    def _failed(self, what: str) -> ChromiumFailed:
        self._stderr.flush()
        lines = (Path(self._tmp.name) / "stderr.txt").read_bytes().decode("utf-8", "replace")
        tail = " / ".join(lines.strip().splitlines()[-3:])
        return ChromiumFailed(
            f"{self.binary} {what}" + (f": {tail}" if tail else "") + f"; {WORKS_WITHOUT}"
        )

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._commands, data) :]
        except OSError as exc:  # the browser is gone (a broken pipe)
            raise self._failed(f"stopped taking commands ({exc.strerror})") from exc

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise self._failed(f"did not finish in {TIMEOUT} s")
            ready, _, _ = select.select([self._replies], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise self._failed("closed the page before it was printed")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def call(self, method: str, *, browser: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command (to the page, or to the ``browser``) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if not browser:
            message["sessionId"] = self._session
        self._send(message)
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise self._failed(f"refused {method}: {reply['error'].get('message')}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self._events.append(reply)

    def wait_for(self, event: str) -> None:
        while True:
            for n, seen in enumerate(self._events):
                if seen["method"] == event:
                    del self._events[: n + 1]
                    return
            self._events.append(self._receive())

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        done = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in done:
            raise self._failed(f"could not run a script: {done['exceptionDetails'].get('text')}")
        return done["result"].get("value")

    def resize(self, width: int, height: int) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def data(self, method: str, **params: Any) -> bytes:
        """The decoded ``data`` of a command that returns a file (a PDF, a screenshot)."""
        return base64.b64decode(self.call(method, **params)["data"])

"""The guard that fails any test trying to reach the network (loopback and Unix sockets stay
allowed): ``tests/conftest.py`` installs it for the session; the cassette tests lift it while
re-recording against a real endpoint."""

from __future__ import annotations

import socket
from typing import Any

real_connect = socket.socket.connect


def guarded_connect(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (
        host in ("localhost", "::1") or host.startswith("127.") or host.startswith("/")
    ):
        return real_connect(self, address)
    if self.family == socket.AF_UNIX:
        return real_connect(self, address)
    raise OSError(f"tests may not use the network (tried to connect to {address!r})")

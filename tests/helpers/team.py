"""The team deployment's processes started directly, as compose.yaml starts them (Docker cannot
run on the CI machines): a Chroma server, ``cjm serve`` replicas and ``cjm worker`` processes on
one PostgreSQL database, each with its own CJM_HOME (nothing reaches another process except
through the database and Chroma) and JSON logs. Used by ``tests/deploy`` and ``bench.queue``."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
CJM = [sys.executable, "-m", "api.cli.main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code in (200, 503)
    except httpx.HTTPError:
        return False


def until(check: Any, seconds: float, message: str, every: float = 0.2) -> Any:
    """``check()``'s first truthy answer; ``TimeoutError(message)`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise TimeoutError(message)


def chroma_command(folder: Path, port: int) -> list[str]:
    """``chroma run`` (the binary the chromadb package installs) on loopback."""
    binary = Path(sys.executable).parent / "chroma"
    return [str(binary), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)]


def chroma_ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, sig: int = signal.SIGTERM, wait: float = 60) -> None:
        if self.popen.poll() is not None:
            return
        self.popen.send_signal(sig)
        try:
            self.popen.wait(wait)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(10)

    def events(self) -> list[dict[str, Any]]:
        """The JSON lines of the process's log."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        return found


@dataclass
class Team:
    tmp: Path
    env: dict[str, str]  # every process's environment (CJM_HOME is each one's own)
    processes: list[Process] = field(default_factory=list)

    def spawn(self, name: str, args: list[str], port: int | None = None, **env: str) -> Process:
        home = self.tmp / name
        home.mkdir(exist_ok=True)
        log = self.tmp / f"{name}.log"
        with log.open("ab") as sink:  # the child keeps its own copy of the descriptor
            popen = subprocess.Popen(
                args,
                env={**self.env, "CJM_HOME": str(home), **env},
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        process = Process(name, popen, log, port)
        self.processes.append(process)
        return process

    def chroma(self, port: int) -> Process:
        process = self.spawn("chroma", chroma_command(self.tmp / "chroma-data", port), port)
        until(lambda: chroma_ready(process.url), 60, "chroma did not start")
        return process

    def api(self, name: str, port: int | None = None, **env: str) -> Process:
        port = port or free_port()
        process = self.spawn(name, [*CJM, "serve", "--port", str(port)], port, **env)
        until(lambda: answers(f"{process.url}/v1/health"), 120, f"{name} did not start")
        return process

    def worker(self, name: str, concurrency: int = 1) -> Process:
        return self.spawn(name, [*CJM, "worker", "--concurrency", str(concurrency)])

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop(signal.SIGKILL if process.name == "chroma" else signal.SIGTERM)

    def logs(self, tail: int = 3000) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.log.read_text(errors='replace')[-tail:]}" for p in self.processes
        )

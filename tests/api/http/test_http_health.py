"""``/v1/health`` as a load balancer and an operator read it: each part's status, no URL or key
in the answer, 503 only when the database is gone, endpoints probed at most every few
seconds."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from api.http.app import create_app
from api.http.health import EndpointProbe
from knowledge.platform.jobs import JobStore
from knowledge.platform.settings import Settings, get_settings
from tests.helpers.http import store_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_fresh_replica_reports_every_part(settings: Settings) -> None:
    with TestClient(create_app()) as client:
        JobStore(store_db()).create("cx", "draft", "ali", {})
        answer = client.get("/v1/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    servers = settings.chroma_url is not None  # the suite's second run, on PostgreSQL and Chroma
    dialect, kind = ("postgresql", "server") if servers else ("sqlite", "embedded")
    assert checks["database"]["status"] == "ok" and checks["database"]["dialect"] == dialect
    assert checks["index"] == {**checks["index"], "status": "ok", "kind": kind}
    assert (checks["queue"]["queued"], checks["queue"]["running"]) == (1, 0)
    assert checks["queue"]["runner"] == "in-process"
    assert checks["model"]["status"] == "not_configured"
    assert checks["embeddings"]["status"] == "ok"


def test_an_unreachable_model_endpoint_degrades_without_naming_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    monkeypatch.setenv("CJM_LLM_BASE_URL", url)
    monkeypatch.setenv("CJM_LLM_MODEL", "qwen")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        answer = client.get("/v1/health")
    assert answer.status_code == 200
    assert answer.json()["status"] == "degraded"
    assert answer.json()["checks"]["model"]["status"] == "down"
    assert answer.json()["checks"]["model"]["reason"] == "unreachable"
    assert url not in answer.text and "127.0.0.1" not in answer.text


def test_an_endpoint_is_probed_once_per_few_seconds_and_its_refusal_is_named(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        assert request.headers["Authorization"] == "Bearer sk-wrong"
        return httpx.Response(401, json={"error": {"message": "bad key sk-wrong"}})

    monkeypatch.setenv("CJM_LLM_BASE_URL", "https://llm.example.test/v1/")
    monkeypatch.setenv("CJM_LLM_MODEL", "qwen")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
    get_settings.cache_clear()
    app = create_app()
    app.state.endpoint_probe = EndpointProbe(httpx.MockTransport(endpoint))
    with TestClient(app) as client:
        answers = [client.get("/v1/health").json() for _ in range(3)]
    assert seen == ["https://llm.example.test/v1/models"]
    assert {a["checks"]["model"]["reason"] for a in answers} == {"answered HTTP 401"}
    assert all("sk-wrong" not in str(a) and "example" not in str(a) for a in answers)


def test_a_replica_without_its_database_is_down_with_503(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app()) as client:
        db = client.app.state.library.db  # type: ignore[attr-defined]

        def gone(*_: Any, **__: Any) -> Any:
            raise OperationalError("select 1", {}, Exception("connection refused"))

        monkeypatch.setattr(db, "session", gone)
        answer = client.get("/v1/health")
    assert answer.status_code == 503
    assert answer.json()["status"] == "down"
    assert answer.json()["checks"]["database"] == {
        **answer.json()["checks"]["database"],
        "status": "down",
        "reason": "OperationalError",
    }

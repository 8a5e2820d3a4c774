"""Traces for an operator's OpenTelemetry collector. With ``CJM_OTLP_ENDPOINT`` set (an OTLP
gRPC endpoint, e.g. ``http://otel-collector:4317``), ``cjm serve`` sends a span for every HTTP
request (FastAPI's own, named by route, with the request id), with the SQL statements, model
calls and embedding calls made for it as its children; a job's spans hang under the request
that started it. Without it nothing is recorded and the
calls below cost next to nothing.

Spans carry no customer text: SQL statements are sent as written, with their parameters left
out; model and embedding spans carry the model's name, the task and token or text counts."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy import event
from sqlalchemy.engine import Engine

tracer = trace.get_tracer("cjm")
_configured = False


def configure(endpoint: str | None, service: str = "cjm", exporter: Any = None) -> bool:
    """Send spans to ``endpoint`` (or to ``exporter``, for tests); once per process. True when
    spans are recorded."""
    global _configured
    if _configured:
        return True
    if not endpoint and exporter is None:  # unset or empty (compose passes "" through)
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(
        resource=Resource.create({"service.name": service}), id_generator=_SystemIds()
    )
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        insecure = (endpoint or "").startswith("http://")
        exporter = OTLPSpanExporter(endpoint=endpoint, insecure=insecure)
        provider.add_span_processor(BatchSpanProcessor(exporter))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _configured = True
    return True


class _SystemIds(IdGenerator):
    """Span and trace ids from the system's randomness, not the ``random`` module: tracing
    must not move the shared random state the rest of the process may seed and draw from."""

    def generate_span_id(self) -> int:
        return int.from_bytes(secrets.token_bytes(8)) or 1

    def generate_trace_id(self) -> int:
        return int.from_bytes(secrets.token_bytes(16)) or 1

    def is_trace_id_random(self) -> bool:
        return True


def enabled() -> bool:
    return _configured


def instrument_engine(engine: Engine) -> None:
    """A span per SQL statement run on ``engine`` (its text, never its parameters)."""
    if getattr(engine, "_cjm_traced", False):
        return
    engine._cjm_traced = True  # type: ignore[attr-defined]
    system = engine.dialect.name

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
        span = tracer.start_span(
            f"{verb} {system}",
            kind=SpanKind.CLIENT,
            attributes={"db.system": system, "db.statement": statement[:2000]},
        )
        conn.info.setdefault("cjm_spans", []).append(span)

    @event.listens_for(engine, "after_cursor_execute")
    def _end(conn: Any, *_: Any) -> None:
        spans = conn.info.get("cjm_spans")
        if spans:
            spans.pop().end()

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        spans = context.connection.info.get("cjm_spans") if context.connection else None
        if spans:
            span = spans.pop()
            span.set_status(Status(StatusCode.ERROR, type(context.original_exception).__name__))
            span.end()


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[Any]:
    """A client span around a call to another service (a model, an embeddings endpoint)."""
    began = time.perf_counter()
    with tracer.start_as_current_span(name, kind=SpanKind.CLIENT, attributes=attributes) as s:
        yield s
        s.set_attribute("cjm.seconds", round(time.perf_counter() - began, 3))

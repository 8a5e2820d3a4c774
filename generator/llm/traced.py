"""A model call as a tracing span: the model, the task and, once answered, its token counts
and finish reason (OpenTelemetry's gen_ai attributes), the same for every client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.llm.interface import ChatReply, ChatRequest
from knowledge.platform import tracing


def traced_call(
    model: str, request: ChatRequest, call: Callable[[ChatRequest], ChatReply], **attributes: Any
) -> ChatReply:
    """``call(request)`` inside a span named after ``model``; ``attributes`` add to it (e.g.
    ``gen_ai.system``)."""
    with tracing.span(
        f"chat {model}",
        **{
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": model,
            "cjm.task": request.task,
            **attributes,
        },
    ) as span:
        reply = call(request)
        span.set_attribute("gen_ai.usage.input_tokens", reply.usage.prompt_tokens)
        span.set_attribute("gen_ai.usage.output_tokens", reply.usage.completion_tokens)
        span.set_attribute("gen_ai.response.finish_reasons", [reply.finish_reason])
        return reply

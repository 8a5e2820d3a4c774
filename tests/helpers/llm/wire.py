"""The OpenAI chat-completions wire format, for authoring cassettes without an endpoint: a
test lists the responses it expects; when cassettes are authored, a mock transport serves them
to the real openai client while vcrpy records both sides. ``model`` is that client, ``job`` an
LLM job around it."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable
from typing import Any

import httpx2

from generator.llm.job import LLMJob
from generator.llm.openai_chat import OpenAIChatModel
from generator.llm.structured import CallPolicy, Deadline
from knowledge.platform.settings import Settings
from tests.helpers.llm.cassettes import AUTHORED_BASE_URL, AUTHORED_MODEL, recording

Wire = tuple[int, dict[str, str], Any]
Responder = Wire | Callable[[dict[str, Any]], Wire]
_ids = itertools.count(1)


def authoring() -> bool:
    return os.environ.get("CJM_AUTHOR_CASSETTES") == "1"


def completion(
    content: str | None,
    *,
    finish_reason: str = "stop",
    refusal: str | None = None,
    tool_call: str | None = None,
    prompt_tokens: int = 900,
) -> Wire:
    message: dict[str, Any] = {
        "role": "assistant",
        "content": content,
        "refusal": refusal,
        "annotations": [],
    }
    if tool_call is not None:
        message["tool_calls"] = [
            {
                "id": f"call_{next(_ids):06d}",
                "type": "function",
                "function": {"name": "answer", "arguments": tool_call},
            }
        ]
    out = content or tool_call or refusal or ""
    completion_tokens = max(1, len(out) // 3)
    body = {
        "id": f"chatcmpl-authored{next(_ids):06d}",
        "object": "chat.completion",
        "created": 1763870400,
        "model": AUTHORED_MODEL,
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_authored",
    }
    return 200, {"content-type": "application/json", "openai-processing-ms": "812"}, body


def error(status: int, message: str, kind: str, retry_after: str | None = None) -> Wire:
    headers = {"content-type": "application/json"}
    if retry_after is not None:
        headers["retry-after"] = retry_after
    return (
        status,
        headers,
        {"error": {"message": message, "type": kind, "param": None, "code": None}},
    )


def answer(data: Any) -> Wire:
    return completion(json.dumps(data, ensure_ascii=False))


class _Serve:
    def __init__(self, responders: list[Responder]) -> None:
        self.responders = list(responders)

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        responder = self.responders.pop(0)
        body = json.loads(request.content.decode("utf-8"))
        status, headers, payload = responder(body) if callable(responder) else responder
        if isinstance(payload, bytes):  # a raw body, JSON or not
            return httpx2.Response(status, headers=headers, content=payload)
        return httpx2.Response(
            status, headers=headers, content=json.dumps(payload, ensure_ascii=False).encode()
        )


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "llm_base_url": AUTHORED_BASE_URL,
        "llm_model": AUTHORED_MODEL,
        "llm_max_attempts": 4,
        "llm_timeout": 30.0,
    }
    if recording():
        env = Settings()
        values |= {
            "llm_base_url": env.llm_base_url,
            "llm_model": env.llm_model,
            "llm_api_key_env": env.llm_api_key_env,
        }
    return Settings(**(values | overrides))


def model(
    responders: list[Responder], transport: httpx2.BaseTransport | None = None, **overrides: Any
) -> OpenAIChatModel:
    """The real client. While authoring, a mock transport serves ``responders``; otherwise the
    client's own transport is used and vcrpy (replaying) answers."""
    if authoring():
        return OpenAIChatModel(
            settings(**overrides), httpx2.Client(transport=httpx2.MockTransport(_Serve(responders)))
        )
    if transport is not None:
        return OpenAIChatModel(settings(**overrides), httpx2.Client(transport=transport))
    return OpenAIChatModel(settings(**overrides))


def job(
    chat: OpenAIChatModel, lang: str, sleeps: list[float] | None = None, attempts: int = 4
) -> LLMJob:
    policy = CallPolicy(
        max_attempts=attempts,
        timeout_s=30,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
    )
    return LLMJob(model=chat, policy=policy, deadline=Deadline(600), lang=lang)

"""Three providers' wire formats, for the LangChain adapter's cassettes: OpenAI chat
completions (``ChatOpenAI``), Anthropic messages (``ChatAnthropic``) and Ollama's ``/api/chat``
(``ChatOllama``, streamed as NDJSON as the client asks).

A test lists the answers it expects as ``Reply`` steps; while cassettes are authored
(``CJM_AUTHOR_CASSETTES=1``) a loopback endpoint answers the real SDK in the provider's wire
format and vcrpy records both sides, with the loopback origin rewritten to the provider's
placeholder host. Replaying, the model points at the placeholder and vcrpy answers.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

import vcr

from generator.llm.interface import ChatRequest, Message
from generator.llm.langchain_chat import LangChainChatModel
from knowledge.platform.settings import Settings
from tests.helpers.llm.cassettes import CASSETTES, SCRUB, UnicodeYaml
from tests.helpers.llm.wire import authoring

Wire = tuple[int, dict[str, str], Any]  # status, headers, JSON payload or raw bytes
_ids = itertools.count(1)
PROVIDERS = ("openai", "anthropic", "ollama")
PLACEHOLDER = {
    "openai": "https://llm.example.test",
    "anthropic": "https://anthropic.example.test",
    "ollama": "http://ollama.example.test:11434",
}
PATH = {"openai": "/v1", "anthropic": "", "ollama": ""}
MODEL = {
    "openai": "openai:gpt-4o-mini-2024-07-18",
    "anthropic": "anthropic:claude-sonnet-4-5-20250929",
    "ollama": "ollama:qwen2.5:14b",
}
KEYS = {"OPENAI_API_KEY": "sk-authored", "ANTHROPIC_API_KEY": "sk-ant-authored"}


@dataclass(frozen=True)
class Reply:
    """One answer the endpoint gives: ``text`` as the model's JSON (or prose) answer, or an
    HTTP error ``status`` with ``retry_after``; ``finish`` stop, length or refusal; ``delay``
    seconds before answering (a timeout, on the loopback endpoint only)."""

    text: str = ""
    finish: str = "stop"
    status: int = 200
    retry_after: str | None = None
    delay: float = 0.0
    respond: Callable[[ChatRequest], str] | None = None  # computes the text from the request


def task_and_messages(provider: str, body: dict[str, Any]) -> ChatRequest:
    """The request as the seam saw it, read back from the provider's wire format: the task
    from the schema's title or the tool's name, the messages with their roles."""
    task = ""
    if provider == "openai":
        fmt = body.get("response_format") or {}
        task = (fmt.get("json_schema") or {}).get("name", "")
        tools = body.get("tools") or []
        task = task or (tools[0]["function"]["name"] if tools else "")
        messages = [Message(m["role"], _flat(m["content"])) for m in body["messages"]]
    elif provider == "anthropic":
        tools = body.get("tools") or []
        schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
        task = tools[0]["name"] if tools else schema.get("title", "")
        messages = [Message("system", _flat(body.get("system") or ""))]
        messages += [Message(m["role"], _flat(m["content"])) for m in body["messages"]]
    else:
        fmt = body.get("format")
        tools = body.get("tools") or []
        task = fmt.get("title", "") if isinstance(fmt, dict) else ""
        task = task or (tools[0]["function"]["name"] if tools else "")
        messages = [Message(m["role"], _flat(m["content"])) for m in body["messages"]]
    return ChatRequest(task, tuple(messages), object, 1, 1)  # type: ignore[arg-type]


def _flat(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") for b in content if isinstance(b, dict))


def _uses_tools(body: dict[str, Any]) -> bool:
    return bool(body.get("tools"))


def _openai(reply: Reply, text: str, body: dict[str, Any]) -> Wire:
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    finish = {"refusal": "stop"}.get(reply.finish, reply.finish)
    if reply.finish == "refusal":
        message |= {"content": None, "refusal": text}
    elif _uses_tools(body):
        name = body["tools"][0]["function"]["name"]
        message["content"] = None
        message["tool_calls"] = [
            {
                "id": f"call_{next(_ids):06d}",
                "type": "function",
                "function": {"name": name, "arguments": text},
            }
        ]
        finish = "tool_calls" if finish == "stop" else finish
    payload = {
        "id": f"chatcmpl-authored{next(_ids):06d}",
        "object": "chat.completion",
        "created": 1763870400,
        "model": MODEL["openai"].split(":", 1)[1],
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": _usage(body, text, "prompt_tokens", "completion_tokens")
        | {"total_tokens": 900 + max(1, len(text) // 3)},
        "system_fingerprint": "fp_authored",
    }
    return 200, {"content-type": "application/json"}, payload


def _anthropic(reply: Reply, text: str, body: dict[str, Any]) -> Wire:
    stop = {"stop": "end_turn", "length": "max_tokens", "refusal": "refusal"}[reply.finish]
    content: list[dict[str, Any]] = [{"type": "text", "text": text}]
    if _uses_tools(body) and reply.finish != "refusal":
        try:
            arguments = json.loads(text)
        except json.JSONDecodeError:
            arguments = {"answer": text}  # a model's broken tool input arrives as an object
        content = [
            {
                "type": "tool_use",
                "id": f"toolu_authored{next(_ids):06d}",
                "name": body["tools"][0]["name"],
                "input": arguments,
            }
        ]
        stop = "tool_use" if reply.finish == "stop" else stop
    payload = {
        "id": f"msg_authored{next(_ids):06d}",
        "type": "message",
        "role": "assistant",
        "model": MODEL["anthropic"].split(":", 1)[1],
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": _usage(body, text, "input_tokens", "output_tokens"),
    }
    return 200, {"content-type": "application/json", "request-id": "req_authored"}, payload


def _ollama(reply: Reply, text: str, body: dict[str, Any]) -> Wire:
    """Ollama streams: a few content chunks, then the closing line with the counts."""
    model = MODEL["ollama"].split(":", 1)[1]
    step = max(1, len(text) // 3)
    lines = [
        {
            "model": model,
            "created_at": "2026-12-04T09:00:00.000000Z",
            "message": {"role": "assistant", "content": text[i : i + step]},
            "done": False,
        }
        for i in range(0, len(text), step)
    ]
    lines.append(
        {
            "model": model,
            "created_at": "2026-12-04T09:00:01.000000Z",
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": {"length": "length"}.get(reply.finish, "stop"),
            "total_duration": 812000000,
            "prompt_eval_count": 900,
            "eval_count": max(1, len(text) // 3),
        }
    )
    raw = b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines)
    return 200, {"content-type": "application/x-ndjson"}, raw


def _usage(body: dict[str, Any], text: str, prompt: str, completion: str) -> dict[str, int]:
    return {prompt: 900, completion: max(1, len(text) // 3)}


def _error(provider: str, reply: Reply) -> Wire:
    headers = {"content-type": "application/json"}
    if reply.retry_after is not None:
        headers["retry-after"] = reply.retry_after
    message = {429: "Rate limit reached", 401: "invalid x-api-key"}.get(
        reply.status, "The server had an error while processing your request"
    )
    if provider == "anthropic":
        kind = {429: "rate_limit_error", 401: "authentication_error"}.get(reply.status, "api_error")
        return reply.status, headers, {"type": "error", "error": {"type": kind, "message": message}}
    if provider == "ollama":
        return reply.status, headers, {"error": message}
    return reply.status, headers, {"error": {"message": message, "type": "requests"}}


SPEAK = {"openai": _openai, "anthropic": _anthropic, "ollama": _ollama}


def wire(provider: str, reply: Reply, body: dict[str, Any]) -> Wire:
    if reply.status != 200:
        return _error(provider, reply)
    text = reply.respond(task_and_messages(provider, body)) if reply.respond else reply.text
    return SPEAK[provider](reply, text, body)


@dataclass
class Endpoint:
    provider: str
    replies: list[Reply]
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    origin: str = ""


@contextmanager
def loopback(provider: str, replies: list[Reply]) -> Iterator[Endpoint]:
    """A loopback server answering the provider's SDK with ``replies`` in order."""
    endpoint = Endpoint(provider, list(replies))

    class Handler(BaseHTTPRequestHandler):  # HTTP/1.0: a connection per request, none left open
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            endpoint.received.append(body)
            endpoint.headers.append({k.lower(): v for k, v in self.headers.items()})
            endpoint.paths.append(self.path)
            reply = endpoint.replies.pop(0) if endpoint.replies else Reply(status=500)
            if reply.delay:
                time.sleep(reply.delay)
            status, headers, payload = wire(provider, reply, body)
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint.origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def settings(provider: str, base: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "llm_provider": MODEL[provider],
        "llm_base_url": base + PATH[provider],
        "llm_max_attempts": 4,
        "llm_timeout": 30.0,
    }
    return Settings(**(values | overrides))


HEADER = (
    "# Authored in the provider's exact wire format through a loopback endpoint, its SDK's\n"
    "# requests recorded as LangChain sent them (no key exists here to record against the\n"
    "# provider). See tests/helpers/llm/providers.py.\n"
)


def provider_vcr(provider: str, origin: str | None = None) -> vcr.VCR:
    """Replay-only, or recording everything while authoring; a recorded request names the
    placeholder host, never the loopback port."""

    def to_placeholder(request: Any) -> Any:
        if origin and request.uri.startswith(origin):
            request.uri = PLACEHOLDER[provider] + request.uri[len(origin) :]
        return request

    v = vcr.VCR(
        before_record_request=to_placeholder,
        cassette_library_dir=str(CASSETTES / "langchain"),
        record_mode="all" if authoring() else "none",
        match_on=("method", "scheme", "host", "port", "path"),
        filter_headers=SCRUB,
        decode_compressed_response=True,
        serializer="unicode_yaml",
    )
    v.register_serializer("unicode_yaml", UnicodeYaml(lambda: HEADER))
    return v


@contextmanager
def chat(
    provider: str, replies: list[Reply], cassette: str, **overrides: Any
) -> Iterator[LangChainChatModel]:
    """The adapter over the provider's real LangChain model, built from settings as
    ``CJM_LLM_PROVIDER`` builds it; its HTTP replayed from ``cassette`` (authored through a
    loopback endpoint when ``CJM_AUTHOR_CASSETTES=1``). Fails if the cassette is not played to
    its end."""
    with mock.patch.dict(os.environ, KEYS):
        yield from _chat(provider, replies, cassette, overrides)


def _chat(
    provider: str, replies: list[Reply], cassette: str, overrides: dict[str, Any]
) -> Iterator[LangChainChatModel]:
    if authoring():
        with loopback(provider, replies) as endpoint:
            with provider_vcr(provider, endpoint.origin).use_cassette(cassette):
                model = LangChainChatModel.from_settings(
                    settings(provider, endpoint.origin, **overrides)
                )
                try:
                    yield model
                finally:
                    model.close()
            assert not endpoint.replies, f"{len(endpoint.replies)} replies were not asked for"
        return
    with provider_vcr(provider).use_cassette(cassette) as cass:
        model = LangChainChatModel.from_settings(
            settings(provider, PLACEHOLDER[provider], **overrides)
        )
        try:
            yield model
        finally:
            model.close()
        assert cass.all_played, f"{cassette}: {cass.play_count} of {len(cass)} played"

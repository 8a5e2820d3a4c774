"""Test doubles that ship with the code: a scripted model (a queue of canned answers) and a
function-driven model (answers computed from the request). Both behave like the real client:
they may return any reply, raise any ``LLMError``, and record what they were sent."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from generator.llm.errors import LLMError
from generator.llm.interface import ChatReply, ChatRequest, Usage

Scripted = ChatReply | LLMError | BaseModel | dict[str, Any] | str


def _tokens(chars: int) -> int:
    return max(1, chars // 4)


Answer = ChatReply | BaseModel | dict[str, Any] | str


def as_reply(answer: Answer, request: ChatRequest) -> ChatReply:
    if isinstance(answer, ChatReply):
        return answer
    if isinstance(answer, BaseModel):
        text = answer.model_dump_json()
    elif isinstance(answer, dict):
        text = json.dumps(answer, ensure_ascii=False)
    else:
        text = answer
    return ChatReply(
        text=text,
        finish_reason="stop",
        usage=Usage(_tokens(request.prompt_chars), _tokens(len(text))),
    )


class _Recording:
    name = "fake"
    endpoint_kind = "fake"

    def __init__(self) -> None:
        self.requests: list[ChatRequest] = []

    def close(self) -> None:
        """Nothing to release; a test may reuse the model after a job closed it."""


class ScriptedModel(_Recording):
    """Answers requests with the scripted items in order; an exception item is raised."""

    def __init__(self, script: Iterable[Scripted] = ()) -> None:
        super().__init__()
        self.script: deque[Scripted] = deque(script)

    def enqueue(self, *items: Scripted) -> None:
        self.script.extend(items)

    def complete(self, request: ChatRequest) -> ChatReply:
        self.requests.append(request)
        if not self.script:
            raise AssertionError(f"ScriptedModel has no answer left for {request.task}")
        item = self.script.popleft()
        if isinstance(item, LLMError):
            raise item
        return as_reply(item, request)


class FunctionModel(_Recording):
    """Answers each request with ``function(request)``."""

    def __init__(self, function: Callable[[ChatRequest], Answer]) -> None:
        super().__init__()
        self.function = function

    def complete(self, request: ChatRequest) -> ChatReply:
        self.requests.append(request)
        return as_reply(self.function(request), request)

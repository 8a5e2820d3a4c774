"""The interface drafting, translation and answering depend on: one structured chat call.

A ``ChatModel`` gets the messages and the pydantic model the answer must fit, and returns the
raw answer with its finish reason, refusal and token usage. Parsing, grounding checks and
re-asking live in ``generator.llm.structured``, the same for every model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class ChatRequest:
    task: str  # prompt id, e.g. "stage_lanes"; names the output schema too
    messages: tuple[Message, ...]
    output: type[BaseModel]  # strict-schema model the answer must fit
    max_output_tokens: int
    timeout_s: float

    @property
    def prompt_chars(self) -> int:
        return sum(len(m.content) for m in self.messages)


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class ChatReply:
    text: str  # the JSON answer as sent (message content or function arguments)
    finish_reason: str  # stop, length, content_filter, tool_calls
    refusal: str | None = None
    usage: Usage = Usage()


class ChatModel(Protocol):
    """Anything that answers a structured chat request."""

    @property
    def name(self) -> str: ...

    @property
    def endpoint_kind(self) -> str: ...

    def complete(self, request: ChatRequest) -> ChatReply:
        """Send one request. Raises ``TransientLLMError`` subclasses for failures a retry may
        fix, ``LLMRequestError`` for those it will not."""
        ...

    def close(self) -> None:
        """Release what the model holds (connections); it is not used afterwards."""
        ...

"""The OpenAI-compatible chat client — the only module that imports ``openai``.

Works with OpenAI, Azure OpenAI, Ollama, vLLM and llama.cpp server. The SDK's own retries are
switched off: every request counts against the part's attempt budget in
``generator.llm.structured``, which also honours Retry-After within the job's deadline.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import urlparse

import openai
from openai.lib._pydantic import to_strict_json_schema
from openai.types.chat import ChatCompletion

from generator.llm.errors import (
    BadReply,
    LLMConfigError,
    LLMRequestError,
    LLMTimeout,
    RateLimited,
    ServerError,
    TransientLLMError,
    retry_after,
)
from generator.llm.interface import ChatReply, ChatRequest, Usage
from generator.llm.structured import json_mode_hint
from generator.llm.traced import traced_call
from knowledge.platform.settings import Settings

BODY_IN_ERROR = 300


def endpoint_kind(base_url: str, azure: bool) -> str:
    """A label for provenance: which kind of server answered."""
    if azure:
        return "azure-openai"
    parsed = urlparse(base_url)
    host = parsed.hostname or ""
    if host.endswith("openai.com"):
        return "openai"
    if parsed.port == 11434:
        return "ollama"
    if parsed.port in (8080, 8081):
        return "llama.cpp"
    if parsed.port == 8000:
        return "vllm"
    return "openai-compatible"


def _retry_after(response: Any) -> float | None:
    return retry_after(getattr(response, "headers", None) or {})


class OpenAIChatModel:
    """A ``ChatModel`` over any OpenAI-compatible chat-completions endpoint."""

    def __init__(self, settings: Settings, http_client: Any = None) -> None:
        if not settings.llm_base_url or not settings.llm_model:
            raise LLMConfigError("set CJM_LLM_BASE_URL and CJM_LLM_MODEL to use a chat model")
        self.settings = settings
        # Local servers need no key; the SDK insists on one, so a placeholder is sent.
        key = os.environ.get(settings.llm_api_key_env) or "no-key"
        common: dict[str, Any] = {
            "api_key": key,
            "max_retries": 0,
            "timeout": settings.llm_timeout,
        }
        if http_client is not None:
            common["http_client"] = http_client
        self._azure = settings.llm_azure_api_version is not None
        if self._azure:
            self._client: openai.OpenAI = openai.AzureOpenAI(
                azure_endpoint=settings.llm_base_url,
                api_version=settings.llm_azure_api_version,
                **common,
            )
        else:
            self._client = openai.OpenAI(base_url=settings.llm_base_url, **common)
        self._model = settings.llm_model
        self._kind = endpoint_kind(settings.llm_base_url, self._azure)

    @property
    def name(self) -> str:
        return self._model

    @property
    def endpoint_kind(self) -> str:
        return self._kind

    def close(self) -> None:
        self._client.close()

    def _format(self, request: ChatRequest) -> tuple[list[dict[str, str]], dict[str, Any]]:
        schema = to_strict_json_schema(request.output)
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        method = self.settings.llm_output_method
        if method == "json_schema":
            return messages, {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": request.task, "schema": schema, "strict": True},
                }
            }
        if method == "function_calling":
            return messages, {
                "tools": [
                    {
                        "type": "function",
                        "function": {
                            "name": request.task,
                            "description": f"Submit the {request.task} answer.",
                            "parameters": schema,
                            "strict": True,
                        },
                    }
                ],
                "tool_choice": {"type": "function", "function": {"name": request.task}},
            }
        hint = json_mode_hint(schema)
        messages[0] = {**messages[0], "content": messages[0]["content"] + "\n\n" + hint}
        return messages, {"response_format": {"type": "json_object"}}

    def complete(self, request: ChatRequest) -> ChatReply:
        return traced_call(self._model, request, self._complete)

    def _complete(self, request: ChatRequest) -> ChatReply:
        messages, extra = self._format(request)
        extra[self.settings.llm_max_tokens_param] = request.max_output_tokens
        try:
            completion = self._client.chat.completions.create(
                model=self._model,
                messages=messages,  # type: ignore[arg-type]
                temperature=self.settings.llm_temperature,
                timeout=request.timeout_s,
                **extra,
            )
        except openai.RateLimitError as exc:
            raise RateLimited(
                f"rate limited (429): {exc.message}", _retry_after(exc.response)
            ) from exc
        except openai.APIStatusError as exc:
            if exc.status_code >= 500:
                raise ServerError(
                    f"server error {exc.status_code}: {exc.message}", _retry_after(exc.response)
                ) from exc
            hint = ""
            if exc.status_code in (400, 422) and self.settings.llm_output_method != "json_mode":
                hint = (
                    " (if the server does not support "
                    f"{self.settings.llm_output_method}, set CJM_LLM_OUTPUT_METHOD=json_mode)"
                )
            raise LLMRequestError(
                f"the endpoint rejected the request ({exc.status_code}): {exc.message}{hint}",
                exc.status_code,
            ) from exc
        except openai.APITimeoutError as exc:
            raise LLMTimeout(f"no answer within {request.timeout_s:.0f} s") from exc
        except openai.APIConnectionError as exc:
            raise TransientLLMError(f"could not reach {self.settings.llm_base_url}: {exc}") from exc
        except openai.APIResponseValidationError as exc:
            raise BadReply(
                f"the endpoint's answer is not a chat completion: {exc.message}",
                exc.response.text[:BODY_IN_ERROR],
            ) from exc
        except json.JSONDecodeError as exc:  # a JSON content type over a body that is not JSON
            raise BadReply(f"the endpoint's answer is not valid JSON: {exc}") from exc
        if not isinstance(completion, ChatCompletion) or not isinstance(
            getattr(completion, "choices", None), list
        ):
            body = completion if isinstance(completion, str) else repr(completion)
            raise BadReply(
                f"the endpoint's answer is not a chat completion: {body[:BODY_IN_ERROR]!r}",
                body[:BODY_IN_ERROR],
            )
        if not completion.choices:
            raise ServerError("the endpoint returned no choices")
        choice = completion.choices[0]
        message = choice.message
        text = message.content or ""
        if message.tool_calls:
            call = message.tool_calls[0]
            text = getattr(getattr(call, "function", None), "arguments", "") or text
        usage = completion.usage
        return ChatReply(
            text=text,
            finish_reason=choice.finish_reason or "stop",
            refusal=getattr(message, "refusal", None),
            usage=Usage(
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
            ),
        )

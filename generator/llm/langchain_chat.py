"""LangChain chat models behind the seam — the only module that imports LangChain's chat models.

``LangChainChatModel`` adapts any ``BaseChatModel`` (Anthropic, Google, Bedrock, Ollama,
OpenAI, …) to ``ChatModel``: one structured call through ``with_structured_output(...,
include_raw=True)``, returning the raw answer text (the seam parses and checks it, as it does
the native client's), the finish reason, a refusal and the token usage. Provider errors become
the seam's error types (status code, Retry-After); the provider SDK's own retries are switched
off, since every request counts against the part's attempts and the job's deadline.

Per request the adapter sets the output-token limit and the temperature on a shallow copy of
the model, in the field that model reads (``max_tokens``, ``num_predict``,
``max_output_tokens``, …): passing ``max_tokens`` to a model that does not know it would be
dropped without a word (``ChatOllama`` does), so a model with no known limit field is refused.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import os
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openai.lib._pydantic import to_strict_json_schema

from generator.llm.errors import (
    LLMConfigError,
    LLMError,
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

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, BaseMessage

INSTALL = "pip install 'cjm[langchain]'"
# Fields a chat model may read its output-token limit from, in the order they are tried.
LIMIT_FIELDS = ("max_tokens", "num_predict", "max_output_tokens", "max_new_tokens")
# The provider packages init_chat_model imports, for the error when one is missing.
PACKAGES = {
    "anthropic": "langchain-anthropic",
    "openai": "langchain-openai",
    "azure_openai": "langchain-openai",
    "ollama": "langchain-ollama",
    "google_genai": "langchain-google-genai",
    "google_vertexai": "langchain-google-vertexai",
    "bedrock_converse": "langchain-aws",
    "bedrock": "langchain-aws",
    "mistralai": "langchain-mistralai",
    "groq": "langchain-groq",
}
# Finish reasons as each provider names them (OpenAI, Anthropic, Ollama, Gemini, Bedrock),
# mapped to the seam's: stop, length, content_filter, tool_calls.
FINISH = {
    "stop": "stop",
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "refusal": "stop",
    "tool_calls": "tool_calls",
    "tool_use": "tool_calls",
    "function_call": "tool_calls",
    "length": "length",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "content_filter": "content_filter",
    "content_filtered": "content_filter",
    "guardrail_intervened": "content_filter",
    "safety": "content_filter",
    "prohibited_content": "content_filter",
    "blocklist": "content_filter",
    "spii": "content_filter",
    "recitation": "content_filter",
}
FINISH_KEYS = ("finish_reason", "stop_reason", "done_reason", "stopReason")
# Settings cjm sets itself, per request or on every model it builds: a provider option may
# not set them behind its back.
LIMIT_NOTE = "cjm sets the output-token limit per request (CJM_LLM_MAX_OUTPUT_TOKENS)"
OWN_OPTIONS = {
    "max_retries": "cjm retries itself (CJM_LLM_MAX_ATTEMPTS)",
    "temperature": "set CJM_LLM_TEMPERATURE",
    "timeout": "set CJM_LLM_TIMEOUT",
    "request_timeout": "set CJM_LLM_TIMEOUT",
    "model": "name the model in CJM_LLM_PROVIDER",
    "model_name": "name the model in CJM_LLM_PROVIDER",
    **dict.fromkeys((*LIMIT_FIELDS, "max_completion_tokens", "max_tokens_to_sample"), LIMIT_NOTE),
}


@dataclass(frozen=True)
class Provider:
    """How cjm builds one provider's model: where the base URL and timeout go, and what turns
    the SDK's own retries off."""

    base_url: str | None = None  # constructor argument for CJM_LLM_BASE_URL; None: refused
    timeout: str | None = "timeout"  # constructor argument for CJM_LLM_TIMEOUT
    no_retries: Mapping[str, Any] | None = None  # constructor arguments; None: max_retries=0
    per_call_timeout: bool = False  # the SDK takes ``timeout`` with each request
    whole_seconds: bool = False  # the timeout argument is an int


PROVIDERS: dict[str, Provider] = {
    "openai": Provider(base_url="base_url", per_call_timeout=True),
    "azure_openai": Provider(base_url="azure_endpoint", per_call_timeout=True),
    "anthropic": Provider(base_url="base_url", per_call_timeout=True),
    # The Ollama client does not retry; its timeout is the httpx client's.
    "ollama": Provider(base_url="base_url", timeout=None, no_retries={}),
    "google_genai": Provider(base_url="base_url"),
    # botocore: max_retries=0 becomes one attempt in all; the timeout is whole seconds.
    "bedrock_converse": Provider(base_url="endpoint_url", whole_seconds=True),
}


def split_provider(settings: Settings) -> tuple[str, str]:
    """``CJM_LLM_PROVIDER`` as (provider, model): ``anthropic:claude-…`` or a bare provider
    with the model in ``CJM_LLM_MODEL``. The model name may hold colons (``ollama:qwen2.5:14b``)."""
    spec = (settings.llm_provider or "").strip()
    provider, _, model = spec.partition(":")
    model = model or (settings.llm_model or "")
    if not provider or not model:
        raise LLMConfigError(
            f"CJM_LLM_PROVIDER={spec!r} names no model: write provider:model, e.g. "
            "anthropic:claude-sonnet-4-5 or ollama:qwen2.5:14b (or set CJM_LLM_MODEL)"
        )
    return provider, model


def _field_names(cls: type) -> set[str]:
    fields = getattr(cls, "model_fields", {})
    names = set(fields)
    for info in fields.values():
        alias = getattr(info, "alias", None)
        if alias:
            names.add(alias)
    return names


def _chat_class(provider: str) -> type | None:
    """The class init_chat_model would build for ``provider``, if its package is installed."""
    from langchain.chat_models.base import _BUILTIN_PROVIDERS

    entry = _BUILTIN_PROVIDERS.get(provider)
    if entry is None:
        return None
    module, name = entry[0], entry[1]
    try:
        return getattr(__import__(module, fromlist=[name]), name)  # type: ignore[no-any-return]
    except ImportError:
        return None


def provider_model(settings: Settings) -> BaseChatModel:
    """The model ``CJM_LLM_PROVIDER`` names, built through LangChain's ``init_chat_model`` with
    the SDK's retries off, the base URL, key and timeout cjm is configured with, and the
    checked ``CJM_LLM_PROVIDER_OPTIONS``."""
    provider, model = split_provider(settings)
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as exc:
        raise LLMConfigError(
            f"CJM_LLM_PROVIDER needs LangChain: {INSTALL} and "
            f"{PACKAGES.get(provider, 'the provider package')}"
        ) from exc
    from langchain.chat_models.base import _BUILTIN_PROVIDERS

    if provider not in _BUILTIN_PROVIDERS:
        raise LLMConfigError(
            f"CJM_LLM_PROVIDER={provider}:{model}: LangChain knows no provider {provider!r}; "
            f"it knows {', '.join(sorted(_BUILTIN_PROVIDERS))}"
        )
    cls = _chat_class(provider)
    package = PACKAGES.get(provider, f"the LangChain package for {provider}")
    if cls is None:
        raise LLMConfigError(
            f"CJM_LLM_PROVIDER={provider}:{model}: the provider's LangChain package is not "
            f"installed ({INSTALL} {package})"
        )
    known = _field_names(cls)
    how = PROVIDERS.get(provider, Provider(base_url="base_url" if "base_url" in known else None))
    options = dict(settings.llm_provider_options)
    for name in options:
        if name in OWN_OPTIONS:
            raise LLMConfigError(
                f"CJM_LLM_PROVIDER_OPTIONS may not set {name}: {OWN_OPTIONS[name]}"
            )
        if name not in known:
            raise LLMConfigError(
                f"CJM_LLM_PROVIDER_OPTIONS: {cls.__name__} has no option {name!r}; LangChain "
                "would drop it without a word (see its documentation for the options it takes)"
            )
    kwargs: dict[str, Any] = dict(options)
    if provider == "azure_openai":
        kwargs |= _azure(settings, options)
    if how.no_retries is None:
        kwargs["max_retries"] = 0
    else:
        kwargs |= how.no_retries
    if settings.llm_base_url:
        if how.base_url is None:
            raise LLMConfigError(
                f"CJM_LLM_BASE_URL does not apply to {provider}: unset it (its SDK finds its "
                "endpoint from its own settings)"
            )
        kwargs[how.base_url] = settings.llm_base_url
    if how.timeout:
        seconds = settings.llm_timeout
        kwargs[how.timeout] = math.ceil(seconds) if how.whole_seconds else seconds
    elif provider == "ollama":
        kwargs["client_kwargs"] = {"timeout": settings.llm_timeout}
    # The key is read from the variable CJM_LLM_API_KEY_ENV names when that setting is given;
    # otherwise the provider's SDK finds its own (ANTHROPIC_API_KEY, ADC, SigV4, …).
    if "llm_api_key_env" in settings.model_fields_set:
        if "api_key" not in known:
            raise LLMConfigError(
                f"CJM_LLM_API_KEY_ENV does not apply to {provider}: its SDK reads its own "
                "credentials; unset it"
            )
        key = os.environ.get(settings.llm_api_key_env)
        if not key:
            raise LLMConfigError(
                f"CJM_LLM_API_KEY_ENV names {settings.llm_api_key_env}, which is not set"
            )
        kwargs["api_key"] = key
    try:
        built: BaseChatModel = init_chat_model(model, model_provider=provider, **kwargs)
        return built
    except ImportError as exc:
        raise LLMConfigError(f"{provider} needs {package}: {INSTALL} {package}") from exc
    except (ValueError, TypeError) as exc:
        raise LLMConfigError(f"CJM_LLM_PROVIDER={provider}:{model}: {_said(exc)}") from exc


def _said(exc: Exception) -> str:
    """What a constructor's error says, without pydantic's listing of every input (which may
    hold the key)."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        return "; ".join(str(e.get("msg", "")) for e in exc.errors())
    return str(exc)


MANAGED_IDENTITY = "azure-identity"
AZURE_SCOPE = "https://cognitiveservices.azure.com/.default"


def _azure(settings: Settings, options: Mapping[str, Any]) -> dict[str, Any]:
    """Azure OpenAI: the API version from CJM_LLM_AZURE_API_VERSION, and Entra ID sign-in
    without a key when ``azure_ad_token_provider`` is ``"azure-identity"``: a bearer token from
    azure-identity's DefaultAzureCredential (managed identity, workload identity, az login)."""
    out: dict[str, Any] = {}
    if settings.llm_azure_api_version:
        out["api_version"] = settings.llm_azure_api_version
    wanted = options.get("azure_ad_token_provider")
    if wanted is None:
        return out
    if wanted != MANAGED_IDENTITY:
        raise LLMConfigError(
            f"CJM_LLM_PROVIDER_OPTIONS: azure_ad_token_provider takes {MANAGED_IDENTITY!r} "
            "(DefaultAzureCredential: managed identity, workload identity, az login)"
        )
    try:
        identity = importlib.import_module("azure.identity")
    except ImportError as exc:
        raise LLMConfigError(
            f"azure_ad_token_provider={MANAGED_IDENTITY!r} needs azure-identity: "
            "pip install azure-identity"
        ) from exc
    out["azure_ad_token_provider"] = identity.get_bearer_token_provider(
        identity.DefaultAzureCredential(), AZURE_SCOPE
    )
    return out


def without_sdk_retries(chat: BaseChatModel) -> BaseChatModel:
    """``chat`` with its SDK's retries off. A model built with retries (``max_retries`` unset
    means the SDK's default, 2 for OpenAI and Anthropic) is built again from the arguments it
    was created with and ``max_retries=0``; the SDK clients LangChain made for it are made anew
    (an HTTP client the caller passed is kept). Refused when the rebuilt model's SDK client
    still retries."""
    fields = getattr(type(chat), "model_fields", {})
    if "max_retries" not in fields or getattr(chat, "max_retries", 0) == 0:
        return chat
    given = {
        name: getattr(chat, name)
        for name in chat.model_fields_set
        if not (name.endswith("client") and not name.startswith("http"))
    }
    try:
        rebuilt = type(chat)(**(given | {"max_retries": 0}))
    except (ValueError, TypeError) as exc:
        raise LLMConfigError(
            f"{type(chat).__name__}: build it with max_retries=0 (cjm retries itself): {exc}"
        ) from exc
    for attr in ("root_client", "_client", "client"):
        retries = getattr(getattr(rebuilt, attr, None), "max_retries", 0)
        if isinstance(retries, int) and retries:
            raise LLMConfigError(
                f"{type(chat).__name__}'s {attr} still retries {retries} times: build it with "
                "max_retries=0 (cjm retries itself, within its attempts and deadline)"
            )
    return rebuilt


def limit_field(chat: BaseChatModel) -> str:
    fields = getattr(type(chat), "model_fields", {})
    for name in LIMIT_FIELDS:
        if name in fields:
            return name
    raise LLMConfigError(
        f"{type(chat).__name__} has none of {', '.join(LIMIT_FIELDS)}: cjm cannot limit its "
        "answers' length, and would not know an answer was cut off"
    )


def _messages(request: ChatRequest, method: str) -> list[BaseMessage]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    out: list[BaseMessage] = [kinds[m.role](content=m.content) for m in request.messages]
    if method == "json_mode":
        hint = json_mode_hint(to_strict_json_schema(request.output))
        first = out[0]
        out[0] = type(first)(content=f"{first.content}\n\n{hint}")
    return out


def _schema(request: ChatRequest) -> dict[str, Any]:
    return {
        **to_strict_json_schema(request.output),
        "title": request.task,
        "description": f"Submit the {request.task} answer.",
    }


def _text(raw: AIMessage) -> str:
    """The answer as the model sent it: the tool call's arguments (the provider's own string
    when it kept one, else the parsed arguments; broken arguments as they came, to be
    re-asked), else the message text."""
    raw_calls = raw.additional_kwargs.get("tool_calls") or []
    if raw_calls:
        arguments = (raw_calls[0].get("function") or {}).get("arguments")
        if isinstance(arguments, str):
            return arguments
    if raw.tool_calls:
        return json.dumps(raw.tool_calls[0]["args"], ensure_ascii=False)
    if raw.invalid_tool_calls:
        return str(raw.invalid_tool_calls[0].get("args") or "")
    content = raw.content
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)


def _finish(raw: AIMessage) -> tuple[str, str | None]:
    """The seam's finish reason and the refusal, if the model refused."""
    meta = raw.response_metadata or {}
    said = next((str(meta[k]) for k in FINISH_KEYS if meta.get(k)), "stop")
    refusal = raw.additional_kwargs.get("refusal")
    if said.lower() == "refusal" and not refusal:
        refusal = _text(raw) or "the model refused"
    return FINISH.get(said.lower(), FINISH.get(said, "stop")), refusal or None


def _stopped_reply(exc: BaseException) -> ChatReply | None:
    """The reply inside an SDK's "could not parse: the answer stopped" error (the OpenAI SDK
    raises one when a structured answer is cut off or filtered), so the seam handles it as it
    handles any cut-off or filtered answer."""
    for cause in _chain(exc):
        finish = {
            "LengthFinishReasonError": "length",
            "ContentFilterFinishReasonError": "content_filter",
        }.get(type(cause).__name__)
        if finish is None:
            continue
        completion = getattr(cause, "completion", None)
        choices = getattr(completion, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        usage = getattr(completion, "usage", None)
        return ChatReply(
            text=getattr(message, "content", None) or "",
            finish_reason=finish,
            usage=Usage(
                prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
            ),
        )
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _status(exc: BaseException) -> int | None:
    for name in ("status_code", "status", "code", "http_status"):
        value = getattr(exc, name, None)
        if isinstance(value, int) and 400 <= value < 600:
            return value
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):  # botocore's ClientError
        meta = response.get("ResponseMetadata") or {}
        value = meta.get("HTTPStatusCode")
        code = (response.get("Error") or {}).get("Code", "")
        if code in ("ThrottlingException", "TooManyRequestsException"):
            return 429
        if isinstance(value, int) and value >= 400:
            return value
    value = getattr(response, "status_code", None)
    return value if isinstance(value, int) and value >= 400 else None


def _headers(exc: BaseException) -> Mapping[str, Any]:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        return (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
    return getattr(response, "headers", None) or {}


def _message(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or getattr(exc, "error", None) or str(exc)
    return str(text)[:300]


def provider_failure(exc: BaseException, where: str, timeout_s: float, method: str) -> LLMError:
    """The seam's error for what a provider SDK (or LangChain around it) raised: HTTP status
    first (429 rate limited with Retry-After, 5xx server error, 408 timeout, other 4xx the
    request rejected), then timeouts and unreachable endpoints anywhere in the cause chain;
    anything else is a request the model will not take."""
    for cause in _chain(exc):
        status = _status(cause)
        if status is None:
            continue
        # Retry-After from the first error in the chain that kept the response's headers (the
        # Ollama client's own error drops them; the HTTP error it was raised from has them).
        waits = (retry_after(_headers(c)) for c in _chain(exc))
        wait = next((w for w in waits if w is not None), None)
        if status == 429:
            return RateLimited(f"rate limited (429): {_message(cause)}", wait)
        if status >= 500:
            return ServerError(f"server error {status}: {_message(cause)}", wait)
        if status == 408:
            return LLMTimeout(f"no answer within {timeout_s:.0f} s")
        hint = ""
        if status in (400, 422) and method != "json_mode":
            hint = (
                f" (if the model does not support {method}, set CJM_LLM_OUTPUT_METHOD="
                "function_calling or json_mode)"
            )
        return LLMRequestError(
            f"the endpoint rejected the request ({status}): {_message(cause)}{hint}", status
        )
    for cause in _chain(exc):
        name = type(cause).__name__
        if isinstance(cause, TimeoutError) or "Timeout" in name:
            return LLMTimeout(f"no answer within {timeout_s:.0f} s")
    for cause in _chain(exc):
        name = type(cause).__name__
        if isinstance(cause, ConnectionError) or "Connect" in name:
            return TransientLLMError(f"could not reach {where}: {_message(cause)}")
    return LLMRequestError(f"{where}: {type(exc).__name__}: {_message(exc)}")


class LangChainChatModel:
    """A ``ChatModel`` over a LangChain ``BaseChatModel``."""

    def __init__(
        self,
        chat: BaseChatModel,
        settings: Settings,
        *,
        provider: str | None = None,
        owns: bool = True,
    ) -> None:
        self.settings = settings
        self._owns = owns  # a model a caller handed in is theirs to close
        self._chat = without_sdk_retries(chat)
        self._limit = limit_field(self._chat)
        self._provider = provider or _provider_of(self._chat)
        self._method = settings.llm_output_method
        self._per_call_timeout = PROVIDERS.get(self._provider, Provider()).per_call_timeout
        # An output method the model does not offer fails here, not at the first draft; some
        # models only warn and fall back to another method, which is refused too.
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            try:
                self._chat.with_structured_output(
                    {"title": "probe", "description": "probe", "type": "object", "properties": {}},
                    method=self._method,
                    include_raw=True,
                )
            except (ValueError, NotImplementedError, TypeError) as exc:
                raise LLMConfigError(
                    f"{type(self._chat).__name__} does not offer CJM_LLM_OUTPUT_METHOD="
                    f"{self._method}: {exc}"
                ) from exc
        fallback = [w for w in warned if self._method in str(w.message)]
        if fallback:
            raise LLMConfigError(
                f"{type(self._chat).__name__} does not offer CJM_LLM_OUTPUT_METHOD="
                f"{self._method}: {fallback[0].message}"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> LangChainChatModel:
        provider, _ = split_provider(settings)
        return cls(provider_model(settings), settings, provider=provider)

    @property
    def name(self) -> str:
        for attr in ("model", "model_name", "model_id"):
            value = getattr(self._chat, attr, None)
            if isinstance(value, str) and value:
                return value
        return type(self._chat).__name__

    @property
    def endpoint_kind(self) -> str:
        return f"langchain:{self._provider}"

    @property
    def chat(self) -> BaseChatModel:
        return self._chat

    def close(self) -> None:
        """Close the HTTP client the model owns alone. LangChain shares the OpenAI and
        Anthropic SDKs' HTTP clients between every model of the process with the same endpoint
        (they are cached), so those are left open: closing one would break the others. The
        Ollama client is the model's own."""
        if not self._owns:
            return
        own = getattr(self._chat, "_client", None)
        if type(own).__module__.startswith("ollama"):
            close = getattr(getattr(own, "_client", None), "close", None)
            if callable(close):
                with contextlib.suppress(Exception):  # closing is best effort
                    close()

    def complete(self, request: ChatRequest) -> ChatReply:
        return traced_call(self.name, request, self._complete, **{"gen_ai.system": self._provider})

    def _complete(self, request: ChatRequest) -> ChatReply:
        chat = self._chat.model_copy(
            update={
                self._limit: request.max_output_tokens,
                "temperature": self.settings.llm_temperature,
            }
        )
        structured = chat.with_structured_output(
            _schema(request), method=self._method, include_raw=True
        )
        call: dict[str, Any] = {"timeout": request.timeout_s} if self._per_call_timeout else {}
        try:
            result = structured.invoke(_messages(request, self._method), **call)
        except Exception as exc:  # noqa: BLE001 - every provider raises its own types
            stopped = _stopped_reply(exc)
            if stopped is not None:
                return stopped
            raise provider_failure(
                exc, self.endpoint_kind, request.timeout_s, self._method
            ) from exc
        raw = result.get("raw") if isinstance(result, dict) else None
        from langchain_core.messages import AIMessage

        if not isinstance(raw, AIMessage):
            raise LLMRequestError(f"{self.endpoint_kind}: the model returned {type(raw).__name__}")
        finish, refusal = _finish(raw)
        usage: Mapping[str, Any] = raw.usage_metadata or {}
        return ChatReply(
            text=_text(raw),
            finish_reason=finish,
            refusal=refusal,
            usage=Usage(
                prompt_tokens=int(usage.get("input_tokens") or 0),
                completion_tokens=int(usage.get("output_tokens") or 0),
            ),
        )


def _provider_of(chat: BaseChatModel) -> str:
    """The provider's name as init_chat_model knows it, from the model's class (the class
    name where LangChain itself is not installed, only langchain-core)."""
    name = type(chat).__name__
    try:
        from langchain.chat_models.base import _BUILTIN_PROVIDERS
    except ImportError:
        return name
    for provider, entry in _BUILTIN_PROVIDERS.items():
        if entry[1] == name:
            return str(provider)
    return name

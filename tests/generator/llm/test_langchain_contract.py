"""The LangChain adapter passes the native client's contract through ``ChatOpenAI``,
``ChatAnthropic`` and ``ChatOllama``, built from ``CJM_LLM_PROVIDER`` as a user configures
them, their real SDKs' HTTP replayed from cassettes (``tests/cassettes/llm/langchain``; author
them again with ``CJM_AUTHOR_CASSETTES=1 pytest tests/generator/llm/test_langchain_contract.py``):
a valid answer with its usage, a re-ask after broken JSON, 429 with Retry-After waited out, a
5xx retried, a rejected request not retried, a refusal, a cut-off answer, a timeout (on a
loopback endpoint: a cassette cannot be late). One HTTP request per attempt proves the SDK's
own retries are off."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from generator.drafting.parts import PersonasPart
from generator.llm.errors import (
    LLMConfigError,
    LLMRequestError,
    ModelTaskFailed,
    OutputTruncated,
    RateLimited,
    ServerError,
    TransientLLMError,
)
from generator.llm.langchain_chat import LangChainChatModel
from generator.llm.structured import Asked
from tests.generator.llm.test_contract import PERSONA, ask_persona
from tests.helpers.llm.cassettes import CASSETTES
from tests.helpers.llm.providers import PROVIDERS, Reply, chat, loopback, settings
from tests.helpers.llm.wire import authoring

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PERSIAN = (
    '{"personas": [{"name": "مشتری همیشگی", "description": "هر روز ناهار سفارش می‌دهد", '
    '"goals": ["غذای گرم"], "frustrations": ["دیر رسیدن"], "quotes": [{"evidence_id": '
    '"ev_fa_late", "quote": "سفارشم دیر رسید و سرد بود، نمی‌شه"}]}]}'
)
METHODS = ("json_schema", "function_calling")


@pytest.fixture
def name(request: pytest.FixtureRequest) -> str:
    return f"{request.node.name}.yaml"


def sent(name: str) -> list[dict[str, Any]]:
    """The request bodies the SDK sent, as the cassette holds them."""
    recorded = yaml.safe_load((CASSETTES / "langchain" / name).read_text(encoding="utf-8"))
    return [json.loads(i["request"]["body"]) for i in recorded["interactions"]]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_valid_answer_is_parsed_with_usage(provider: str, method: str, name: str) -> None:
    asked = Asked()
    with chat(provider, [Reply(PERSIAN)], name, llm_output_method=method) as model:
        part = ask_persona(model, [], asked)
    quote = part.personas[0].quotes[0].quote
    assert quote == "سفارشم دیر رسید و سرد بود، نمی‌شه" and "\u200c" in quote  # ZWNJ kept
    call = asked.calls[0]
    assert call.attempts == 1 and call.prompt_tokens == 900 and call.completion_tokens > 0
    body = sent(name)[0]
    # The schema the seam asked for reaches the provider in its own form, strict and named.
    text = json.dumps(body, ensure_ascii=False)
    assert '"additionalProperties": false' in text and "personas" in text
    # The output limit and temperature, in the field each provider reads.
    limit = {"openai": "max_completion_tokens", "anthropic": "max_tokens"}.get(provider)
    if limit:
        assert body[limit] == 4096 and body["temperature"] == 0.2
    else:
        assert body["options"] == {"num_predict": 4096, "temperature": 0.2}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_broken_json_is_reasked(provider: str, name: str) -> None:
    asked = Asked()
    replies = [Reply('{"personas": [{"name": "Занятой'), Reply(PERSONA)]
    with chat(provider, replies, name, llm_output_method="json_schema") as model:
        assert ask_persona(model, [], asked).personas
    assert asked.calls[0].attempts == 2
    reask = sent(name)[1]["messages"]
    assert "not valid JSON" in json.dumps(reask[-1], ensure_ascii=False)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_rate_limit_is_waited_out_one_request_per_attempt(provider: str, name: str) -> None:
    sleeps: list[float] = []
    asked = Asked()
    with chat(provider, [Reply(status=429, retry_after="2"), Reply(PERSONA)], name) as model:
        ask_persona(model, sleeps, asked)
    # The endpoint's Retry-After is honoured by the seam; the SDK sent nothing of its own.
    assert sleeps == [2.0] and asked.calls[0].attempts == 2 and len(sent(name)) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
def test_server_error_then_answers(provider: str, name: str) -> None:
    sleeps: list[float] = []
    asked = Asked()
    with chat(provider, [Reply(status=503), Reply(PERSONA)], name) as model:
        assert ask_persona(model, sleeps, asked).personas
    assert asked.calls[0].attempts == 2 and len(sleeps) == 1 and len(sent(name)) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
def test_rejected_request_is_not_retried(provider: str, name: str) -> None:
    asked = Asked()
    with chat(provider, [Reply(status=401)], name) as model:
        with pytest.raises(ModelTaskFailed) as failed:
            ask_persona(model, [], asked)
    assert failed.value.cause is LLMRequestError and failed.value.attempts == 1
    assert "rejected the request (401)" in str(failed.value)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_refusal_fails_readably(provider: str, name: str) -> None:
    words = "I can't help with that."
    with chat(provider, [Reply(words, finish="refusal")], name) as model:
        with pytest.raises(ModelTaskFailed, match="the model refused") as failed:
            ask_persona(model, [], Asked())
    assert failed.value.attempts == 1 and words in str(failed.value)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_truncation_is_reported_not_retried(provider: str, name: str) -> None:
    with chat(provider, [Reply(PERSONA[:50], finish="length")], name) as model:
        with pytest.raises(OutputTruncated):
            ask_persona(model, [], Asked())


@pytest.mark.skipif(authoring(), reason="replayed only: a loopback endpoint, no cassette")
@pytest.mark.parametrize("provider", PROVIDERS)
def test_timeout_then_answers(provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real loopback endpoint that answers too late once: the SDK's timeout reaches the seam
    as a timeout, and the next attempt is answered."""
    for key, value in {"OPENAI_API_KEY": "sk-x", "ANTHROPIC_API_KEY": "sk-ant-x"}.items():
        monkeypatch.setenv(key, value)
    asked = Asked()
    replies = [Reply(PERSONA, delay=1.5), Reply(PERSONA)]
    with loopback(provider, replies) as endpoint:
        model = LangChainChatModel.from_settings(
            settings(provider, endpoint.origin, llm_timeout=0.5)
        )
        assert ask_persona(model, [], asked, timeout_s=0.5).personas
    assert asked.calls[0].attempts == 2 and len(endpoint.received) == 2


@pytest.mark.skipif(authoring(), reason="replayed only: a loopback endpoint, no cassette")
@pytest.mark.parametrize("provider", PROVIDERS)
def test_errors_map_to_the_seams_types(provider: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each SDK's own exceptions, raised by its real client, become the seam's errors."""
    for key, value in {"OPENAI_API_KEY": "sk-x", "ANTHROPIC_API_KEY": "sk-ant-x"}.items():
        monkeypatch.setenv(key, value)
    from generator.llm.interface import ChatRequest, Message

    request = ChatRequest("personas", (Message("user", "hi"),), PersonasPart, 64, 5)
    cases = [
        (Reply(status=429, retry_after="7"), RateLimited, 7.0),
        (Reply(status=502), ServerError, None),
        (Reply(status=400), LLMRequestError, None),
    ]
    for reply, kind, wait in cases:
        with loopback(provider, [reply]) as endpoint:
            model = LangChainChatModel.from_settings(settings(provider, endpoint.origin))
            with pytest.raises(kind) as raised:
                model.complete(request)
        assert getattr(raised.value, "retry_after", None) == wait
    model = LangChainChatModel.from_settings(settings(provider, "http://127.0.0.1:9"))
    with pytest.raises(TransientLLMError, match="could not reach langchain:" + provider):
        model.complete(request)


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in {"OPENAI_API_KEY": "sk-x", "ANTHROPIC_API_KEY": "sk-ant-x"}.items():
        monkeypatch.setenv(key, value)
    yield


@pytest.mark.usefixtures("keys")
def test_an_output_method_the_provider_lacks_is_refused_at_once() -> None:
    with pytest.raises(LLMConfigError, match="json_mode"):
        LangChainChatModel.from_settings(
            settings("anthropic", "http://127.0.0.1:9", llm_output_method="json_mode")
        )


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_json_mode_puts_the_schema_in_the_prompt(provider: str, name: str) -> None:
    """For models that only promise JSON: the schema goes into the system message, as the
    native client sends it, and the provider is asked for a JSON object."""
    with chat(provider, [Reply(PERSONA)], name, llm_output_method="json_mode") as model:
        assert ask_persona(model, [], Asked()).personas
    body = sent(name)[0]
    system = body["messages"][0]["content"]
    assert system.startswith("Answer in Thai.") and "validates against this JSON schema" in system
    assert '"personas"' in system
    if provider == "openai":
        assert body["response_format"] == {"type": "json_object"}
    else:
        assert body["format"] == "json"

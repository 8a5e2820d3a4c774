"""Building a LangChain model from cjm's settings, or taking one a Python user built: the SDK's
retries off, settings LangChain would drop refused with a clear error, every error naming the
setting to change."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from langchain_anthropic import ChatAnthropic
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI

from generator.llm.errors import LLMConfigError
from generator.llm.factory import configured_model
from generator.llm.langchain_chat import LangChainChatModel
from knowledge.platform.settings import Settings


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")


def build(**values: Any) -> LangChainChatModel:
    model = configured_model(Settings(**values))
    assert isinstance(model, LangChainChatModel)
    return model


def test_the_provider_setting_builds_the_model_with_the_sdk_retries_off() -> None:
    model = build(llm_provider="anthropic:claude-sonnet-4-5", llm_timeout=42)
    chat = model.chat
    assert isinstance(chat, ChatAnthropic) and chat.max_retries == 0
    assert chat._client.max_retries == 0 and chat.default_request_timeout == 42
    assert model.name == "claude-sonnet-4-5" and model.endpoint_kind == "langchain:anthropic"
    # The model name keeps its colons; a bare provider takes CJM_LLM_MODEL.
    ollama = build(llm_provider="ollama:qwen2.5:14b").chat
    assert isinstance(ollama, ChatOllama) and ollama.model == "qwen2.5:14b"
    assert build(llm_provider="ollama", llm_model="llama3.1:8b").name == "llama3.1:8b"


def test_the_provider_wins_over_the_native_client_and_takes_its_base_url() -> None:
    model = build(llm_provider="ollama:qwen2.5:14b", llm_base_url="http://gpu-box:11434")
    assert isinstance(model.chat, ChatOllama) and model.chat.base_url == "http://gpu-box:11434"


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        ({"max_tokens": 512}, "output-token limit per request"),
        ({"num_predict": 512}, "output-token limit per request"),
        ({"max_retries": 3}, "cjm retries itself"),
        ({"temperature": 0.9}, "CJM_LLM_TEMPERATURE"),
        ({"num_ctxx": 16384}, "ChatOllama has no option 'num_ctxx'"),
    ],
)
def test_options_ollama_would_drop_or_cjm_owns_are_refused(
    options: dict[str, Any], refusal: str
) -> None:
    with pytest.raises(LLMConfigError, match=refusal):
        build(llm_provider="ollama:qwen2.5:14b", llm_provider_options=options)


def test_options_the_model_takes_reach_it() -> None:
    model = build(llm_provider="ollama:qwen2.5:14b", llm_provider_options={"num_ctx": 16384})
    assert isinstance(model.chat, ChatOllama) and model.chat.num_ctx == 16384


def test_options_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CJM_LLM_PROVIDER", "ollama:qwen2.5:14b")
    monkeypatch.setenv("CJM_LLM_PROVIDER_OPTIONS", '{"num_ctx": 8192, "keep_alive": "10m"}')
    model = configured_model(Settings())
    assert isinstance(model, LangChainChatModel) and model.chat.num_ctx == 8192  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"llm_provider": "anthropic"}, "names no model"),
        ({"llm_provider": "groq:llama-3.3-70b"}, "langchain-groq"),
        ({"llm_provider": "nosuch:model"}, "knows no provider 'nosuch'; it knows anthropic"),
        ({"llm_provider": "mistralai:mistral-large"}, "langchain-mistralai"),
        (
            {"llm_provider": "anthropic:claude-sonnet-4-5", "llm_api_key_env": "NO_SUCH_KEY_VAR"},
            "NO_SUCH_KEY_VAR, which is not set",
        ),
    ],
)
def test_configuration_mistakes_name_what_to_change(values: dict[str, Any], message: str) -> None:
    with pytest.raises(LLMConfigError, match=message) as failed:
        configured_model(Settings(**values))
    assert failed.value.exit_code == 2 and failed.value.http_status == 503


def test_the_key_comes_from_the_variable_cjm_is_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAM_CLAUDE_KEY", "sk-ant-team")
    chat = build(llm_provider="anthropic:claude-sonnet-4-5", llm_api_key_env="TEAM_CLAUDE_KEY")
    assert chat.chat.anthropic_api_key.get_secret_value() == "sk-ant-team"  # type: ignore[attr-defined]


def test_a_model_a_python_user_built_has_its_retries_turned_off() -> None:
    """Passed in with the SDK's default retries and its own HTTP client: rebuilt from the
    arguments it was given, with the client kept and the retries off."""
    client = httpx2.Client()
    given = ChatOpenAI(model="gpt-4o-mini", http_client=client)  # the SDK's 2 retries
    model = LangChainChatModel(given, Settings())
    assert model.chat is not given and model.chat.max_retries == 0  # type: ignore[attr-defined]
    assert model.chat.root_client.max_retries == 0  # type: ignore[attr-defined]
    assert model.chat.http_client is client  # type: ignore[attr-defined]
    claude = LangChainChatModel(ChatAnthropic(model="claude-sonnet-4-5"), Settings()).chat
    assert claude._client.max_retries == 0  # type: ignore[attr-defined]
    client.close()


def test_a_model_that_cannot_limit_its_answers_is_refused() -> None:
    fake = GenericFakeChatModel(messages=iter([]))
    with pytest.raises(LLMConfigError, match="cannot limit its answers' length"):
        LangChainChatModel(fake, Settings())


def test_health_reports_a_provider_without_calling_it() -> None:
    ok = build_part(Settings(llm_provider="anthropic:claude-sonnet-4-5"))
    assert ok["status"] == "ok" and ok["provider"] == "anthropic" and ok["probed"] is False
    down = build_part(Settings(llm_provider="groq:llama-3.3-70b"))
    assert down["status"] == "down" and "langchain-groq" in down["reason"]


def build_part(settings: Settings) -> dict[str, Any]:
    from api.http.health import provider_part

    return provider_part(settings)


def test_bedrock_and_gemini_are_built_with_one_attempt_and_cjms_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The two providers a base URL cannot reach (SigV4, Google's own client): botocore makes
    one attempt in all, both take CJM_LLM_TIMEOUT, and cjm limits the output in their field."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "AKIATEST",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "GOOGLE_API_KEY": "test",
    }.items():
        monkeypatch.setenv(name, value)
    bedrock = build(
        llm_provider="bedrock_converse:anthropic.claude-sonnet-4-5-v1:0", llm_timeout=30.5
    )
    config = bedrock.chat.client.meta.config  # type: ignore[attr-defined]
    assert config.retries["total_max_attempts"] == 1 and config.read_timeout == 31
    assert bedrock._limit == "max_tokens" and bedrock.endpoint_kind == "langchain:bedrock_converse"
    gemini = build(llm_provider="google_genai:gemini-2.5-pro", llm_timeout=42)
    assert gemini.chat.max_retries == 0 and gemini.chat.timeout == 42  # type: ignore[attr-defined]
    assert gemini._limit == "max_output_tokens"


def test_bedrock_and_gemini_errors_map_to_the_seams_types() -> None:
    from botocore.exceptions import (  # type: ignore[import-untyped]
        ClientError,
        ReadTimeoutError,
    )
    from google.genai import errors

    from generator.llm.errors import LLMRequestError, LLMTimeout, RateLimited, ServerError
    from generator.llm.langchain_chat import provider_failure

    def bedrock(code: str, status: int, headers: dict[str, str] | None = None) -> Any:
        meta = {"HTTPStatusCode": status, "HTTPHeaders": headers or {}}
        error = {"Code": code, "Message": "said the service"}
        return ClientError({"Error": error, "ResponseMetadata": meta}, "Converse")

    throttled = provider_failure(
        bedrock("ThrottlingException", 400, {"retry-after": "3"}), "b", 5, "json_schema"
    )
    assert isinstance(throttled, RateLimited) and throttled.retry_after == 3.0
    assert isinstance(
        provider_failure(bedrock("ServiceUnavailableException", 503), "b", 5, "json_schema"),
        ServerError,
    )
    rejected = provider_failure(bedrock("ValidationException", 400), "b", 5, "json_schema")
    assert isinstance(rejected, LLMRequestError) and "function_calling" in str(rejected)
    late = provider_failure(ReadTimeoutError(endpoint_url="https://bedrock"), "b", 5, "json_schema")
    assert isinstance(late, LLMTimeout)
    exhausted = errors.ClientError(429, {"error": {"code": 429, "message": "Resource exhausted"}})
    assert isinstance(provider_failure(exhausted, "g", 5, "json_schema"), RateLimited)
    down = errors.ServerError(500, {"error": {"code": 500, "message": "internal"}})
    assert isinstance(provider_failure(down, "g", 5, "json_schema"), ServerError)


def test_azure_openai_signs_in_with_a_managed_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """``azure_openai`` with ``{"azure_ad_token_provider": "azure-identity"}``: no key, the
    bearer token comes from azure-identity's DefaultAzureCredential (here a stand-in module,
    as the package would be on an Azure VM), reaches the endpoint, and the API version is
    CJM_LLM_AZURE_API_VERSION."""
    import sys
    import types

    from generator.llm.interface import ChatRequest, Message
    from tests.generator.llm.test_contract import PERSONA
    from tests.helpers.llm.providers import Reply, loopback

    scopes: list[str] = []
    identity = types.ModuleType("azure.identity")

    class DefaultAzureCredential:  # what azure-identity offers, in miniature
        pass

    def get_bearer_token_provider(credential: Any, scope: str) -> Any:
        assert isinstance(credential, DefaultAzureCredential)
        scopes.append(scope)
        return lambda: "token-of-the-managed-identity"

    identity.DefaultAzureCredential = DefaultAzureCredential  # type: ignore[attr-defined]
    identity.get_bearer_token_provider = get_bearer_token_provider  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "azure.identity", identity)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("AZURE_OPENAI_API_KEY", raising=False)
    from generator.drafting.parts import PersonasPart

    request = ChatRequest("personas", (Message("system", "Answer in Thai."),), PersonasPart, 64, 5)
    with loopback("openai", [Reply(PERSONA)]) as endpoint:
        model = build(
            llm_provider="azure_openai:gpt-4o-mini",
            llm_base_url=endpoint.origin,
            llm_azure_api_version="2024-10-21",
            llm_provider_options={"azure_ad_token_provider": "azure-identity"},
        )
        assert model.complete(request).text == PERSONA
    assert scopes == ["https://cognitiveservices.azure.com/.default"]
    assert endpoint.headers[0]["authorization"] == "Bearer token-of-the-managed-identity"
    assert "api-version=2024-10-21" in endpoint.paths[0]
    assert "/deployments/gpt-4o-mini/chat/completions" in endpoint.paths[0]
    with pytest.raises(LLMConfigError, match="takes 'azure-identity'"):
        build(
            llm_provider="azure_openai:gpt-4o-mini",
            llm_base_url=endpoint.origin,
            llm_provider_options={"azure_ad_token_provider": "my-function"},
        )

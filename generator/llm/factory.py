"""The configured chat model, if any."""

from __future__ import annotations

from generator.llm.interface import ChatModel
from knowledge.platform.settings import Settings


def configured_model(settings: Settings) -> ChatModel | None:
    """The LangChain model CJM_LLM_PROVIDER names, else the native OpenAI-compatible client when
    CJM_LLM_BASE_URL is set, else None (evidence-only)."""
    if settings.llm_provider:
        from generator.llm.langchain_chat import LangChainChatModel

        return LangChainChatModel.from_settings(settings)
    if not settings.llm_base_url:
        return None
    from generator.llm.openai_chat import OpenAIChatModel

    return OpenAIChatModel(settings)

"""The configured chat model, if any."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def given_model(model: Any) -> Callable[[Settings], ChatModel]:
    """A model factory for a model a Python caller built: a ``ChatModel`` as it is, or any
    LangChain ``BaseChatModel`` behind the seam (its SDK's retries turned off once, here, so a
    mistake shows when the app is made, not at the first draft). The caller's model is shared
    by every job and never closed by them."""
    if callable(getattr(model, "complete", None)):
        return lambda settings: model
    from generator.llm.langchain_chat import LangChainChatModel, without_sdk_retries

    chat = without_sdk_retries(model)
    return lambda settings: LangChainChatModel(chat, settings, owns=False)

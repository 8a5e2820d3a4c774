"""The configured chat model, if any."""

from __future__ import annotations

from generator.llm.interface import ChatModel
from knowledge.platform.settings import Settings


def configured_model(settings: Settings) -> ChatModel | None:
    """The OpenAI-compatible client when CJM_LLM_BASE_URL is set, else None (evidence-only)."""
    if not settings.llm_base_url:
        return None
    from generator.llm.openai_chat import OpenAIChatModel

    return OpenAIChatModel(settings)

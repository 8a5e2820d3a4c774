"""vcrpy set-up for the OpenAI-compatible client's tests.

Cassettes live in ``tests/cassettes/llm/<test name>.yaml``. They replay only (record mode
"none"): a request that is not in its cassette fails, the conftest network guard blocks any
socket, and a test whose cassette was not fully played fails. Secrets are scrubbed from
recorded headers; bodies are stored as readable UTF-8 YAML, never normalised (Persian, Thai and
Chinese quotes stay byte-for-byte).

Re-record against a real endpoint (replaces the authored cassettes of the recordable tests):

    CJM_RECORD_CASSETTES=1 CJM_LLM_BASE_URL=https://api.openai.com/v1 CJM_LLM_MODEL=gpt-4o-mini \\
        OPENAI_API_KEY=sk-... pytest tests/generator/llm/test_openai_client.py -m recordable

Re-author every cassette in the OpenAI wire format without an endpoint:

    python -m tests.helpers.llm.author_cassettes
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import vcr
import yaml

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "llm"
AUTHORED_BASE_URL = "https://llm.example.test/v1"
AUTHORED_MODEL = "gpt-4o-mini-2024-07-18"
SCRUB = [
    "authorization",
    "api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
    "x-api-key",
]
HEADER = (
    "# Authored in the exact OpenAI chat-completions wire format (no endpoint was available to\n"
    "# record against): requests are what the openai client sent; responses carry usage,\n"
    "# finish_reason and refusal fields as the API returns them. See\n"
    "# tests/helpers/llm/cassettes.py\n"
    "# for the command that re-records against a real endpoint.\n"
)


RECORDED = (
    "# Recorded against a real OpenAI-compatible endpoint (URL rewritten to the placeholder\n"
    "# host, secrets scrubbed). See tests/helpers/llm/cassettes.py to re-record.\n"
)


class UnicodeYaml:
    """Cassettes as readable UTF-8 YAML (Persian, Thai and Chinese stay as written) under a
    header saying how they were made."""

    def __init__(self, header: Callable[[], str]) -> None:
        self.header = header

    def serialize(self, data: dict[str, Any]) -> str:
        return self.header() + yaml.dump(
            data, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False, width=100
        )

    def deserialize(self, text: str) -> dict[str, Any]:
        return yaml.safe_load(text)  # type: ignore[no-any-return]


def recording() -> bool:
    return os.environ.get("CJM_RECORD_CASSETTES") == "1"


def _to_placeholder_host(request: Any) -> Any:
    """Recorded requests point at the placeholder endpoint, so cassettes replay anywhere and
    never name the real server."""
    real = (os.environ.get("CJM_LLM_BASE_URL") or "").rstrip("/")
    if real and request.uri.startswith(real):
        request.uri = AUTHORED_BASE_URL + request.uri[len(real) :]
    return request


def make_vcr(record_mode: str | None = None) -> vcr.VCR:
    v = vcr.VCR(
        before_record_request=_to_placeholder_host,
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode or ("all" if recording() else "none"),
        match_on=("method", "scheme", "host", "port", "path"),
        filter_headers=SCRUB,
        decode_compressed_response=True,
        serializer="unicode_yaml",
    )
    v.register_serializer("unicode_yaml", UnicodeYaml(lambda: RECORDED if recording() else HEADER))
    return v

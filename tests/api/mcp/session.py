"""The ``mcp`` SDK's own client for the tests: a session over Streamable HTTP (with an API
key, or none) or over stdio (a ``cjm mcp`` process), and the text of a tool's answer."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult, TextContent

ROOT = Path(__file__).resolve().parents[3]
TOOLS = {
    "search_evidence",
    "list_maps",
    "get_map",
    "top_pain_points",
    "ask_maps",
    "start_draft",
    "get_job",
    "add_comment",
}


@asynccontextmanager
async def over_http(url: str, key: str | None) -> AsyncIterator[ClientSession]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=60) as http,
        streamable_http_client(f"{url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


@asynccontextmanager
async def over_stdio(home: Path, *args: str) -> AsyncIterator[ClientSession]:
    """A ``cjm mcp`` process on CJM_HOME ``home`` (this checkout's code, no model)."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "api.cli.main", "mcp", *args],
        env={"CJM_HOME": str(home), "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    async with (
        stdio_client(params) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def text(result: CallToolResult) -> str:
    assert result.content and isinstance(result.content[0], TextContent), result
    return result.content[0].text


def answer(result: CallToolResult) -> Any:
    """A tool's JSON answer (after the note on fenced quotes, when it has one)."""
    assert not result.is_error, text(result)
    found = text(result)
    return json.loads(found if found.startswith("{") else found.split("\n\n", 1)[1])


def fenced_quotes(value: Any) -> list[tuple[str, str]]:
    """Every (evidence id, quote text) fenced in ``value``'s quote fields."""
    found: list[tuple[str, str]] = []
    if isinstance(value, list):
        for item in value:
            found += fenced_quotes(item)
    elif isinstance(value, dict):
        for item in value.values():
            found += fenced_quotes(item)
        quote = value.get("quote")
        if isinstance(quote, str) and "evidence_id" in value:
            match = re.fullmatch(
                r"\[\[evidence (\w+) id=(\S+) lang=\w+(?: flag=\w+)?\]\]\n(.*)\n"
                r"\[\[/evidence \1\]\]",
                quote,
                re.DOTALL,
            )
            assert match, f"an unfenced quote: {quote!r}"
            assert match[2] == value["evidence_id"]
            found.append((match[2], match[3]))
    return found

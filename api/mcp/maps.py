"""The workspace's maps for an agent: ``list_maps``, ``get_map`` (a whole version or one
stage) and ``top_pain_points`` (the numbers as the map stores them), and the approved maps as
resources (``cjm://maps`` lists them, ``cjm://maps/{map_id}`` is one, as JSON). Quotes come
fenced as untrusted customer text, beside their evidence ids."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from api.fencing import fence_quotes, quotes_note
from api.mcp.backend import Access
from api.mcp.errors import answered
from generator.qa.elements import ScopedMap
from generator.qa.scope import scope_maps
from knowledge.journey.model import JourneyMap, PainPoint, Stage
from knowledge.journey.review.repository import MapInfo, MapRepository
from knowledge.platform.errors import CJMError, NotFound
from knowledge.vocabulary import LanguageCode, MapLanguage
from prompts.fencing import Fence

MapId = Annotated[str, Field(min_length=1, max_length=100, description="The map's id.")]
Offset = Annotated[int, Field(ge=0, le=1_000_000, description="Maps to skip.")]
Limit = Annotated[int, Field(ge=1, le=200, description="Maps per page (at most 200).")]
StageId = Annotated[
    str | None,
    Field(
        max_length=100,
        description="A stage id (e.g. delivery): only that stage; default: the whole map.",
    ),
]
VersionNumber = Annotated[
    int | None, Field(ge=1, le=1_000_000, description="A version; default: the map's head.")
]
MapIds = Annotated[
    list[MapId],
    Field(
        max_length=20,
        description="Maps to rank (their head versions); empty: every "
        "approved map of the workspace (its approved version).",
    ),
]
EvidenceLang = Annotated[
    LanguageCode | None,
    Field(
        description="Only pain points customers raised in this language, ranked by how "
        "many of them did (then priority); default: all, ranked by priority."
    ),
]
Top = Annotated[int, Field(ge=1, le=100, description="How many pain points (1 to 100).")]


def summary(info: MapInfo) -> dict[str, Any]:
    found = asdict(info)
    found["updated_at"] = info.updated_at.isoformat()
    return found


def as_text(value: Any, fence: Fence) -> str:
    """JSON for an agent, its quotes fenced, after the note that says how."""
    data = json.dumps(fence_quotes(value, fence), ensure_ascii=False)
    return f"{quotes_note(fence)}\n\n{data}"


def pain_row(scoped: ScopedMap, stage: Stage, pain: PainPoint) -> dict[str, Any]:
    return {
        "map": scoped.map_id,
        "version": scoped.version,
        "map_language": scoped.journey.language,
        "stage": stage.id,
        "stage_name": stage.name.text,
        "path": f"stages/{stage.id}/pain_points/{pain.id}",
        **pain.model_dump(mode="json"),
    }


def ranked(
    maps: list[ScopedMap], stage: str | None, lang: str | None, top: int
) -> list[dict[str, Any]]:
    """The maps' pain points (of ``stage``; raised in ``lang``), highest first: by priority
    (frequency x severity, as the map stores it), or by how many customers raised the point in
    ``lang``, then priority."""
    found: list[tuple[float, float, dict[str, Any]]] = []
    for scoped in maps:
        for s in scoped.journey.stages:
            if stage is not None and s.id != stage:
                continue
            for pain in s.pain_points:
                count = next((c.count for c in pain.language_counts if c.lang == lang), 0)
                if lang is not None and count == 0:
                    continue
                found.append((count, pain.priority, pain_row(scoped, s, pain)))
    found.sort(key=lambda item: (-item[0], -item[1]))
    return [row for _count, _priority, row in found[:top]]


def approved_map(repo: MapRepository, workspace: str, map_id: str) -> tuple[MapInfo, JourneyMap]:
    info = repo.get(workspace, map_id)
    if info.approved_version is None:
        raise NotFound(f"map {map_id} has no approved version")
    return info, repo.version(workspace, map_id, info.approved_version).journey


def register(server: MCPServer, access: Access) -> None:
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    def repo() -> MapRepository:
        return MapRepository(access.backend().library.db)

    @server.tool(
        description="The workspace's journey maps, newest first: id, title, type, language, "
        "status (draft, in_review, changes_requested, approved), head version and approved "
        "version.",
        annotations=read_only,
        structured_output=False,
    )
    def list_maps(ctx: Context, offset: Offset = 0, limit: Limit = 50) -> str:
        with answered():
            caller = access.caller(ctx)
            infos, total = repo().list_maps(caller.workspace, offset, limit)
            page = {"items": [summary(i) for i in infos], "total": total}
            return json.dumps(page | {"offset": offset, "limit": limit}, ensure_ascii=False)

    @server.tool(
        description="A journey map by id (its head version, or the version given), as JSON: "
        "personas, stages with actions, thoughts, emotions, touchpoints, pain points (severity, "
        "frequency, priority, counts per language), delighters, opportunities, and "
        "recommendations; with stage, only that stage. Quotes come fenced as customer text "
        "with their evidence ids.",
        annotations=read_only,
        structured_output=False,
    )
    def get_map(
        ctx: Context, map_id: MapId, stage: StageId = None, version: VersionNumber = None
    ) -> str:
        with answered():
            caller = access.caller(ctx)
            maps = repo()
            info = maps.get(caller.workspace, map_id)
            stored = maps.version(caller.workspace, map_id, version)
            journey = stored.journey
            out: dict[str, Any] = summary(info) | {"version": stored.number}
            if stage is None:
                out["content"] = journey.model_dump(mode="json")
            else:
                chosen = next((s for s in journey.stages if s.id == stage), None)
                if chosen is None:
                    ids = ", ".join(s.id for s in journey.stages)
                    raise ToolError(f"map {map_id} has no stage {stage!r}; its stages: {ids}")
                out["stage"] = chosen.model_dump(mode="json")
            return as_text(out, Fence())

    @server.tool(
        description="The pain points that hurt most, across the approved maps or the maps "
        "named, optionally of one stage and one customer language: each with its map, stage, "
        "severity (1 to 3), frequency, priority (frequency x severity) and counts per "
        "language as the map stores them, and its quotes fenced as customer text with "
        "evidence ids.",
        annotations=read_only,
        structured_output=False,
    )
    def top_pain_points(
        ctx: Context,
        maps: MapIds = [],  # noqa: B006 - pydantic copies defaults
        stage: StageId = None,
        lang: EvidenceLang = None,
        top: Top = 10,
    ) -> str:
        with answered():
            caller = access.caller(ctx)
            scoped = scope_maps(repo(), caller.workspace, maps or None)
            if not scoped:
                raise ToolError("no maps in scope: name them with maps, or approve one first")
            if stage is not None and all(
                stage not in {s.id for s in m.journey.stages} for m in scoped
            ):
                raise ToolError(f"no map in scope has a stage {stage!r}")
            return as_text({"pain_points": ranked(scoped, stage, lang, top)}, Fence())

    @server.resource(
        "cjm://maps{?lang}",
        name="approved maps",
        description="The workspace's approved maps (optionally of one language): id, title, "
        "language, approved version and the resource URI of each.",
        mime_type="application/json",
    )
    def approved_maps(ctx: Context, lang: MapLanguage | None = None) -> str:
        caller = access.caller(ctx)
        try:
            maps = scope_maps(repo(), caller.workspace, None)
        except CJMError as exc:
            raise ResourceError(str(exc)) from exc
        listed = [
            {
                "id": m.map_id,
                "title": m.journey.title.text,
                "language": m.journey.language,
                "map_type": m.journey.map_type,
                "approved_version": m.version,
                "uri": f"cjm://maps/{m.map_id}",
            }
            for m in maps
            if lang is None or m.journey.language == lang
        ]
        return json.dumps({"maps": listed}, ensure_ascii=False)

    @server.resource(
        "cjm://maps/{map_id}",
        name="approved map",
        description="An approved map of the workspace (its approved version) as JSON; quotes "
        "are fenced as untrusted customer text beside their evidence ids.",
        mime_type="application/json",
    )
    def approved_map_resource(ctx: Context, map_id: str) -> str:
        caller = access.caller(ctx)
        try:
            info, journey = approved_map(repo(), caller.workspace, map_id)
        except NotFound as exc:
            raise ResourceNotFoundError(f"not found: {exc}") from exc
        except CJMError as exc:
            raise ResourceError(str(exc)) from exc
        fence = Fence()
        content = fence_quotes(journey.model_dump(mode="json"), fence)
        return json.dumps(
            {
                "note": quotes_note(fence),
                "id": info.id,
                "approved_version": info.approved_version,
                "content": content,
            },
            ensure_ascii=False,
        )

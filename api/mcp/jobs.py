"""``start_draft`` (a new map drafted as a job, as POST ``/drafts`` starts one) and ``get_job``
(a job's status, progress, and result or reason)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from api.mcp.backend import Access
from api.mcp.errors import answered
from api.mcp.evidence import Kinds, Label
from knowledge.platform.jobs import Job, JobStore
from knowledge.vocabulary import MapLanguage, MapType

JobId = Annotated[str, Field(min_length=1, max_length=100, description="The job's id.")]
Framework = Literal["aida", "six_stage", "purchase", "food_delivery"]
Personas = Annotated[int, Field(ge=0, le=8, description="How many personas (0 to 8).")]
Goal = Annotated[
    str | None,
    Field(max_length=2000, description="What the map is for; a future state's goals."),
]
FromMap = Annotated[
    str | None,
    Field(
        max_length=100,
        description="future_state: the stored current-state map it starts from.",
    ),
]
EvidenceLangs = Annotated[
    list[MapLanguage], Field(max_length=5, description="Only evidence in these languages.")
]


def job_view(job: Job) -> dict[str, Any]:
    """The job as a client sees it (who started it by name; never their key)."""
    found = asdict(job)
    for hidden in ("caller_key", "caller_role"):
        found.pop(hidden, None)
    found["created_at"] = job.created_at.isoformat()
    found["updated_at"] = job.updated_at.isoformat()
    if job.result and "map_id" in job.result:
        found["next"] = f"get_map with map_id {job.result['map_id']}"
    elif job.status in ("queued", "running"):
        found["next"] = f"get_job with job_id {job.id} again in a few seconds"
    return found


def register(server: MCPServer, access: Access) -> None:
    @server.tool(
        description="Start drafting a journey map from the workspace's evidence, as a job "
        "(editor role or above): the configured model writes it, else it is evidence-only. "
        "Answers the queued job; follow it with get_job. The finished job names the stored "
        "map (version 1, status draft).",
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=False
        ),
        structured_output=False,
    )
    def start_draft(
        ctx: Context,
        lang: MapLanguage = "en",
        map_type: MapType = "current_state",
        framework: Framework = "six_stage",
        personas: Personas = 3,
        goal: Goal = None,
        from_map: FromMap = None,
        kinds: Kinds = [],  # noqa: B006 - pydantic copies defaults
        evidence_langs: EvidenceLangs = [],  # noqa: B006
        product: Label = None,
        segment: Label = None,
    ) -> str:
        with answered():
            caller = access.caller(ctx)
            spec = {
                "lang": lang,
                "map_type": map_type,
                "framework": framework,
                "personas": personas,
                "goal": goal,
                "from_map": from_map,
                "kinds": kinds,
                "evidence_langs": evidence_langs,
                "product": product,
                "segment": segment,
            }
            job = access.backend().start_draft(caller, spec)
            return json.dumps(job_view(job), ensure_ascii=False)

    @server.tool(
        description="A job of the workspace: queued, running (with progress), succeeded (with "
        "its result, e.g. the drafted map's id) or failed (with the reason).",
        annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False),
        structured_output=False,
    )
    def get_job(ctx: Context, job_id: JobId) -> str:
        with answered():
            caller = access.caller(ctx)
            job = JobStore(access.backend().library.db).get(caller.workspace, job_id)
            return json.dumps(job_view(job), ensure_ascii=False)

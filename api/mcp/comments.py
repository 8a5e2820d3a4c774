"""``add_comment``: a comment on an element of a map (editor role or above), as the review
page and POST ``/maps/{id}/comments`` add one; its text is kept as written."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import AfterValidator, Field

from api.mcp.backend import Access
from api.mcp.errors import answered
from api.mcp.maps import MapId
from knowledge.journey.review import actions as review
from knowledge.journey.review.repository import MapRepository
from knowledge.journey.strings import clean_text

Anchor = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        description="The element commented on, as a path in the map: stages/delivery, "
        "stages/delivery/pain_points/pp-delivery-1, personas/0/name ...",
    ),
]
CommentBody = Annotated[
    str,
    Field(min_length=1, max_length=8000, description="The comment, in any language."),
    AfterValidator(clean_text),  # control characters only; the text is kept as written
]
ParentId = Annotated[
    str | None, Field(max_length=100, description="A comment to reply to (c_...).")
]


def register(server: MCPServer, access: Access) -> None:
    @server.tool(
        description="Comment on an element of a map (editor role or above; a viewer is "
        "refused). A reply names its parent comment and lands on the parent's element. "
        "Answers the stored comment with its id.",
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=False
        ),
        structured_output=False,
    )
    def add_comment(
        ctx: Context,
        map_id: MapId,
        anchor: Anchor,
        body: CommentBody,
        parent_id: ParentId = None,
    ) -> str:
        with answered():
            caller = access.caller(ctx)
            repo = MapRepository(access.backend().library.db)
            comment = review.comment(repo, caller, map_id, anchor, body, parent_id)
            found = asdict(comment)
            found["created_at"] = comment.created_at.isoformat()
            return json.dumps(found, ensure_ascii=False)

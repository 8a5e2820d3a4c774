"""``ask_maps``: a question about the workspace's maps answered as ``cjm ask`` and POST
``/questions`` answer it — in the asker's language, citing map elements and evidence, with the
numbers computed from the maps' data; without a configured model, composed from that data."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from api.mcp.backend import Access
from api.mcp.errors import answered
from api.mcp.maps import MapId, as_text
from generator.qa.answer import Asker
from generator.qa.scope import scope_maps
from knowledge.journey.review.repository import MapRepository
from knowledge.vocabulary import LISTED, MapLanguage
from prompts.fencing import Fence

NO_MODEL = (
    "no language model is configured on this server, so this answer is composed from the "
    "maps' data (counts, priorities and quotes as the maps store them)"
)
Question = Annotated[
    str, Field(min_length=1, max_length=2000, description=f"The question, in any of {LISTED}.")
]
Maps = Annotated[
    list[MapId],
    Field(
        max_length=20,
        description="Maps to ask about (their head versions); empty: every approved map.",
    ),
]
AnswerLang = Annotated[
    MapLanguage | None, Field(description="Answer language; default: the question's.")
]


def register(server: MCPServer, access: Access) -> None:
    @server.tool(
        description="Ask a question about the workspace's customer journey maps (default: the "
        "approved ones). The answer (JSON) is in the question's language and cites map "
        "elements and evidence ids with their quotes (fenced as customer text); counts and "
        "priorities come from the maps' data. When the maps do not answer it, it says so.",
        annotations=ToolAnnotations(read_only_hint=True, open_world_hint=True),
        structured_output=False,
    )
    def ask_maps(
        ctx: Context,
        question: Question,
        maps: Maps = [],  # noqa: B006 - pydantic copies defaults
        lang: AnswerLang = None,
    ) -> str:
        with answered():
            caller = access.caller(ctx)
            backend = access.backend()
            scoped = scope_maps(MapRepository(backend.library.db), caller.workspace, maps or None)
            model = backend.model_factory(backend.settings)
            try:
                asker = Asker(backend.library, model, backend.settings, fallback=True)
                answer = asker.ask(question, scoped, lang).as_dict()
            finally:
                if model is not None:
                    model.close()
            if model is None and answer["note"] is None:
                answer["note"] = NO_MODEL
            return as_text(answer, Fence())

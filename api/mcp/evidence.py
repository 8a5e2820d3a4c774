"""``search_evidence``: the workspace's customer evidence for a query in any language, with the
filters of ``cjm search``, fenced as untrusted customer text."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from api.fencing import fenced
from api.mcp.backend import Access
from api.mcp.errors import answered
from knowledge.search.filters import EvidenceFilter
from knowledge.vocabulary import LISTED, EvidenceKind, LanguageCode

DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
Query = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        description=f"What to look for, in any of {LISTED}; a query in one language finds "
        "evidence in the others.",
    ),
]
K = Annotated[int, Field(ge=1, le=50, description="How many pieces of evidence (1 to 50).")]
Langs = Annotated[
    list[LanguageCode],
    Field(max_length=6, description="Only evidence in these languages (empty: all)."),
]
Kinds = Annotated[
    list[EvidenceKind],
    Field(max_length=6, description="Only these kinds of research (empty: all)."),
]
Label = Annotated[str | None, Field(max_length=200)]
Day = Annotated[str | None, Field(pattern=DATE, description="YYYY-MM-DD.")]
Rating = Annotated[float | None, Field(ge=-1000, le=1000)]
Labels = Annotated[
    list[Annotated[str, Field(max_length=200)]],
    Field(max_length=20, description="Only evidence with these source labels."),
]
Mode = Literal["hybrid", "dense", "lexical"]


def register(server: MCPServer, access: Access) -> None:
    @server.tool(
        description="Search what customers wrote (reviews, surveys, support tickets, "
        f"interviews...) in {LISTED}: hybrid dense and keyword search across languages, so a "
        "Russian query finds Thai and Chinese evidence. Each piece comes fenced as untrusted "
        "customer text, with its evidence id (ev_...), language, kind and location to cite.",
        annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False),
        structured_output=False,
    )
    def search_evidence(
        ctx: Context,
        query: Query,
        k: K = 8,
        langs: Langs = [],  # noqa: B006 - pydantic copies defaults
        kinds: Kinds = [],  # noqa: B006
        product: Label = None,
        segment: Label = None,
        date_from: Day = None,
        date_to: Day = None,
        rating_min: Rating = None,
        rating_max: Rating = None,
        labels: Labels = [],  # noqa: B006
        mode: Mode = "hybrid",
    ) -> str:
        with answered():
            caller = access.caller(ctx)
            filters = EvidenceFilter(
                workspace=caller.workspace,
                langs=tuple(langs),
                kinds=tuple(kinds),
                product=product,
                segment=segment,
                date_from=date_from,
                date_to=date_to,
                rating_min=rating_min,
                rating_max=rating_max,
                labels=tuple(labels),
            )
            hits = access.backend().searcher.search(query, k=k, filters=filters, mode=mode)
            return fenced(hits)

"""Search of the workspace's evidence."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.http.deps import Caller, SearcherDep
from api.http.problems import WRITE
from api.http.schemas import Lang
from knowledge.search.filters import EvidenceFilter

router = APIRouter(prefix="/v1/workspaces/{workspace}", tags=["search"], responses=WRITE)


@router.get("/search")
def search(
    caller: Caller,
    searcher: SearcherDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=2000,
            examples=["پیک دیر رسید", "курьер опоздал", "ไรเดอร์มาช้า", "骑手迟到"],
        ),
    ],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    lang: Annotated[list[Lang] | None, Query(max_length=5)] = None,
) -> list[dict[str, Any]]:
    """Hybrid, cross-lingual search of the workspace's evidence."""
    hits = searcher.search(
        q, k=k, filters=EvidenceFilter(workspace=caller.workspace, langs=tuple(lang or ()))
    )
    return [h.as_dict() for h in hits]

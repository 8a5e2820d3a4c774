"""The research library for LangChain agents and chains: ``EvidenceRetriever`` (the product's
hybrid, language-centred search — a Russian query finds Thai and Chinese evidence — as a
``BaseRetriever``) and the tools ``search_customer_evidence`` and ``ask_journey_maps``.

Agents are another way in, beside the CLI and HTTP; like the CLI, they act as the local user on
the configured library (``CJM_HOME``, ``CJM_DATABASE_URL``...). Evidence is customer text, not
instructions: a tool's answer fences it between markers with a per-call random token and marks
text that addresses an AI, so an agent can tell the data from its orders.

    pip install 'cjm[langchain]'

Needs ``langchain-core`` (the ``langchain`` extra); importing this module without it fails
with the command that installs it.
"""

from __future__ import annotations

import json

try:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.tools import StructuredTool
except ImportError as exc:  # pragma: no cover - the extra is part of the dev install
    raise ImportError("api.langchain needs LangChain: pip install 'cjm[langchain]'") from exc
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from api.fencing import fenced
from generator.llm.factory import configured_model
from generator.qa.answer import Asker
from generator.qa.scope import scope_maps
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings, get_settings
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.search.searcher import Hit, Searcher
from knowledge.text.hygiene import addresses_ai
from knowledge.vocabulary import LISTED

MAX_K = 100


class EvidenceRetriever(BaseRetriever):
    """Customer evidence of one workspace for a query in any language, as ``Document``s whose
    metadata carry the evidence id, language, kind, source location and score.

    ``EvidenceRetriever(workspace="ir-delivery", langs=["th", "zh"], kinds=["review"])`` opens
    the configured library; pass ``library=`` to share an open one (then closing is yours)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    workspace: str = "default"
    k: int = Field(default=10, ge=1, le=MAX_K)
    langs: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    product: str | None = None
    segment: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    rating_min: float | None = None
    rating_max: float | None = None
    labels: list[str] = Field(default_factory=list)
    library: Library | None = None
    _owned: Library | None = PrivateAttr(default=None)
    _searcher: Searcher | None = PrivateAttr(default=None)

    def _filters(self) -> EvidenceFilter:
        return EvidenceFilter(
            workspace=self.workspace,
            langs=tuple(self.langs),
            kinds=tuple(self.kinds),
            product=self.product,
            segment=self.segment,
            date_from=self.date_from,
            date_to=self.date_to,
            rating_min=self.rating_min,
            rating_max=self.rating_max,
            labels=tuple(self.labels),
        )

    def searcher(self) -> Searcher:
        """The searcher over the library (opened on first use)."""
        if self._searcher is None:
            library = self.library
            if library is None:
                self._owned = library = Library(get_settings())
            self._searcher = Searcher(library)
        return self._searcher

    def hits(self, query: str, k: int | None = None) -> list[Hit]:
        return self.searcher().search(query, k=k or self.k, filters=self._filters())

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [_document(hit) for hit in self.hits(query)]

    def close(self) -> None:
        """Close the library this retriever opened (not one it was given)."""
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._owned is not None:
            self._owned.close()
            self._owned = None


def _document(hit: Hit) -> Document:
    found = hit.as_dict()
    text = found.pop("text")
    return Document(
        page_content=text,
        id=hit.evidence_id,
        metadata={k: v for k, v in found.items() if v is not None and k != "meta"}
        | {"source": "customer evidence", "addresses_ai": addresses_ai(text)},
    )


class SearchArgs(BaseModel):
    query: str = Field(min_length=1, max_length=2000, description="What to look for, any language.")
    k: int = Field(default=8, ge=1, le=30, description="How many pieces of evidence.")
    langs: list[str] = Field(default_factory=list, description=f"Only these languages: {LISTED}.")
    kinds: list[str] = Field(
        default_factory=list,
        description="Only these kinds: review, survey, ticket, interview, competitor.",
    )


class AskArgs(BaseModel):
    question: str = Field(min_length=1, max_length=2000, description=f"In any of {LISTED}.")
    maps: list[str] = Field(
        default_factory=list, description="Map ids to ask about; default: all approved maps."
    )
    lang: str | None = Field(default=None, description="Answer language (default: the question's).")


def evidence_tools(
    workspace: str = "default",
    library: Library | None = None,
    settings: Settings | None = None,
) -> list[StructuredTool]:
    """``search_customer_evidence`` and ``ask_journey_maps`` on ``workspace`` (the configured
    library unless ``library`` is given; ``ask`` uses the configured model, if any, else it
    composes the answer from the maps' data as ``cjm ask`` does)."""
    retriever = EvidenceRetriever(workspace=workspace, library=library)

    def search(
        query: str, k: int = 8, langs: list[str] | None = None, kinds: list[str] | None = None
    ) -> str:
        filters = EvidenceFilter(
            workspace=workspace, langs=tuple(langs or ()), kinds=tuple(kinds or ())
        )
        return fenced(retriever.searcher().search(query, k=k, filters=filters))

    def ask(question: str, maps: list[str] | None = None, lang: str | None = None) -> str:
        config = settings or get_settings()
        model = configured_model(config)
        opened = retriever.searcher().library
        try:
            scope = scope_maps(MapRepository(opened.db), workspace, maps or None)
            answer = Asker(opened, model, config).ask(question, scope, lang)
        finally:
            if model is not None:
                model.close()
        return json.dumps(answer.as_dict(), ensure_ascii=False)

    return [
        StructuredTool.from_function(
            search,
            name="search_customer_evidence",
            description="Search what customers wrote (reviews, surveys, tickets, interviews) in "
            f"{LISTED}; a query in one language finds evidence in the others. Returns fenced "
            "customer text with evidence ids to cite.",
            args_schema=SearchArgs,
        ),
        StructuredTool.from_function(
            ask,
            name="ask_journey_maps",
            description="Ask a question about the workspace's customer journey maps; the "
            "answer (JSON) cites map elements and evidence quotes, with counts from the data.",
            args_schema=AskArgs,
        ),
    ]


__all__ = ["EvidenceRetriever", "evidence_tools", "fenced"]

"""``DraftRequest``: what a draft is asked for — the evidence's ``AnalysisRequest``
(``generator.analysis.request``; none for a future state) and the map's type, language,
personas, goal, how stages are assigned and, for a future state, the map it starts from.
``cjm draft`` fills it from its flags, the HTTP API from a draft or regenerate body::

    DraftRequest(AnalysisRequest(workspace="cx", rating_scale=5), lang="th", personas=1)
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.analysis.analyze import AnalysisOptions
from generator.analysis.request import AnalysisRequest
from generator.drafting.llm_draft import DraftSpec
from knowledge.platform.errors import UserInputError
from knowledge.vocabulary import MapType

STAGE_METHODS = ("offline", "llm")


@dataclass(frozen=True)
class DraftRequest:
    # the evidence a map is drafted from; None for a future state, drafted from ``from_map``
    analysis: AnalysisRequest | None
    lang: str = "en"
    map_type: MapType = "current_state"
    personas: int = 3
    # what the map is for; a future state's goals
    goal: str | None = None
    # stage assignment: "offline" (embeddings) or "llm" (batched model calls)
    stage_method: str = "offline"
    # future state: the current-state map it starts from (a stored map's id, or a file for
    # the CLI)
    from_map: str | None = None

    @property
    def spec(self) -> DraftSpec:
        """What the drafter writes: the map's type, personas and goal."""
        return DraftSpec(map_type=self.map_type, personas=self.personas, goal=self.goal)

    def analysis_options(self) -> AnalysisOptions:
        """The analysis the map is drafted from, resolved (``AnalysisRequest.options``)."""
        if self.analysis is None:
            raise UserInputError(f"a {self.map_type} draft needs the evidence to analyse")
        return self.analysis.options()

    @property
    def needs_model(self) -> bool:
        """A future state and stages assigned by a model need a language model."""
        return self.map_type == "future_state" or self.stage_method == "llm"

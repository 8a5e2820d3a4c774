"""The bodies of the job routes, which are also the jobs' specs: a job's row keeps the body its
route validated, and the task that runs it validates it again into the same request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from pydantic import Field

from api.http.jobs_common import analysis_request
from api.http.schemas import Body, EvidenceScopeIn, Lang
from generator.drafting.future_state import check_future_state_language
from generator.drafting.request import DraftRequest
from knowledge.journey.frameworks import BUILTIN
from knowledge.journey.review import actions as review
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError
from knowledge.platform.keys import Principal
from knowledge.vocabulary import MapType


class DraftIn(EvidenceScopeIn):
    lang: Lang = Field(default="en", description="Language of the map.")
    map_type: MapType = "current_state"
    personas: int = Field(default=3, ge=0, le=8)
    goal: str | None = Field(
        default=None,
        max_length=2000,
        description="What the map is for; a future state's goals.",
        examples=["کاهش تاخیر ارسال", "Сократить время доставки", "ลดเวลารอไรเดอร์"],
    )
    from_map: str | None = Field(
        default=None,
        max_length=100,
        description="future_state: the stored current-state map it starts from (its approved "
        "version, else its head).",
    )
    stage_method: Literal["offline", "llm"] = "offline"

    def draft_request(self) -> DraftRequest:
        """The draft it asks for; its evidence's request is added by the caller (a future
        state has none)."""
        return DraftRequest(
            None,
            lang=self.lang,
            map_type=self.map_type,
            personas=self.personas,
            goal=self.goal,
            stage_method=self.stage_method,
            from_map=self.from_map,
        )


class RegenerateIn(EvidenceScopeIn):
    personas: int | None = Field(
        default=None, ge=0, le=8, description="Default: as many as the map has."
    )
    stage_method: Literal["offline", "llm"] = "offline"


class TranslateIn(Body):
    to: Lang = Field(description="The target team's language.", examples=["th"])
    glossary: str | None = Field(
        default=None, max_length=64, description="A glossary of the workspace, by name."
    )
    version: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="Version of the source map (default: its head).",
    )


def check_draft(
    body: DraftIn, repo: MapRepository, workspace: str, require_model: Callable[[], None]
) -> None:
    """Refuse now what a draft job would refuse when it runs: a model it needs and none is
    configured (``require_model`` raises), a future state without its current-state map or in
    another language than it, an evidence request the analysis cannot take."""
    draft = body.draft_request()
    if draft.needs_model:
        require_model()
    if draft.map_type == "future_state":
        if draft.from_map is None:
            raise UserInputError("a future_state draft needs from_map: a current-state map id")
        current = review.standing_version(repo, workspace, draft.from_map)
        check_future_state_language(current, draft.lang)
    else:  # the evidence's request is refused now, not in the job
        replace(draft, analysis=analysis_request(workspace, body)).analysis_options()


def regeneration_draft(
    repo: MapRepository, caller: Principal, map_id: str, base: int, body: RegenerateIn
) -> DraftRequest:
    """The draft a regeneration of ``map_id`` at version ``base`` writes: the map's framework,
    scope, language and type, what the body changes. ``StaleVersion`` when the map moved on."""
    current = review.regeneration_base(repo, caller.workspace, map_id, base)
    if current.framework.id not in BUILTIN and body.framework_yaml is None:
        raise UserInputError(
            f"map {map_id} uses the custom framework {current.framework.id}: send it as "
            "framework_yaml"
        )
    scope = current.scope
    stored = body.model_copy(
        update={
            "framework": current.framework.id,
            "kinds": body.kinds or scope.kinds,
            "evidence_langs": body.evidence_langs or scope.languages,
            "product": body.product or scope.product,
            "segment": body.segment or scope.segment,
        }
    )
    return DraftRequest(
        analysis_request(caller.workspace, stored),
        lang=current.language,
        map_type=current.map_type,
        personas=(len(current.personas) or 3) if body.personas is None else body.personas,
        goal=scope.goal,
        stage_method=body.stage_method,
    )

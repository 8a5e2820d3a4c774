"""Evidence in, journey map out: the analysis, then the model's parts when a model is
configured, else the evidence-only draft. Shared by ``cjm draft`` and the API's draft jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from generator.analysis.analyze import AnalysisOptions, analyze
from generator.drafting.evidence_only import build_evidence_only_map
from generator.drafting.llm_draft import DraftSpec, LLMDrafter
from generator.drafting.stages import LLMStageAssigner
from generator.llm.interface import ChatModel
from generator.llm.job import LLMJob
from knowledge.journey.model import JourneyMap, Scope
from knowledge.platform.settings import Settings
from knowledge.search.library import Library


def draft_map(
    library: Library,
    options: AnalysisOptions,
    lang: str,
    spec: DraftSpec,
    model: ChatModel | None,
    settings: Settings,
    stage_method: str = "offline",
    progress: Callable[[str], None] | None = None,
) -> JourneyMap:
    say = progress or (lambda _message: None)
    job = LLMJob.from_settings(model, settings, lang, say) if model is not None else None
    if job is not None and stage_method == "llm":
        options = replace(options, assign_stages=LLMStageAssigner(job, options.framework))
    say("analysing evidence")
    analysis, evidence = analyze(library, options)
    scope = Scope(
        workspace=options.scope.workspace,
        product=options.scope.product,
        segment=options.scope.segment,
        goal=spec.goal,
        languages=list(options.scope.langs),
        kinds=list(options.scope.kinds),
    )
    if job is None:
        journey = build_evidence_only_map(analysis, evidence, options.framework, lang, scope)
        return journey.model_copy(update={"map_type": spec.map_type})
    return LLMDrafter(job).draft(analysis, evidence, options.framework, scope, spec)

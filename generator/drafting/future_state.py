"""The future-state map: from an approved current-state map plus goals, what changes per stage
and the gap to close. The current pain points, their counts and quotes stay as they are, so
every change can name the pain points it removes."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from generator.drafting import context
from generator.drafting.grounding import Grounding
from generator.drafting.llm_draft import inferred, touchpoint
from generator.drafting.parts import FutureStagePart
from generator.drafting.wording import phrase
from generator.llm.job import LLMJob
from knowledge.journey.model import Emotion, JourneyMap, Provenance, Stage, StageChange, Text
from knowledge.platform.errors import UserInputError
from knowledge.research.evidence import stable_id
from knowledge.vocabulary import SHARED_LANES


def check_future_state_language(current: JourneyMap, lang: str) -> None:
    """A future state is drafted in the language of the map it starts from."""
    if current.language != lang:
        raise UserInputError(
            f"map {current.id} is in {current.language}; draft its future state in "
            f"{current.language} or translate it first"
        )


def draft_future_state(job: LLMJob, current: JourneyMap, goals: str | None) -> JourneyMap:
    if current.map_type != "current_state":
        raise UserInputError(
            f"a future-state map starts from a current-state map; {current.id} is "
            f"{current.map_type}"
        )
    check_future_state_language(current, job.lang)
    goals = goals or current.scope.goal
    if not goals:
        raise UserInputError("a future-state map needs goals: pass goal", field="goal")
    started = time.monotonic()
    grounding = Grounding({}, job.lang)
    stages: list[Stage] = []
    for n, stage in enumerate(current.stages, start=1):
        if not stage.evidence_count:
            stages.append(stage)
            continue
        allowed = [p.id for p in stage.pain_points]

        def validate(part: FutureStagePart, allowed: list[str] = allowed) -> list[str]:
            errors = []
            for i, c in enumerate(part.changes):
                errors += grounding.ids(f"changes[{i}].addresses", c.addresses, allowed)
                errors += grounding.texts(
                    [
                        (f"changes[{i}].current", c.current),
                        (f"changes[{i}].future", c.future),
                        (f"changes[{i}].gap", c.gap),
                    ]
                )
            errors += grounding.texts(
                [("emotion_label", part.emotion_label)]
                + [
                    (f"{lane}[{i}]", t)
                    for lane in SHARED_LANES
                    for i, t in enumerate(getattr(part, lane))
                ]
                + [(f"touchpoints[{i}].name", t.name) for i, t in enumerate(part.touchpoints)]
            )
            return errors

        job.progress(f"future state: {stage.name.text} ({n}/{len(current.stages)})")
        part = job.ask(
            "future_state",
            f"future:{stage.id}",
            FutureStagePart,
            validate,
            splittable=False,
            goals=goals,
            stage=stage.name.text,
            current_state=context.current_stage_block(current, stage, job.fence),
        )
        stages.append(
            stage.model_copy(
                update={
                    "actions": [inferred(t) for t in part.actions],
                    "thoughts": [inferred(t) for t in part.thoughts],
                    "emotion": Emotion(
                        score=part.emotion_score, label=inferred(part.emotion_label)
                    ),
                    "touchpoints": [
                        touchpoint(i, t, stage.id) for i, t in enumerate(part.touchpoints, 1)
                    ],
                    "moments_of_truth": [inferred(t) for t in part.moments_of_truth],
                    "opportunities": [inferred(t) for t in part.opportunities],
                    "changes": [
                        StageChange(
                            current=inferred(c.current),
                            future=inferred(c.future),
                            gap=inferred(c.gap),
                            addresses=list(dict.fromkeys(c.addresses)),
                        )
                        for c in part.changes
                    ],
                }
            )
        )
    now = datetime.now(UTC)
    return current.model_copy(
        update={
            "id": stable_id("map", current.id, "future_state", now.isoformat()),
            "title": Text(
                text=phrase("future_title", job.lang, {"title": current.title.text}),
                origin="inferred",
            ),
            "map_type": "future_state",
            "scope": current.scope.model_copy(update={"goal": goals}),
            "stages": stages,
            "evidence_only": False,
            "provenance": Provenance(
                generator="llm",
                model=job.model.name,
                endpoint_kind=job.model.endpoint_kind,
                prompt_versions=job.prompt_versions,
                parameters=job.parameters,
                calls=job.asked.calls,
                based_on=current.id,
                created_at=now,
                seconds=round(time.monotonic() - started, 3),
                tool_version=current.provenance.tool_version,
            ),
        }
    )

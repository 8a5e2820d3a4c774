"""Stage assignment by a language model, in batches, as an alternative to the offline
classifier — same output: a stage id (or "none") and a confidence per evidence item."""

from __future__ import annotations

from collections.abc import Sequence

from generator.analysis.evidence import Evidence, EvidenceSet
from generator.analysis.quotes import quote_of
from generator.drafting.parts import StageAssignmentsPart
from generator.llm.job import LLMJob
from generator.llm.splitting import split_on_truncation
from knowledge.journey.frameworks import NONE_STAGE, StageFramework

BATCH = 25


class LLMStageAssigner:
    def __init__(self, job: LLMJob, framework: StageFramework, batch: int = BATCH) -> None:
        self.job = job
        self.framework = framework
        self.batch = batch
        self.stages = "\n".join(
            f"{s.id}: {s.name('en')} — {s.description('en')}" for s in framework.stages
        )

    def _ask(self, items: Sequence[Evidence], label: str) -> dict[str, tuple[str, float]]:
        ids = [e.id for e in items]
        allowed = {*self.framework.stage_ids, NONE_STAGE}

        def validate(part: StageAssignmentsPart) -> list[str]:
            errors = []
            got = [a.evidence_id for a in part.assignments]
            missing = [i for i in ids if i not in got]
            if missing:
                errors.append(f"assignments: missing {', '.join(missing[:10])}")
            extra = sorted({i for i in got if i not in ids})
            if extra:
                errors.append(f"assignments: {', '.join(extra[:10])} are not in this batch")
            if len(got) != len(set(got)):
                errors.append("assignments: an evidence id appears more than once")
            for a in part.assignments:
                if a.stage_id not in allowed:
                    errors.append(f"assignments: {a.stage_id!r} is not a stage id")
            return errors

        part = self.job.ask(
            "stage_classification",
            f"stages:{label}",
            StageAssignmentsPart,
            validate,
            splittable=len(items) > 1,
            stages=self.stages,
            items="\n".join(
                self.job.fence.block(quote_of(e.text), e.hygiene.addresses_ai, id=e.id, lang=e.lang)
                for e in items
            ),
        )
        return {a.evidence_id: (a.stage_id, a.confidence) for a in part.assignments}

    def __call__(self, evidence: EvidenceSet) -> list[tuple[str, float]]:
        found: dict[str, tuple[str, float]] = {}
        items = evidence.items
        batches = range(0, len(items), self.batch)
        for n, start in enumerate(batches, start=1):
            self.job.progress(f"stage assignment: batch {n}/{len(batches)}")
            chunk = items[start : start + self.batch]

            def run(part: Sequence[Evidence], n: int = n) -> dict[str, tuple[str, float]]:
                return self._ask(part, str(n))

            for result in split_on_truncation(chunk, run):
                found.update(result)
        return [found[e.id] for e in items]

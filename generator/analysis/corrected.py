"""Researchers' corrections in one analysis: which evidence they leave out (not customer
experience), which stage and code they fix, and what they teach the rest (``learning``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from generator.analysis.evidence import Evidence
from generator.analysis.learning import Learner, LearnParams
from generator.analysis.prototypes import ItemSpace, Prototypes
from knowledge.journey.codebook import Codebook
from knowledge.journey.frameworks import StageFramework
from knowledge.research.corrections.model import Correction, Corrections

Matrix = npt.NDArray[np.float32]
NOT_EVIDENCE = "not customer experience (a researcher's label)"


class Taught:
    def __init__(
        self,
        corrections: Corrections,
        items: Sequence[Evidence],
        framework: StageFramework,
        codebook: Codebook | None,
        params: LearnParams,
    ) -> None:
        self.corrections = corrections
        self.params = params
        self.labels: dict[int, Correction] = corrections.labels_for(items)
        self.excluded = {i for i, c in self.labels.items() if c.not_evidence}
        stage_ids = framework.stage_ids
        code_ids = codebook.code_ids if codebook is not None else []
        self.stage_of: dict[int, int] = {
            i: stage_ids.index(c.stage)
            for i, c in self.labels.items()
            if c.stage and c.framework == framework.id and c.stage in stage_ids
        }
        self.code_of: dict[int, int] = {
            i: code_ids.index(c.code) for i, c in self.labels.items() if c.code in code_ids
        }
        self.stage_ids, self.code_ids = stage_ids, code_ids
        self.weights: list[float] = []  # the weight each learner chose (stages, codes)

    @property
    def used(self) -> int:
        """Labels this analysis kept (a stage label of another framework is not one)."""
        return len(self.excluded | set(self.stage_of) | set(self.code_of))

    def human(self, i: int) -> bool:
        return i in self.excluded or i in self.stage_of or i in self.code_of

    def on_rows(self, rows: list[int]) -> tuple[dict[int, int], dict[int, int]]:
        """(stage, code) labels by position among ``rows`` (the analysed items)."""
        at = {i: j for j, i in enumerate(rows)}
        return (
            {at[i]: s for i, s in self.stage_of.items() if i in at},
            {at[i]: c for i, c in self.code_of.items() if i in at},
        )

    def _learnt(
        self,
        space: ItemSpace,
        side: str,
        prototypes: Prototypes,
        labelled: dict[int, int],
        prior: Matrix,
    ) -> Matrix:
        raw, centred = space.side(side)
        raw_texts = prototypes.queries if side == "query" else prototypes.passages
        centred_texts = prototypes.centred_on(side, space.reference.get(side))
        items = np.hstack([raw, centred]) / np.sqrt(2)
        texts = np.hstack([raw_texts, centred_texts]) / np.sqrt(2)
        learner = Learner(prototypes.n, texts.astype(np.float32), prototypes.owner, self.params)
        out = learner.teach(items.astype(np.float32), labelled, prior)
        self.weights.append(learner.weight)
        return out

    def stages(
        self,
        space: ItemSpace,
        side: str,
        prototypes: Prototypes,
        post: Matrix,
        labelled: dict[int, int],
    ) -> Matrix:
        """The stage posterior taught by the stage labels; a labelled item's is its label."""
        if not labelled:
            return post
        out = self._learnt(space, side, prototypes, labelled, post)
        for j, s in labelled.items():
            out[j] = 0.0
            out[j, s] = 1.0
        return out

    def codes(
        self, space: ItemSpace, side: str, prototypes: Prototypes, labelled: dict[int, int]
    ) -> Callable[[Matrix], Matrix] | None:
        """What the code labels teach the code posterior (None: nothing)."""
        if not labelled:
            return None
        return lambda post: self._learnt(space, side, prototypes, labelled, post)

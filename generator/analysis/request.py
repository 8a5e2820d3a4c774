"""``AnalysisRequest``: what an analysis is asked for, in typed values, as every interface
fills it — the CLI from its flags, the HTTP API from a request body, benchmarks and tests with
keywords::

    AnalysisRequest(workspace="bench", framework="six_stage", rating_scale=5)

``options()`` resolves it into the ``AnalysisOptions`` the analysis runs with: it loads the
framework and the codebook and checks that a sent codebook's codes name stages the framework
has. Written forms (``--rating-scale survey=0-10``, ``--label-map HAPPY=positive``) are the
interfaces' business; here a rating scale is a number N (1..N), a (low, high) range or a
``RatingScale`` per kind of research, and a label a ``LabelPair``. A draft's request is
``generator.drafting.request.DraftRequest``.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.analysis.analyze import AnalysisOptions
from generator.analysis.sentiment_map import LabelPair, RatingScale, SourceMapping
from knowledge.journey.codebook import Codebook
from knowledge.journey.frameworks import StageFramework, codebook_for, load_framework
from knowledge.platform.errors import UserInputError
from knowledge.search.filters import EvidenceFilter


@dataclass(frozen=True)
class AnalysisRequest:
    workspace: str
    # a built-in framework's name or a framework YAML file, or a framework already parsed
    framework: str | StageFramework = "six_stage"
    # a built-in codebook's name, a codebook file or "none"; a parsed codebook (its codes'
    # stages are checked against the framework); None: the framework's own, else cx_general
    codebook: str | Codebook | None = None
    kinds: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    product: str | None = None
    segment: str | None = None
    labels: tuple[LabelPair, ...] = ()
    # the scale for every kind of research: N (1..N) or (low, high)
    rating_scale: float | tuple[float, float] | None = None
    # further scales, each for a kind of research or every kind; a kind's own wins
    rating_scales: tuple[RatingScale, ...] = ()

    def mapping(self) -> SourceMapping:
        general = [RatingScale.of(self.rating_scale)] if self.rating_scale is not None else []
        return SourceMapping.of(self.labels, [*general, *self.rating_scales])

    def scope(self) -> EvidenceFilter:
        return EvidenceFilter(
            workspace=self.workspace,
            langs=tuple(self.langs),
            kinds=tuple(self.kinds),
            product=self.product,
            segment=self.segment,
        )

    def options(self) -> AnalysisOptions:
        framework = (
            self.framework
            if isinstance(self.framework, StageFramework)
            else load_framework(self.framework)
        )
        mapping = self.mapping()
        if isinstance(self.codebook, Codebook):
            codebook: Codebook | None = self.codebook
            problems = self.codebook.check_stages(framework.id, framework.stage_ids)
            if problems:
                raise UserInputError("codebook: " + "; ".join(problems))
        else:
            codebook = codebook_for(framework, self.codebook)
        return AnalysisOptions(
            scope=self.scope(), framework=framework, mapping=mapping, codebook=codebook
        )

"""The offline evidence analysis: hygiene, polarity and severity, codes, stages, themes,
priorities, coverage.

1. What is stored but is not customer experience (greetings, markers, emoji, bare links, brand
   replies; ``knowledge.text.hygiene``) is left out of everything but the coverage counts.
2. Polarity and severity of every chunk (``sentiment``): a record's rating or label is a prior
   for its chunks, not a label for each.
3. Codes (``coding``): every chunk gets a code of the codebook or none, with a confidence; a
   code's valence agrees with the chunk's polarity.
4. Stages (``stages``): similarity to the framework's stage texts, with the codes as further
   evidence.
5. Themes (``theming``): per stage, one per code, and emergent themes for what no code covers.

Numbers come from the data: a theme's frequency is its counted members, its severity their mean,
its priority frequency x severity. Competitor evidence is placed in stages but never counted as
customer pain; it is listed per stage instead. The same evidence and options give the same
analysis, whatever the hash seed or thread timing.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from generator.analysis.coding import CodeAssigner, CodeAssignment, CodeParams
from generator.analysis.corrected import NOT_EVIDENCE, Taught
from generator.analysis.evidence import EvidenceSet, load_evidence
from generator.analysis.learning import LearnParams
from generator.analysis.parameters import describe_parameters
from generator.analysis.prototypes import fit_side_map
from generator.analysis.result import Analysis, Placement, StageSummary, Theme
from generator.analysis.sentiment import SentimentEstimator, SentimentParams
from generator.analysis.sentiment_map import SourceMapping
from generator.analysis.stages import StageClassifier, StageParams
from generator.analysis.theme_rules import apply_rules
from generator.analysis.themes import ThemeParams
from generator.analysis.theming import Placed, ThemeBuilder
from knowledge.journey.codebook import Codebook
from knowledge.journey.frameworks import NONE_STAGE, StageFramework
from knowledge.journey.model import CoverageNotice, NoticeCode
from knowledge.journey.notices import describe
from knowledge.research.corrections.model import Corrections
from knowledge.research.corrections.store import CorrectionStore
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library

DOMINANT_SHARE = 0.6  # one stage holding more than this of a language's evidence is a warning
DOMINANT_MIN_STAGES = 5


@dataclass(frozen=True)
class AnalysisOptions:
    scope: EvidenceFilter
    framework: StageFramework
    mapping: SourceMapping = field(default_factory=SourceMapping)
    stage: StageParams = field(default_factory=StageParams)
    theme: ThemeParams = field(default_factory=ThemeParams)
    sentiment: SentimentParams = field(default_factory=SentimentParams)
    codebook: Codebook | None = None
    code: CodeParams = field(default_factory=CodeParams)
    # Stage assignment other than the offline classifier (e.g. by a language model).
    assign_stages: Callable[[EvidenceSet], list[tuple[str, float]]] | None = None
    # researchers' corrections (None: the workspace's active ones, read by ``analyze``)
    corrections: Corrections | None = None
    learn: LearnParams = field(default_factory=LearnParams)

    def describe(self) -> list[str]:
        """The provenance entries: what the analysis used, and every field of the parameter
        dataclasses in effect (codes only with a codebook, learning only with corrections)."""
        codebook = (
            f"codebook={self.codebook.id}@{self.codebook.version}"
            if self.codebook is not None
            else "codebook=none"
        )
        groups: list[tuple[object, str]] = [
            (self.stage, "stage"),
            *([(self.code, "code")] if self.codebook is not None else []),
            (self.theme, "theme"),
            (self.sentiment, "polarity"),
            *([(self.learn, "learn")] if self.corrections else []),
        ]
        return [
            f"framework={self.framework.id}@{self.framework.version}",
            codebook,
            f"stage_method={'offline' if self.assign_stages is None else 'llm'}",
            *self.mapping.describe(),
            *(line for params, prefix in groups for line in describe_parameters(params, prefix)),
        ]


def _notice(
    code: NoticeCode,
    stage_id: str,
    source: str | None = None,
    lang: str | None = None,
    count: int | None = None,
    total: int | None = None,
) -> CoverageNotice:
    return CoverageNotice.model_validate(
        {"code": code, "stage_id": stage_id, "source": source, "lang": lang,
         "count": count, "total": total}
    )  # fmt: skip


def _stage_summaries(
    evidence: EvidenceSet,
    framework: StageFramework,
    stages: list[str],
    theme_list: list[Theme],
) -> list[StageSummary]:
    items = evidence.items
    customer_all = [
        i
        for i, e in enumerate(items)
        if e.kind != "competitor" and e.hygiene.substantive and stages[i] != NONE_STAGE
    ]
    per_lang = Counter(items[i].lang for i in customer_all)
    summaries: list[StageSummary] = []
    for stage_id in [*framework.stage_ids, NONE_STAGE]:
        members = [
            i for i, s in enumerate(stages) if s == stage_id and items[i].hygiene.substantive
        ]
        customer = [i for i in members if items[i].kind != "competitor"]
        languages = Counter(items[i].lang for i in customer)
        sources = {items[i].source_id for i in customer}
        notices: list[CoverageNotice] = []
        if stage_id != NONE_STAGE:
            if not customer:
                notices.append(_notice("no_customer_evidence", stage_id))
            else:
                if len(sources) == 1:
                    name = items[customer[0]].location.get("file", "one file")
                    notices.append(_notice("single_source", stage_id, source=str(name)))
                if len(languages) == 1:
                    only = next(iter(languages))
                    notices.append(_notice("single_language", stage_id, lang=only))
            if len(framework.stages) >= DOMINANT_MIN_STAGES:
                for lang, n in sorted(languages.items()):
                    if per_lang[lang] >= 20 and n > DOMINANT_SHARE * per_lang[lang]:
                        notices.append(
                            _notice(
                                "dominant_stage", stage_id, lang=lang, count=n, total=per_lang[lang]
                            )
                        )
        english = framework.stage(stage_id).name("en") if stage_id != NONE_STAGE else stage_id
        summaries.append(
            StageSummary(
                stage=stage_id,
                evidence=len(customer),
                languages=dict(sorted(languages.items())),
                sources=len(sources),
                themes=[t.id for t in theme_list if t.stage == stage_id],
                competitor_evidence=[items[i].id for i in members if items[i].kind == "competitor"],
                warnings=[describe(n, "en", english) for n in notices],
                notices=notices,
            )
        )
    return summaries


def analyze_evidence(library: Library, evidence: EvidenceSet, options: AnalysisOptions) -> Analysis:
    started = time.perf_counter()
    items = evidence.items
    taught = Taught(
        options.corrections or Corrections(),
        items,
        options.framework,
        options.codebook,
        options.learn,
    )
    rows = [i for i, e in enumerate(items) if e.hygiene.substantive and i not in taught.excluded]
    sub = evidence.subset(rows)
    stage_labels, code_labels = taught.on_rows(rows)
    embedder = library.cached_embedder
    judged = SentimentEstimator(embedder, options.sentiment).judge(sub, options.mapping)
    polarity = [j.polarity for j in judged]
    coder = (
        CodeAssigner(options.codebook, embedder, options.code)
        if options.codebook is not None
        else None
    )
    classifier = StageClassifier(options.framework, embedder, options.stage)
    if coder is not None and options.stage.item_side != "passage":
        classifier.side_map = fit_side_map(
            [classifier.prototypes, coder.prototypes], options.stage.map_ridge
        )
    space = classifier.space(sub, [coder.prototypes] if coder is not None else [])
    codes: list[CodeAssignment] = [CodeAssignment(None, 0.0)] * len(sub)
    assigned: list[tuple[str, float]] = []
    side = "passage" if options.stage.item_side == "passage" else "query"
    if len(sub):
        stage_post, raw = classifier.posteriors(space)
        stage_post = taught.stages(space, side, classifier.prototypes, stage_post, stage_labels)
        share = None
        if coder is not None:
            codes, code_post = coder.assign(
                space,
                polarity,
                [e.tokens for e in sub.items],
                (options.framework, stage_post),
                taught.codes(space, side, coder.prototypes, code_labels),
            )
            for r, c in code_labels.items():
                codes[r] = CodeAssignment(coder.codebook.codes[c].id, 1.0)
            share = coder.stage_share(code_post, options.framework)
        if options.assign_stages is not None:
            assigned = options.assign_stages(sub)
        else:
            assigned = classifier.decide(stage_post, raw, share)
        for r, st in stage_labels.items():
            assigned[r] = (options.framework.stage_ids[st], 1.0)
    placed = [
        Placed(assigned[j][0], polarity[j], judged[j].severity, codes[j].code, codes[j].confidence)
        for j in range(len(sub))
    ]
    builder = ThemeBuilder(sub, placed, options.theme, options.codebook)
    themes, theme_of = builder.build(options.framework.stage_ids)
    rules = apply_rules(builder, themes, theme_of, (options.corrections or Corrections()).rules)
    for n, p in enumerate(builder.placed):
        if p.code != placed[n].code:  # moved out of its code's theme, or merged into another
            codes[n] = CodeAssignment(p.code, codes[n].confidence)
    position = {i: j for j, i in enumerate(rows)}
    stages = [assigned[position[i]][0] if i in position else NONE_STAGE for i in range(len(items))]
    placements: list[Placement] = []
    for i, e in enumerate(items):
        j = position.get(i)
        flags = list(e.hygiene.flags)
        if j is None:
            human = i in taught.excluded
            placements.append(
                Placement(
                    evidence_id=e.id,
                    location=e.location,
                    lang=e.lang,
                    kind=e.kind,
                    stage=NONE_STAGE,
                    confidence=0.0,
                    theme=None,
                    polarity="neutral",
                    polarity_source="none",
                    severity=None,
                    substantive=False,
                    reason=NOT_EVIDENCE if human else e.hygiene.reason,
                    flags=flags,
                    origin="human" if human else "analysis",
                )
            )
            continue
        placements.append(
            Placement(
                evidence_id=e.id,
                location=e.location,
                lang=e.lang,
                kind=e.kind,
                stage=assigned[j][0],
                confidence=assigned[j][1],
                theme=theme_of.get(j),
                polarity=polarity[j],
                polarity_source=judged[j].source,
                severity=judged[j].severity,
                code=codes[j].code,
                code_confidence=codes[j].confidence if coder is not None else None,
                flags=flags,
                origin="human" if taught.human(i) else "analysis",
            )
        )
    return Analysis(
        workspace=options.scope.workspace,
        framework=options.framework.id,
        stages=_stage_summaries(evidence, options.framework, stages, themes),
        themes=themes,
        placements=placements,
        parameters=[
            *options.describe(),
            *(f"learn.weight_chosen={w}" for w in taught.weights),
        ],
        seconds=time.perf_counter() - started,
        codebook=(
            f"{options.codebook.id}@{options.codebook.version}"
            if options.codebook is not None
            else None
        ),
        corrections=taught.used + rules,
    )


def analyze(library: Library, options: AnalysisOptions) -> tuple[Analysis, EvidenceSet]:
    """The analysis of the evidence in scope, with the workspace's active corrections unless
    ``options`` names others."""
    evidence = load_evidence(library, options.scope)
    if options.corrections is None:
        workspace = options.scope.workspace
        options = replace(options, corrections=CorrectionStore(library.db).active(workspace))
    return analyze_evidence(library, evidence, options), evidence

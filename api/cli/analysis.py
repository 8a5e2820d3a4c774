"""``cjm analyze`` and ``cjm draft`` (the evidence-only draft when no model is configured)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import JsonOption, WorkspaceOption, err, open_library, out, print_json
from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.result import Analysis
from generator.analysis.sentiment_map import SourceMapping
from generator.drafting.evidence_only import build_evidence_only_map
from knowledge.filters import EvidenceFilter
from knowledge.journey.frameworks import load_framework
from knowledge.journey.model import Scope
from knowledge.languages import SUPPORTED_LANGUAGES

FrameworkOption = Annotated[
    str,
    typer.Option(
        "--framework",
        "-f",
        help="Built-in framework (aida, six_stage, purchase, food_delivery) or a YAML file.",
    ),
]
KindsOption = Annotated[
    list[str] | None, typer.Option("--kind", help="Only this kind of research (repeatable).")
]
LangsOption = Annotated[
    list[str] | None, typer.Option("--lang", help="Only evidence in this language (repeatable).")
]
ProductOption = Annotated[str | None, typer.Option(help="Only this product.")]
SegmentOption = Annotated[str | None, typer.Option(help="Only this customer segment.")]
LabelMapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--label-map",
        help="Read source labels as polarity, e.g. HAPPY=positive,SAD=negative (repeatable).",
    ),
]
RatingScaleOption = Annotated[
    float | None,
    typer.Option(help="Read ratings as polarity and severity on a 1..N scale, e.g. 5."),
]

HOW_TO_CONFIGURE = (
    "No language model is configured, so this is an evidence-only draft: stages, themes with "
    "counts, priorities and verbatim quotes, coverage — no personas, lanes or recommendations. "
    "For the full draft, point cjm at any OpenAI-compatible chat endpoint (OpenAI, Azure "
    "OpenAI, Ollama, vLLM, llama.cpp server):\n"
    "  export CJM_LLM_BASE_URL=https://api.openai.com/v1 CJM_LLM_MODEL=gpt-4o-mini "
    "CJM_LLM_API_KEY_ENV=OPENAI_API_KEY"
)


def _options(
    workspace: str,
    framework: str,
    kind: list[str] | None,
    lang: list[str] | None,
    product: str | None,
    segment: str | None,
    label_map: list[str] | None,
    rating_scale: float | None,
) -> AnalysisOptions:
    return AnalysisOptions(
        scope=EvidenceFilter(
            workspace=workspace,
            langs=tuple(lang or ()),
            kinds=tuple(kind or ()),
            product=product,
            segment=segment,
        ),
        framework=load_framework(framework),
        mapping=SourceMapping.parse(label_map, rating_scale),
    )


def _print_analysis(analysis: Analysis) -> None:
    themes = {t.id: t for t in analysis.themes}
    for summary in analysis.stages:
        if summary.stage == "none" and not summary.evidence:
            continue
        langs = ", ".join(f"{k} {v}" for k, v in sorted(summary.languages.items()))
        out.rule(f"[bold]{summary.stage}[/bold] · {summary.evidence} evidence ({langs})")
        table = Table(show_header=True, header_style="bold", show_lines=False)
        for col in ("theme", "title", "n", "languages", "polarity", "severity", "priority"):
            table.add_column(col)
        ranked = sorted((themes[t] for t in summary.themes), key=lambda t: -t.priority)
        for theme in ranked[:12]:
            table.add_row(
                theme.id,
                theme.title,
                str(theme.count),
                " ".join(f"{k}:{v}" for k, v in sorted(theme.language_counts.items())),
                " ".join(f"{k[:3]}:{v}" for k, v in sorted(theme.polarity_counts.items())),
                f"{theme.severity:.1f}" if theme.severity is not None else "",
                f"{theme.priority:.1f}",
            )
        out.print(table)
        if summary.competitor_evidence:
            out.print(f"  competitor evidence: {len(summary.competitor_evidence)} (not counted)")
        for warning in summary.warnings:
            out.print(f"  [yellow]warning:[/yellow] {warning}")
    cov = analysis.coverage()
    out.print(
        f"\n{cov['total_evidence']} evidence, {cov['unplaced']} unplaced, "
        f"{len(analysis.themes)} themes; analysed in {analysis.seconds:.1f} s"
    )


def analyze_command(
    workspace: WorkspaceOption = "default",
    framework: FrameworkOption = "six_stage",
    kind: KindsOption = None,
    lang: LangsOption = None,
    product: ProductOption = None,
    segment: SegmentOption = None,
    label_map: LabelMapOption = None,
    rating_scale: RatingScaleOption = None,
    json_output: JsonOption = False,
) -> None:
    """Place evidence in stages, cluster it into themes, count, rate and prioritise it."""
    with open_library() as library:
        options = _options(
            workspace, framework, kind, lang, product, segment, label_map, rating_scale
        )
        analysis, _ = analyze(library, options)
    if json_output:
        print_json(analysis.as_dict())
    else:
        _print_analysis(analysis)


def draft_command(
    workspace: WorkspaceOption = "default",
    framework: FrameworkOption = "six_stage",
    lang: Annotated[
        str, typer.Option("--lang", "-l", help="Language of the map: fa, ru, th, zh or en.")
    ] = "en",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the map JSON to this file.")
    ] = None,
    kind: KindsOption = None,
    evidence_lang: Annotated[
        list[str] | None,
        typer.Option("--evidence-lang", help="Only evidence in this language (repeatable)."),
    ] = None,
    product: ProductOption = None,
    segment: SegmentOption = None,
    goal: Annotated[str | None, typer.Option(help="What the map is for.")] = None,
    label_map: LabelMapOption = None,
    rating_scale: RatingScaleOption = None,
    json_output: JsonOption = False,
) -> None:
    """Draft a journey map from the evidence (evidence-only when no model is configured)."""
    if lang not in SUPPORTED_LANGUAGES:
        err.print(f"[red]error:[/red] --lang must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        raise typer.Exit(2)
    with open_library() as library:
        options = _options(
            workspace, framework, kind, evidence_lang, product, segment, label_map, rating_scale
        )
        analysis, evidence = analyze(library, options)
        scope = Scope(
            workspace=workspace,
            product=product,
            segment=segment,
            goal=goal,
            languages=list(options.scope.langs),
            kinds=list(options.scope.kinds),
        )
        journey = build_evidence_only_map(analysis, evidence, options.framework, lang, scope)
    text = json.dumps(journey.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    if output is not None:
        output.write_text(text, encoding="utf-8")
    if json_output or output is None:
        typer.echo(text, nl=False)
    pains = sum(len(s.pain_points) for s in journey.stages)
    delights = sum(len(s.delighters) for s in journey.stages)
    err.print(
        f"evidence-only draft: {len(journey.stages)} stages, {pains} pain points, "
        f"{delights} delighters from {journey.coverage.total_evidence} evidence"
        + (f"; wrote {output}" if output else "")
    )
    err.print(HOW_TO_CONFIGURE)

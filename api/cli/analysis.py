"""``cjm analyze``, and the options it shares with ``cjm draft``: the flags fill an
``AnalysisRequest`` (``generator.analysis.request``), their written forms parsed here."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import JsonOption, WorkspaceOption, open_library, out, print_json
from generator.analysis.analyze import analyze
from generator.analysis.request import AnalysisRequest
from generator.analysis.result import Analysis
from generator.analysis.sentiment_map import LabelPair, RatingScale
from knowledge.vocabulary import LISTED

FrameworkOption = Annotated[
    str,
    typer.Option(
        "--framework",
        "-f",
        help="Built-in framework (aida, six_stage, purchase, food_delivery) or a YAML file.",
    ),
]
CodebookOption = Annotated[
    str | None,
    typer.Option(
        "--codebook",
        help="Codes to code the evidence with: a built-in codebook (cx_general), a YAML file, "
        "or none (emergent themes only). Default: the framework's own, else cx_general.",
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
        help="Read source labels as polarity, e.g. HAPPY=positive,SAD=negative (repeatable); "
        "evidence without a label learns its polarity from those with one.",
    ),
]
RatingScaleOption = Annotated[
    list[str] | None,
    typer.Option(
        "--rating-scale",
        help="Read ratings as polarity and severity: N (1..N), LOW-HIGH, or per kind of "
        "research, e.g. 5, or review=5 --rating-scale survey=0-10 (repeatable); evidence "
        "without a rating learns its polarity from those with one.",
    ),
]


def label_pairs(label_map: list[str] | None) -> tuple[LabelPair, ...]:
    """``--label-map HAPPY=positive,SAD=negative`` (repeatable) as typed pairs."""
    return tuple(pair for item in label_map or [] for pair in LabelPair.parse(item))


def rating_scales(rating_scale: list[str] | None) -> tuple[RatingScale, ...]:
    """``--rating-scale 5`` / ``0-10`` / ``survey=0-10`` (repeatable) as typed scales."""
    return tuple(RatingScale.parse(text) for text in rating_scale or [])


def _print_analysis(analysis: Analysis, title_lang: str) -> None:
    themes = {t.id: t for t in analysis.themes}
    for summary in analysis.stages:
        if summary.stage == "none" and not summary.evidence:
            continue
        langs = ", ".join(f"{k} {v}" for k, v in sorted(summary.languages.items()))
        out.rule(f"[bold]{summary.stage}[/bold] · {summary.evidence} evidence ({langs})")
        table = Table(show_header=True, header_style="bold", show_lines=False)
        for col in ("theme", "kind", "title", "n", "languages", "polarity", "severity", "priority"):
            table.add_column(col)
        ranked = sorted((themes[t] for t in summary.themes), key=lambda t: -t.priority)
        for theme in ranked[:12]:
            table.add_row(
                theme.id,
                {"pain_point": "pain", "delighter": "delight"}.get(theme.kind, ""),
                theme.title_in(title_lang) or theme.title,
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
    if analysis.corrections:
        out.print(
            f"{analysis.corrections} researchers' "
            + ("correction" if analysis.corrections == 1 else "corrections")
            + " kept (cjm label list); the rest was placed by a classifier that learnt from "
            + ("it" if analysis.corrections == 1 else "them")
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
    codebook: CodebookOption = None,
    title_lang: Annotated[
        str,
        typer.Option("--titles", help=f"Language of the theme titles shown ({LISTED})."),
    ] = "en",
    json_output: JsonOption = False,
) -> None:
    """Code evidence, place it in stages, group it into themes; count, rate and prioritise it.

    --json gives every evidence's stage, code, theme, polarity and severity, and why evidence
    that is not customer experience was left out."""
    with open_library() as library:
        options = AnalysisRequest(
            workspace=workspace,
            framework=framework,
            codebook=codebook,
            kinds=tuple(kind or ()),
            langs=tuple(lang or ()),
            product=product,
            segment=segment,
            labels=label_pairs(label_map),
            rating_scales=rating_scales(rating_scale),
        ).options()
        analysis, _ = analyze(library, options)
    if json_output:
        print_json(analysis.as_dict())
    else:
        _print_analysis(analysis, title_lang)

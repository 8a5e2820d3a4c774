"""``cjm demo``: ingest the sample research that ships with the product, search it, draft its
evidence-only journey map, store it in the workspace ``sample`` and print the review commands
to try next (each works exactly as printed)."""

from __future__ import annotations

import shlex
from importlib.resources import as_file, files
from pathlib import Path

from api.cli.common import err, open_library, out
from api.cli.draft import HOW_TO_CONFIGURE
from api.cli.ingest import BarProgress, _bar, _print_report
from api.cli.reviewer import AsOption, local_reviewer
from api.cli.search import print_hits
from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.sentiment_map import SourceMapping
from generator.drafting.evidence_only import build_evidence_only_map
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.journey.model import JourneyMap, Scope
from knowledge.journey.review import actions as review
from knowledge.journey.review.errors import MapNotFound
from knowledge.journey.review.repository import MapInfo, MapRepository
from knowledge.research.ingest import IngestOptions, Ingestor, IngestReport
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher
from knowledge.text.segment import clip
from knowledge.vocabulary import EvidenceKind

WORKSPACE = "sample"
MAP_ID = "sample-food-delivery"  # one sample map: every run adds a version to it
SAMPLE_KINDS: tuple[tuple[str, EvidenceKind], ...] = (
    ("reviews.csv", "review"),
    ("support_tickets.jsonl", "support"),
    ("survey.tsv", "survey"),
    ("interviews", "interview"),
    ("competitors.md", "competitor"),
)
QUERIES = (
    "پیک دیر رسید و غذا سرد بود",
    "не сработал промокод",
    "คืนเงินช้ามาก",
    "退款一直没到账",
    "friendly courier",
)


# reviews have 1-5 stars, the survey a 0-10 score; tickets and interviews learn from them
RATING_SCALES = ("review=5", "survey=0-10")


def _draft(library: Library, target: Path) -> JourneyMap:
    framework = load_framework("food_delivery")
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace=WORKSPACE),
        framework=framework,
        mapping=SourceMapping.parse(None, list(RATING_SCALES)),
        codebook=codebook_for(framework),
    )
    analysis, evidence = analyze(library, options)
    scope = Scope(
        workspace=WORKSPACE, product=None, segment=None, goal=None, languages=[], kinds=[]
    )
    journey = build_evidence_only_map(analysis, evidence, options.framework, "en", scope)
    journey = journey.model_copy(update={"id": MAP_ID})
    target.write_text(journey.model_dump_json(indent=2), encoding="utf-8")
    out.print(f"wrote the evidence-only journey map to {target}")
    return journey


def _print_map(journey: JourneyMap) -> None:
    for stage in journey.stages:
        mood = f"{stage.emotion.label.text} ({stage.emotion.score:+.2f})" if stage.emotion else "-"
        out.print(f"[bold]{stage.name.text}[/bold] · {stage.evidence_count} evidence · {mood}")
        for pain in stage.pain_points[:2]:
            langs = " ".join(f"{c.lang}:{c.count}" for c in pain.language_counts)
            out.print(
                f"  pain [red]{pain.title.text}[/red] · frequency {pain.frequency} · severity "
                f"{pain.severity:.1f} · priority {pain.priority:.1f} · {langs}",
                highlight=False,
            )
            if pain.evidence:
                quote = pain.evidence[0].quote
                out.print(f"    “{clip(quote, 120)}”", markup=False, highlight=False)
        for delight in stage.delighters[:1]:
            out.print(
                f"  delight [green]{delight.title.text}[/green] · frequency {delight.frequency}",
                highlight=False,
            )


def _store(library: Library, journey: JourneyMap, actor: str | None) -> MapInfo:
    """The sample map in the workspace: a new map the first time, a new draft version of it
    on every later run (so its review can start again)."""
    who = local_reviewer(WORKSPACE, actor)
    repo = MapRepository(library.db)
    try:
        head = repo.get(WORKSPACE, journey.id).head
    except MapNotFound:
        return review.store_draft(repo, who, journey)
    info, _ = review.regenerate(repo, who, journey.id, head, journey, reason="demo")
    return info


def next_steps(journey: JourneyMap, info: MapInfo) -> list[str]:
    """The review of the stored sample map, command by command."""
    ws = f"-w {WORKSPACE}"
    map_id = shlex.quote(info.id)
    stage = next((s for s in journey.stages if s.pain_points), None)
    anchor = f"stages/{stage.id}/pain_points/{stage.pain_points[0].id}" if stage else "title"
    return [
        f"cjm maps list {ws}",
        f"cjm maps show {map_id} {ws}",
        f"cjm maps comment {map_id} {shlex.quote('Is this the top pain point?')} "
        f"--anchor {shlex.quote(anchor)} {ws}",
        f"cjm maps submit {map_id} {ws}",
        f"cjm maps approve {map_id} {ws} --note {shlex.quote('checked against the quotes')}",
        f"cjm maps history {map_id} {ws}",
        f"cjm export {map_id} {ws} --format html",
    ]


def demo(actor: AsOption = None) -> None:
    """Ingest the bundled sample research, search it in five languages, draft its map and
    store it for review in the workspace 'sample'."""
    with as_file(files("knowledge.research") / "samples") as root, open_library() as library:
        report = IngestReport()
        with _bar(err.is_terminal) as bar:
            ingestor = Ingestor(library, BarProgress(bar))
            for name, kind in SAMPLE_KINDS:
                part = ingestor.run(
                    [Path(root) / name], IngestOptions(kind=kind, workspace=WORKSPACE)
                )
                report.files.extend(part.files)
                report.pii_redacted.update(part.pii_redacted)
                report.embedded += part.embedded
                report.seconds += part.seconds
        out.rule("[bold]Ingested the sample research (workspace 'sample')")
        _print_report(report, base=Path(root))
        searcher = Searcher(library)
        for query in QUERIES:
            out.rule(f"[bold]cjm search -w sample {query!r} --k 3")
            print_hits(searcher.search(query, k=3, filters=EvidenceFilter(workspace=WORKSPACE)))
        target = library.settings.ensure_home() / "sample-map.json"
        scales = " ".join(f"--rating-scale {x}" for x in RATING_SCALES)
        out.rule(f"[bold]cjm draft -w sample -f food_delivery --lang en {scales} -o {target}")
        journey = _draft(library, target)
        info = _store(library, journey, actor)
    _print_map(journey)
    err.print(HOW_TO_CONFIGURE)
    out.print(
        f"\nStored as map [bold]{info.id}[/bold] (version {info.head}, {info.status}) in "
        "workspace 'sample'. Review it next:",
        highlight=False,
    )
    for command in next_steps(journey, info):
        out.print(f"  {command}", markup=False, highlight=False)
    out.print(
        "Then ingest your own research with "
        "[bold]cjm ingest PATH --kind review --workspace NAME[/bold] and draft its map with "
        "[bold]cjm draft --workspace NAME[/bold]; review maps in the browser with "
        "[bold]cjm serve[/bold] (then /review, with a key from [bold]cjm keys create[/bold]). "
        "See `cjm --help`."
    )

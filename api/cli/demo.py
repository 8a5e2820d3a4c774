"""``cjm demo``: ingest the sample research that ships with the product and search it."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from api.cli.common import err, open_library, out
from api.cli.ingest import BarProgress, _bar, _print_report
from api.cli.search import print_hits
from knowledge.ingest import IngestOptions, Ingestor, IngestReport
from knowledge.readers.base import Kind
from knowledge.search import Searcher, SearchFilters

WORKSPACE = "sample"
SAMPLE_KINDS: tuple[tuple[str, Kind], ...] = (
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


def demo() -> None:
    """Ingest the bundled multilingual sample research into workspace 'sample' and search it."""
    with as_file(files("knowledge") / "samples") as root, open_library() as library:
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
            print_hits(searcher.search(query, k=3, filters=SearchFilters(workspace=WORKSPACE)))
    out.print(
        "\nNext: ingest your own research with "
        "[bold]cjm ingest PATH --kind review --workspace NAME[/bold] and search it with "
        "[bold]cjm search QUERY --workspace NAME[/bold]. See `cjm --help`."
    )

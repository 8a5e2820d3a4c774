"""``cjm search``."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import JsonOption, WorkspaceOption, open_library, out, print_json
from knowledge.search.filters import EvidenceFilter
from knowledge.search.searcher import Hit, Searcher
from knowledge.text.segment import clip


def print_hits(hits: list[Hit]) -> None:
    if not hits:
        out.print("[dim]no evidence found[/dim]")
    for rank, hit in enumerate(hits, start=1):
        where = ", ".join(f"{k} {v}" for k, v in hit.location.items() if v is not None)
        note = f" · not customer experience ({hit.not_substantive})" if hit.not_substantive else ""
        out.print(
            f"[bold]{rank}.[/bold] [cyan]{hit.lang}[/cyan] {hit.kind} "
            f"[dim]{hit.evidence_id} · {where} · score {hit.score:.4f}{note}[/dim]"
        )
        text = clip(hit.text, 300)
        out.print(f"   {text}", markup=False, highlight=False)


def search(
    query: Annotated[str, typer.Argument(help="What to look for, in any language.")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=1000, help="Number of hits.")] = 10,
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", help="Only evidence in this language (repeatable)."),
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only this kind of research (repeatable).")
    ] = None,
    workspace: WorkspaceOption = "default",
    product: Annotated[str | None, typer.Option(help="Only this product.")] = None,
    segment: Annotated[str | None, typer.Option(help="Only this customer segment.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="From date, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="To date, YYYY-MM-DD.")] = None,
    rating_min: Annotated[float | None, typer.Option(help="Lowest rating.")] = None,
    rating_max: Annotated[float | None, typer.Option(help="Highest rating.")] = None,
    label: Annotated[
        list[str] | None, typer.Option("--label", help="Only this source label (repeatable).")
    ] = None,
    mode: Annotated[str, typer.Option(help="hybrid (default), dense or lexical.")] = "hybrid",
    json_output: JsonOption = False,
) -> None:
    """Search the evidence: hybrid dense + keyword search, across languages."""
    if mode not in ("hybrid", "dense", "lexical"):
        raise typer.BadParameter("mode must be hybrid, dense or lexical", param_hint="--mode")
    filters = EvidenceFilter(
        workspace=workspace,
        langs=tuple(lang or ()),
        kinds=tuple(kind or ()),
        product=product,
        segment=segment,
        date_from=date_from,
        date_to=date_to,
        rating_min=rating_min,
        rating_max=rating_max,
        labels=tuple(label or ()),
    )
    with open_library() as library:
        hits = Searcher(library).search(query, k=k, filters=filters, mode=mode)  # type: ignore[arg-type]
    if json_output:
        print_json({"query": query, "hits": [h.as_dict() for h in hits]})
    else:
        print_hits(hits)

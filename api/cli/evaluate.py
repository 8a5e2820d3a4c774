"""``cjm evaluate``: a map's health, checked against the library, for its reviewers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import JsonOption, WorkspaceOption, open_library, out, print_json
from generator.evaluation.map_health import Finding, MapHealth, evaluate_map
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError

SHOWN = 12  # findings listed per check


def _load(ref: str, workspace: str, version: int | None, repo: MapRepository) -> JourneyMap:
    path = Path(ref)
    if ref.endswith(".json") and path.is_file():
        try:
            return JourneyMap.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserInputError(f"{path}: not a journey map: {exc}") from exc
    return repo.version(workspace, ref, version).journey


def _line(label: str, part: int, whole: int) -> str:
    share = f" ({part / whole:.0%})" if whole else ""
    return f"  {label:44} {part}/{whole}{share}"


def _print(journey: JourneyMap, health: MapHealth) -> None:
    out.rule(f"[bold]Map health[/bold] · {journey.title.text} · {journey.language}")
    out.print(_line("quotes verbatim in stored evidence", health.quotes_verbatim, health.quotes))
    out.print(
        _line("evidence ids in the workspace", health.evidence_ids_resolved, health.evidence_ids)
    )
    out.print(
        _line(
            "pain points, stages named that exist",
            health.references_resolved,
            health.references,
        )
    )
    out.print(
        _line(
            f"texts in the map's language ({journey.language})",
            health.texts_in_language,
            health.texts,
        )
    )
    out.print(f"  {'quotes that are not customer experience':44} {len(health.not_substantive)}")
    out.print(f"  {'quotes from evidence addressing an AI':44} {len(health.flagged)}")
    out.print(f"  {'stage warnings (one source or language)':44} {len(health.thin_stages)}")
    if health.polarity_checked:
        out.print(
            _line(
                "pain-point quotes that are not complaints",
                len(health.pain_not_complaint),
                health.pain_quotes,
            )
        )
        out.print(
            _line(
                "delighter quotes that are complaints",
                len(health.delight_complaint),
                health.delight_quotes,
            )
        )
    else:
        out.print("  polarity of quotes not checked (the workspace holds none of the evidence)")
    checks: list[tuple[str, list[Finding]]] = [
        ("quotes not verbatim", health.not_verbatim),
        ("ids that do not resolve", health.unresolved),
        ("texts in another language", health.other_language),
        ("quotes that are not customer experience", health.not_substantive),
        ("quotes from evidence addressing an AI", health.flagged),
        ("stage warnings", health.thin_stages),
        ("pain-point quotes that are not complaints", health.pain_not_complaint),
        ("delighter quotes that are complaints", health.delight_complaint),
    ]
    listed = [(name, found) for name, found in checks if found]
    if listed:
        out.print("\n[bold]Check before approving[/bold]")
    for name, found in listed:
        out.print(f"[yellow]{name}[/yellow] ({len(found)})")
        for f in found[:SHOWN]:
            ref = f" ({f.evidence_id})" if f.evidence_id else ""
            out.print(f"  - {f.path}: {f.detail}{ref}", markup=False, highlight=False)
        if len(found) > SHOWN:
            out.print(f"  … and {len(found) - SHOWN} more (--json lists all)")


def evaluate_command(
    map_ref: Annotated[
        str,
        typer.Argument(
            metavar="MAP",
            help="A stored map's id (in --workspace), or a map JSON file (checked against the "
            "workspace it was drafted from).",
        ),
    ],
    workspace: WorkspaceOption = "default",
    version: Annotated[
        int | None, typer.Option(help="A stored version (default: the head).")
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Exit with status 1 when a check finds something.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Check a map before approving it: quotes verbatim, ids that resolve, texts in the map's
    language, quotes that are not customer experience or address an AI, thin stages, pain
    points quoting praise."""
    with open_library() as library:
        journey = _load(map_ref, workspace, version, MapRepository(library.db))
        stored = not (map_ref.endswith(".json") and Path(map_ref).is_file())
        health = evaluate_map(library, journey, workspace if stored else None)
    if json_output:
        print_json(health.as_dict())
    else:
        _print(journey, health)
    if strict and not health.ok:
        raise typer.Exit(1)

"""``cjm ask``: questions about maps, answered with citations."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import JsonOption, WorkspaceOption, err, open_library, out, print_json
from api.cli.draft import _progress
from api.cli.errors import fail
from generator.llm.errors import LLMError
from generator.llm.factory import configured_model
from generator.llm.failures import save_failure
from generator.qa.answer import Asker
from generator.qa.scope import scope_maps
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import get_settings
from knowledge.vocabulary import LISTED


def ask_command(
    question: Annotated[str, typer.Argument(help=f"The question, in any of {LISTED}.")],
    map_id: Annotated[
        list[str] | None,
        typer.Option("--map", help="A map to ask about (repeatable); default: all approved maps."),
    ] = None,
    workspace: WorkspaceOption = "default",
    lang: Annotated[
        str | None, typer.Option(help="Answer in this language (default: the question's).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Ask about maps: an answer in your language, citing map elements and evidence.

    Counts and priorities come from the maps' data, as the maps show them; a map and its
    translations count once, answered from the version in your language (else the source).
    Without a configured model the answer is composed from that data."""
    settings = get_settings()
    model = configured_model(settings)
    try:
        with open_library() as library:
            maps = scope_maps(MapRepository(library.db), workspace, map_id)
            answer = Asker(library, model, settings, _progress).ask(question, maps, lang)
    except LLMError as exc:
        saved = save_failure(settings.home, "ask", exc)
        failed = fail(exc)
        err.print(f"  details: {saved}", markup=False, highlight=False)
        raise failed from exc
    finally:
        if model is not None:
            model.close()
    if json_output:
        print_json(answer.as_dict())
        return
    out.print(answer.text, highlight=False, markup=False)
    for c in answer.citations:
        where = f"{c['stage']} · " if c["stage"] else ""
        out.print(f"  • {c['title']} ({where}{c['lang']})", highlight=False, markup=False)
        for ev in c["evidence"][:2]:
            out.print(
                f"      {ev['evidence_id']} ({ev['lang']}): “{ev['quote']}”",
                highlight=False,
                markup=False,
            )

"""``cjm translate``: a stored map in another team's language, linked to its source."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import JsonOption, WorkspaceOption, err, open_library, print_json
from api.cli.draft import HOW_TO_CONFIGURE, _progress
from api.cli.errors import fail
from generator.llm.errors import LLMConfigError, LLMError
from generator.llm.factory import configured_model
from generator.llm.failures import save_failure
from generator.llm.job import LLMJob
from generator.qa.vectors import store_element_vectors
from generator.translation.glossaries import resolve_glossary
from generator.translation.service import translate_map
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import get_settings
from knowledge.vocabulary import ONE_OF, SUPPORTED_LANGUAGES


def translate_command(
    map_id: Annotated[str, typer.Argument(help="The stored map to translate (its id).")],
    to: Annotated[str, typer.Option("--to", help=f"Target language: {ONE_OF}.")],
    workspace: WorkspaceOption = "default",
    glossary: Annotated[
        str | None,
        typer.Option(help="A stored glossary's name, or a CSV/YAML glossary file."),
    ] = None,
    version: Annotated[
        int | None, typer.Option(help="Version of the source map (default: its head).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Translate a stored map for another language team.

    The first time it is a new map (a draft for that team); again later, a refresh that sends
    only changed texts and keeps the team's edits. Ids, numbers and evidence stay; quotes stay
    verbatim with a translation alongside."""
    if to not in SUPPORTED_LANGUAGES:
        err.print(f"[red]error:[/red] --to must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        raise typer.Exit(2)
    settings = get_settings()
    model = configured_model(settings)
    if model is None:
        raise LLMConfigError(f"translation needs a language model.\n{HOW_TO_CONFIGURE}")
    try:
        with open_library() as library:
            job = LLMJob.from_settings(model, settings, to, _progress)
            done = translate_map(
                MapRepository(library.db, stored=store_element_vectors(library, _progress)),
                workspace,
                map_id,
                job,
                "cli",
                resolve_glossary(library.db, workspace, glossary),
                version,
                _progress,
            )
    except LLMError as exc:
        saved = save_failure(settings.home, "translate", exc)
        failed = fail(exc)
        err.print(f"  details: {saved}", markup=False, highlight=False)
        raise failed from exc
    finally:
        if model is not None:
            model.close()
    r = done.result
    if json_output:
        print_json(done.summary())
        return
    verb = "refreshed" if done.refreshed else "created"
    err.print(
        f"{verb} {done.info.id} v{done.info.head} ({to}): {r.sent} texts sent "
        f"({r.chars_sent} characters), {r.reused} from translation memory"
    )
    for miss in r.glossary_misses:
        err.print(
            f"[yellow]glossary:[/yellow] {miss.path}: {miss.term!r} is not translated as "
            f"{miss.expected!r}"
        )

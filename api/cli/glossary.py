"""``cjm glossary``: a team's terms in each language, per workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import JsonOption, WorkspaceOption, err, out, print_json
from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import get_settings
from knowledge.store import Database
from knowledge.translation.glossary import GlossaryStore, parse_glossary

glossary = typer.Typer(
    help="Team glossaries (CSV or YAML: a term in each language) used by translation.",
    no_args_is_help=True,
)


def _store() -> tuple[Database, GlossaryStore]:
    db = Database(get_settings())
    return db, GlossaryStore(db)


@glossary.command("import")
def import_glossary(
    file: Annotated[Path, typer.Argument(help="A .csv (header: language codes) or .yaml file.")],
    workspace: WorkspaceOption = "default",
    name: Annotated[str | None, typer.Option(help="Glossary name (default: file name).")] = None,
) -> None:
    """Create or replace a glossary from a file; a mistake is reported with its line."""
    db, store = _store()
    try:
        text = file.read_text(encoding="utf-8-sig")
        parsed = parse_glossary(text, name or file.stem, file.suffix.lstrip(".").lower())
        info, created = store.put(workspace, parsed, "cli")
    except OSError as exc:
        raise UserInputError(f"{file}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UserInputError(f"{file}: not UTF-8 text") from exc
    except UserInputError as exc:
        raise UserInputError(f"{file}: {exc}", field=exc.field) from exc
    finally:
        db.dispose()
    verb = "created" if created else "replaced"
    err.print(f"{verb} glossary {info.name}: {info.terms} terms in {', '.join(info.languages)}")


@glossary.command("list")
def list_glossaries(
    workspace: WorkspaceOption = "default", json_output: JsonOption = False
) -> None:
    """The workspace's glossaries."""
    db, store = _store()
    try:
        infos = store.list(workspace)
    finally:
        db.dispose()
    if json_output:
        print_json(
            [
                {"name": i.name, "terms": i.terms, "languages": i.languages, "actor": i.actor}
                for i in infos
            ]
        )
        return
    table = Table("name", "terms", "languages", "updated")
    for i in infos:
        table.add_row(i.name, str(i.terms), " ".join(i.languages), f"{i.updated_at:%Y-%m-%d}")
    out.print(table)


@glossary.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Glossary name.")],
    workspace: WorkspaceOption = "default",
    json_output: JsonOption = False,
) -> None:
    """Every term of a glossary."""
    db, store = _store()
    try:
        found = store.get(workspace, name)
    finally:
        db.dispose()
    if json_output:
        print_json(found.model_dump())
        return
    langs = found.languages()
    table = Table(*langs)
    for term in found.terms:
        table.add_row(*(term.get(lang, "") for lang in langs))
    out.print(table)


@glossary.command("delete")
def delete(
    name: Annotated[str, typer.Argument(help="Glossary name.")],
    workspace: WorkspaceOption = "default",
) -> None:
    """Delete a glossary."""
    db, store = _store()
    try:
        store.delete(workspace, name)
    finally:
        db.dispose()
    err.print(f"deleted glossary {name}")

"""The ``cjm`` application: one module per command group, registered here."""

from __future__ import annotations

import typer

from api.cli.analysis import analyze_command
from api.cli.ask import ask_command
from api.cli.db import db
from api.cli.demo import demo
from api.cli.draft import draft_command
from api.cli.errors import ReportingGroup
from api.cli.evaluate import evaluate_command
from api.cli.export import export_command
from api.cli.glossary import glossary
from api.cli.ingest import ingest, reindex_command
from api.cli.jobs import jobs
from api.cli.labels import label
from api.cli.maps import maps
from api.cli.mcp import mcp_command
from api.cli.schema import schema
from api.cli.search import search
from api.cli.server import keys, serve, worker
from api.cli.status import status
from api.cli.translate import translate_command
from knowledge.vocabulary import LISTED

app = typer.Typer(
    name="cjm",
    help=(
        "Multilingual, evidence-grounded customer journey maps from raw research "
        f"({LISTED}). Data lives in CJM_HOME (default ~/.cjm); the store's schema is "
        "upgraded on start (CJM_DB_UPGRADE=off: by `cjm db upgrade`)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=ReportingGroup,  # an error of the product: its message and its class's exit status
)
app.command("demo")(demo)
app.command("ingest")(ingest)
app.command("search")(search)
app.command("reindex")(reindex_command)
app.command("status")(status)
app.command("schema")(schema)
app.command("analyze")(analyze_command)
app.command("draft")(draft_command)
app.command("translate")(translate_command)
app.command("ask")(ask_command)
app.command("export")(export_command)
app.command("evaluate")(evaluate_command)
app.command("serve")(serve)
app.command("worker")(worker)
app.command("mcp")(mcp_command)
app.add_typer(maps, name="maps")
app.add_typer(jobs, name="jobs")
app.add_typer(keys, name="keys")
app.add_typer(glossary, name="glossary")
app.add_typer(label, name="label")
app.add_typer(db, name="db")

if __name__ == "__main__":  # pragma: no cover
    app()

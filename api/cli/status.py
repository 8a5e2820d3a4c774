"""``cjm status``: what the library holds."""

from __future__ import annotations

from sqlalchemy import func, select

from api.cli.common import JsonOption, WorkspaceOption, open_library, out, print_json
from knowledge.store import ChunkRow, SourceRow


def status(workspace: WorkspaceOption = "default", json_output: JsonOption = False) -> None:
    """Sources, evidence per language and kind, and the index's embedder."""
    with open_library() as library:
        with library.db.session() as s:
            sources = dict(
                s.execute(
                    select(SourceRow.status, func.count(SourceRow.id))
                    .where(SourceRow.workspace == workspace)
                    .group_by(SourceRow.status)
                ).all()
            )
            by_lang_kind = s.execute(
                select(ChunkRow.lang, ChunkRow.kind, func.count(ChunkRow.id))
                .where(ChunkRow.workspace == workspace, ChunkRow.role == "customer")
                .group_by(ChunkRow.lang, ChunkRow.kind)
            ).all()
        summary = {
            "home": str(library.settings.home),
            "database": library.db.engine.url.render_as_string(hide_password=True),
            "workspace": workspace,
            "sources": sources,
            "evidence": [
                {"lang": lang, "kind": kind, "chunks": n} for lang, kind, n in by_lang_kind
            ],
            "embedder": library.embedder.id,
            "indexed_chunks": library.index.count(),
        }
    if json_output:
        print_json(summary)
        return
    for key, value in summary.items():
        out.print(f"[bold]{key}[/bold]: {value}")

"""Analysis documents kept in the store (an analysis job's result), so whichever process ran
the job, every API replica serves it."""

from __future__ import annotations

from knowledge.store import AnalysisRow, Database


def save_analysis(db: Database, workspace: str, analysis_id: str, document: str) -> None:
    """Keep ``document`` (JSON) as analysis ``analysis_id``; a rerun of the job replaces it."""
    with db.session() as s:
        row = s.get(AnalysisRow, analysis_id)
        if row is None:
            s.add(AnalysisRow(id=analysis_id, workspace=workspace, document=document))
        else:
            row.document = document


def load_analysis(db: Database, workspace: str, analysis_id: str) -> str | None:
    """The analysis's JSON document, or None (another workspace's analysis is not found)."""
    with db.session() as s:
        row = s.get(AnalysisRow, analysis_id)
        return row.document if row is not None and row.workspace == workspace else None

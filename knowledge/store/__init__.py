"""The canonical SQL store (SQLAlchemy 2): SQLite by default, PostgreSQL by URL; its schema is
versioned by Alembic revisions (``knowledge.store.migrate``, ``migrations/``)."""

from knowledge.store.access_schema import ApiKeyRow
from knowledge.store.correction_schema import CorrectionRow
from knowledge.store.database import Database
from knowledge.store.glossary_schema import GlossaryRow
from knowledge.store.job_schema import AnalysisRow, JobRow, UploadRow
from knowledge.store.review_schema import CommentRow, MapEventRow, MapRow, MapVersionRow
from knowledge.store.schema import (
    Base,
    CentroidRow,
    ChunkRow,
    DocumentRow,
    EmbeddingRow,
    SourceRow,
)
from knowledge.store.translation_schema import MapLinkRow, TranslationMemoryRow

__all__ = [
    "AnalysisRow",
    "UploadRow",
    "ApiKeyRow",
    "Base",
    "CentroidRow",
    "ChunkRow",
    "CommentRow",
    "CorrectionRow",
    "MapEventRow",
    "MapRow",
    "MapVersionRow",
    "Database",
    "DocumentRow",
    "EmbeddingRow",
    "GlossaryRow",
    "JobRow",
    "MapLinkRow",
    "TranslationMemoryRow",
    "SourceRow",
]

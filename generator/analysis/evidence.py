"""The evidence an analysis works on: one workspace's customer chunks in scope, with their
stored vectors (from the embedding cache, so nothing is embedded again)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import select

from knowledge.platform.errors import UserInputError
from knowledge.search.embeddings import Vectors
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.store import ChunkRow, DocumentRow, EmbeddingRow, SourceRow
from knowledge.text.hygiene import Hygiene, assess


@dataclass
class Evidence:
    id: str
    document_id: str
    source_id: str
    text: str
    lang: str
    kind: str
    location: dict[str, Any]
    tokens: list[str]
    rating: float | None
    label: str | None
    date: str | None
    record_meta: dict[str, Any] = field(default_factory=dict)
    # whether it is customer experience (greetings, markers, emoji, links, brand replies are
    # not) and its flags; see ``knowledge.text.hygiene``
    hygiene: Hygiene = field(default_factory=Hygiene)
    text_hash: str = ""  # finds a researcher's label again after a re-ingest


@dataclass
class EvidenceSet:
    items: list[Evidence]
    vectors: Vectors  # row i belongs to items[i], L2-normalised

    def __len__(self) -> int:
        return len(self.items)

    def subset(self, rows: list[int]) -> EvidenceSet:
        return EvidenceSet([self.items[i] for i in rows], self.vectors[rows])


def load_evidence(library: Library, scope: EvidenceFilter) -> EvidenceSet:
    """Customer evidence (not interviewer turns) in scope, in a stable order."""
    query = (
        select(ChunkRow, DocumentRow.meta, EmbeddingRow.vector)
        .join(SourceRow, SourceRow.id == ChunkRow.source_id)
        .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
        .join(
            EmbeddingRow,
            (EmbeddingRow.text_hash == ChunkRow.text_hash)
            & (EmbeddingRow.embedder == library.embedder.id),
        )
        .where(
            ChunkRow.workspace == scope.workspace,
            ChunkRow.role == "customer",
            SourceRow.status == "indexed",
        )
        .order_by(ChunkRow.source_id, ChunkRow.document_id, ChunkRow.ordinal)
    )
    if scope.langs:
        query = query.where(ChunkRow.lang.in_(scope.langs))
    if scope.kinds:
        query = query.where(ChunkRow.kind.in_(scope.kinds))
    if scope.product:
        query = query.where(ChunkRow.product == scope.product)
    if scope.segment:
        query = query.where(ChunkRow.segment == scope.segment)
    if scope.date_from:
        query = query.where(ChunkRow.date >= scope.date_from)
    if scope.date_to:
        query = query.where(ChunkRow.date <= scope.date_to)
    if scope.rating_min is not None:
        query = query.where(ChunkRow.rating >= scope.rating_min)
    if scope.rating_max is not None:
        query = query.where(ChunkRow.rating <= scope.rating_max)
    if scope.labels:
        query = query.where(ChunkRow.label.in_(scope.labels))
    scope.validate()
    items: list[Evidence] = []
    vectors: list[Vectors] = []
    with library.db.session() as s:
        for chunk, doc_meta, blob in s.execute(query):
            items.append(
                Evidence(
                    id=chunk.id,
                    document_id=chunk.document_id,
                    source_id=chunk.source_id,
                    text=chunk.text,
                    lang=chunk.lang,
                    kind=chunk.kind,
                    location=chunk.location,
                    tokens=chunk.tokens.split(),
                    rating=chunk.rating,
                    label=chunk.label,
                    date=chunk.date,
                    record_meta=doc_meta,
                    hygiene=assess(chunk.text, chunk.lang, chunk.kind),
                    text_hash=chunk.text_hash,
                )
            )
            vectors.append(np.frombuffer(blob, dtype=np.float32))
    if not items:
        raise UserInputError(
            f"workspace {scope.workspace!r} has no evidence in scope; ingest research into it "
            "first or widen the filters"
        )
    return EvidenceSet(items, np.stack(vectors).astype(np.float32))

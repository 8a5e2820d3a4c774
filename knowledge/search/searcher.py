"""Hybrid search over evidence: dense (Chroma, multilingual e5) and lexical (BM25 over
segmented text), fused. A query in one language finds evidence in the others through the dense
channel and through lexical feedback from the dense hits (see ``fuse``)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select

from knowledge.platform.errors import UserInputError
from knowledge.search.dense import LanguageCentroids, rocchio_scores
from knowledge.search.embeddings import Vectors
from knowledge.search.exact import ExactVectors
from knowledge.search.filters import EvidenceFilter
from knowledge.search.fusion import Mode, Ranked, SearchParams, fuse
from knowledge.search.lexical import BM25Index
from knowledge.search.library import Library
from knowledge.store import ChunkRow, SourceRow
from knowledge.text.hygiene import assess
from knowledge.text.segment import tokenize

EXTRA_FOR_HYGIENE = 10  # hits fetched beyond k, so non-substantive ones can make room


@dataclass
class Hit:
    evidence_id: str
    document_id: str
    source_id: str
    text: str
    lang: str
    kind: str
    location: dict[str, Any]
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # why it is not customer experience (see knowledge.text.hygiene), None when it is
    not_substantive: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "evidence_id": self.evidence_id,
            "document_id": self.document_id,
            "source_id": self.source_id,
            "lang": self.lang,
            "kind": self.kind,
            "location": self.location,
            "text": self.text,
            "score": round(self.score, 6),
            "dense_rank": self.dense_rank,
            "lexical_rank": self.lexical_rank,
            "meta": self.meta,
            "not_substantive": self.not_substantive,
        }


class _LexicalSnapshot:
    """BM25 over one workspace plus the columns filters need, as numpy arrays."""

    def __init__(self, rows: list[Any]) -> None:
        self.ids = [r.id for r in rows]
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        self.bm25 = BM25Index(self.ids, [r.tokens.split() for r in rows])
        self.lang = np.array([r.lang for r in rows], dtype=object)
        self.kind = np.array([r.kind for r in rows], dtype=object)
        self.product = np.array([r.product for r in rows], dtype=object)
        self.segment = np.array([r.segment for r in rows], dtype=object)
        self.date = np.array([r.date or "" for r in rows], dtype=object)
        self.rating = np.array(
            [np.nan if r.rating is None else r.rating for r in rows], dtype=np.float64
        )
        self.label = np.array([r.label for r in rows], dtype=object)

    def mask(self, f: EvidenceFilter) -> npt.NDArray[np.bool_] | None:
        m = np.ones(len(self.ids), dtype=bool)
        if f.langs:
            m &= np.isin(self.lang, list(f.langs))
        if f.kinds:
            m &= np.isin(self.kind, list(f.kinds))
        if f.product:
            m &= self.product == f.product
        if f.segment:
            m &= self.segment == f.segment
        if f.date_from:
            m &= (self.date >= f.date_from) & (self.date != "")
        if f.date_to:
            m &= (self.date <= f.date_to) & (self.date != "")
        with np.errstate(invalid="ignore"):
            if f.rating_min is not None:
                m &= self.rating >= f.rating_min
            if f.rating_max is not None:
                m &= self.rating <= f.rating_max
        if f.labels:
            m &= np.isin(self.label, list(f.labels))
        return None if m.all() else m


class Searcher:
    """Hybrid search; keeps one lexical snapshot per workspace, rebuilt when ingest changed it."""

    def __init__(self, library: Library, params: SearchParams | None = None) -> None:
        self.library = library
        self.params = params or SearchParams()
        self._snapshots: dict[str, tuple[tuple[Any, ...], _LexicalSnapshot]] = {}
        self._lock = threading.Lock()
        self._exact: dict[tuple[str, str], tuple[tuple[Any, ...], ExactVectors]] = {}
        self._exact_lock = threading.Lock()
        self._checked = False
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="cjm-search")

    def close(self) -> None:
        """Stops the search threads (an app keeps one searcher and closes it at shutdown)."""
        self._pool.shutdown(wait=True)

    def _signature(self, workspace: str) -> tuple[Any, ...]:
        with self.library.db.session() as s:
            row = s.execute(
                select(
                    func.count(SourceRow.id),
                    func.sum(SourceRow.n_chunks),
                    func.max(SourceRow.created_at),
                ).where(SourceRow.workspace == workspace, SourceRow.status == "indexed")
            ).one()
        return tuple(row)

    def snapshot(
        self, workspace: str, signature: tuple[Any, ...] | None = None
    ) -> _LexicalSnapshot:
        signature = signature if signature is not None else self._signature(workspace)
        with self._lock:
            cached = self._snapshots.get(workspace)
            if cached is not None and cached[0] == signature:
                return cached[1]
            with self.library.db.session() as s:
                rows = list(
                    s.execute(
                        select(
                            ChunkRow.id,
                            ChunkRow.tokens,
                            ChunkRow.lang,
                            ChunkRow.kind,
                            ChunkRow.product,
                            ChunkRow.segment,
                            ChunkRow.date,
                            ChunkRow.rating,
                            ChunkRow.label,
                        )
                        .join(SourceRow, SourceRow.id == ChunkRow.source_id)
                        .where(
                            ChunkRow.workspace == workspace,
                            ChunkRow.role == "customer",
                            SourceRow.status == "indexed",
                        )
                        .order_by(ChunkRow.id)
                    )
                )
            snap = _LexicalSnapshot(rows)
            self._snapshots[workspace] = (signature, snap)
            return snap

    def search(
        self, query: str, k: int = 10, filters: EvidenceFilter | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]:
        filters = filters or EvidenceFilter()
        filters.validate()
        if not query.strip():
            raise UserInputError("the query is empty")
        if k < 1:
            raise UserInputError("k must be at least 1")
        hits = self._hydrate(self.rank(query, k + max(k, EXTRA_FOR_HYGIENE), filters, mode))
        # what is not customer experience (greetings, emoji, bare links, ...) goes below the
        # real evidence, in its own order
        for hit in hits:
            hit.not_substantive = assess(hit.text, hit.lang, hit.kind).reason
        ranked = [h for h in hits if h.not_substantive is None] + [
            h for h in hits if h.not_substantive is not None
        ]
        return ranked[:k]

    def rank(self, query: str, k: int, filters: EvidenceFilter, mode: Mode) -> Ranked:
        """(evidence id, fused score, dense rank, lexical rank), best first."""
        p = self.params
        pool = max(k, p.pool)
        dense: list[tuple[str, float]] = []
        if mode in ("hybrid", "dense"):
            dense = self.dense(query, pool, filters)
        lexical: list[tuple[str, float]] = []
        if mode in ("hybrid", "lexical"):
            snap = self.snapshot(filters.workspace)
            q_tokens = tokenize(query)
            seeds = [
                snap.position[cid] for cid, _ in dense[: p.feedback_docs] if cid in snap.position
            ]
            weights = snap.bm25.feedback_query(
                q_tokens, seeds, p.feedback_terms, p.feedback_mix if seeds else 0.0
            )
            lexical = [
                (snap.ids[i], s) for i, s in snap.bm25.top(weights, pool, snap.mask(filters))
            ]
        return fuse(dense, lexical, k, p, mode)

    def dense(self, query: str, pool: int, filters: EvidenceFilter) -> list[tuple[str, float]]:
        """Language-centred dense ranking with Rocchio feedback (see ``knowledge.search.dense``)."""
        p = self.params
        if not self._checked:
            self.library.index.check_embedder()
            self._checked = True
        vector = self.library.embedder.embed_query(query)
        with self.library.db.session() as s:
            centroids = LanguageCentroids.load(s, filters.workspace, self.library.embedder.id)
        languages = [
            lang for lang in centroids.languages if not filters.langs or lang in filters.langs
        ]
        if p.centre:
            vector = centroids.centre_query(vector)
        where = filters.chroma_where()
        exact_max = self.library.settings.exact_search_max
        ids: list[str] = []
        parts: list[Vectors] = []

        def exact(lang: str) -> bool:
            size = centroids.counts.get(lang)
            return size is not None and size <= exact_max

        def approximate(lang: str) -> tuple[list[str], Vectors]:
            size = centroids.counts.get(lang)
            return self.library.index.query(filters.workspace, lang, vector, pool, where, size=size)

        found: dict[str, tuple[list[str], Vectors]] = {}
        scanned = [lang for lang in languages if exact(lang)]
        if scanned:  # in memory, a matrix product each: no threads needed
            signature = self._signature(filters.workspace)
            allowed = self._allowed(filters, signature)
            for lang in scanned:
                found[lang] = self._exact_nearest(
                    filters.workspace, lang, vector, pool, signature, allowed
                )
        # each other language is its own Chroma collection; they are answered in parallel
        others = [lang for lang in languages if not exact(lang)]
        found.update(zip(others, self._pool.map(approximate, others), strict=True))
        for lang in languages:  # the languages' fixed order, whichever way each was searched
            got, vectors = found[lang]
            ids.extend(got)
            parts.append(centroids.centre(lang, vectors) if p.centre else vectors)
        if not ids:
            return []
        matrix = np.concatenate(parts)
        scores = rocchio_scores(vector, matrix, p.rocchio_k, p.rocchio_beta)
        order = np.argsort(-scores, kind="stable")[:pool]
        return [(ids[i], float(scores[i])) for i in order]

    def _allowed(
        self, filters: EvidenceFilter, signature: tuple[Any, ...]
    ) -> tuple[_LexicalSnapshot, npt.NDArray[np.bool_]] | None:
        """The snapshot and its mask of chunks the filters keep; None when they keep all."""
        snap = self.snapshot(filters.workspace, signature)
        mask = snap.mask(filters)
        return None if mask is None else (snap, mask)

    def _exact_nearest(
        self,
        workspace: str,
        lang: str,
        vector: Vectors,
        k: int,
        signature: tuple[Any, ...],
        allowed: tuple[_LexicalSnapshot, npt.NDArray[np.bool_]] | None,
    ) -> tuple[list[str], Vectors]:
        """A language's nearest chunks by an exact scan (see ``knowledge.search.exact``)."""
        with self._exact_lock:
            cached = self._exact.get((workspace, lang))
            if cached is None or cached[0] != signature:
                cached = (signature, ExactVectors.load(self.library.index, workspace, lang))
                self._exact[(workspace, lang)] = cached
        exact = cached[1]
        if allowed is None:
            return exact.nearest(vector, k, None)
        snap, mask = allowed
        rows = exact.rows_in(snap.position)
        return exact.nearest(vector, k, (rows >= 0) & mask[np.maximum(rows, 0)])

    def _hydrate(self, ranked: list[tuple[str, float, int | None, int | None]]) -> list[Hit]:
        if not ranked:
            return []
        ids = [r[0] for r in ranked]
        with self.library.db.session() as s:
            rows = {c.id: c for c in s.scalars(select(ChunkRow).where(ChunkRow.id.in_(ids)))}
        hits: list[Hit] = []
        for cid, score, d_rank, l_rank in ranked:
            c = rows.get(cid)
            if c is None:  # index entry whose store row was removed
                continue
            meta = {
                key: value
                for key, value in (
                    ("rating", c.rating),
                    ("label", c.label),
                    ("date", c.date),
                    ("product", c.product),
                    ("segment", c.segment),
                )
                if value is not None
            }
            hits.append(
                Hit(
                    c.id,
                    c.document_id,
                    c.source_id,
                    c.text,
                    c.lang,
                    c.kind,
                    c.location,
                    score,
                    d_rank,
                    l_rank,
                    meta,
                )
            )
        return hits

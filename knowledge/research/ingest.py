"""Ingestion: files and folders in, evidence in the store and the index out.

Each file is all-or-nothing: its documents and chunks are committed in one transaction
(status ``stored``), then written to the index and marked ``indexed``. Re-ingesting a file with
the same content is a no-op; a file left ``stored`` by a killed process is finished on the next
run. A file that cannot be read is reported with its reason and the others go on.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from knowledge.platform.errors import BadFileError
from knowledge.research.evidence import EvidenceChunk, Extraction, extract_evidence, stable_id
from knowledge.research.folders import link_problem, shown, walk
from knowledge.research.readers import SUPPORTED_EXTENSIONS, ParsedDocument, ReadOptions, read_file
from knowledge.research.readers.archives import ArchiveLimits
from knowledge.search.dense import add_to_centroids
from knowledge.search.embeddings import text_hash
from knowledge.search.library import Library
from knowledge.store import CentroidRow, ChunkRow, DocumentRow, SourceRow
from knowledge.text.hygiene import marker_spans, without_markers
from knowledge.text.languages import detect_language
from knowledge.text.normalize import content_text, language_text
from knowledge.text.segment import tokenize
from knowledge.vocabulary import EvidenceKind

FileStatus = Literal["ingested", "unchanged", "resumed", "failed", "skipped"]


class Progress(Protocol):
    """Where ingest reports progress (the CLI draws a bar; tests record calls)."""

    def file_started(self, name: str, total: int) -> None: ...

    def advance(self, n: int) -> None: ...


@dataclass(frozen=True)
class IngestOptions:
    kind: EvidenceKind
    workspace: str = "default"
    product: str | None = None
    segment: str | None = None
    text_field: str | None = None
    id_field: str | None = None
    encoding: str | None = None
    redact_pii: bool = True


@dataclass
class FileResult:
    path: str
    status: FileStatus
    reason: str | None = None
    documents: int = 0
    chunks: int = 0
    skipped_records: int = 0
    source_id: str | None = None
    field: str | None = None  # the option the reason asks for (``text_field`` ...), if any


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    pii_redacted: Counter[str] = field(default_factory=Counter)
    embedded: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(f.status == "failed" for f in self.files)

    def count(self, status: FileStatus) -> int:
        return sum(1 for f in self.files if f.status == status)

    def summary(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files": len(self.files),
            "ingested": self.count("ingested"),
            "resumed": self.count("resumed"),
            "unchanged": self.count("unchanged"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "documents": sum(
                f.documents for f in self.files if f.status in ("ingested", "resumed")
            ),
            "chunks": sum(f.chunks for f in self.files if f.status in ("ingested", "resumed")),
            "skipped_records": sum(f.skipped_records for f in self.files),
            "embedded_texts": self.embedded,
            "pii_redacted": dict(self.pii_redacted),
            "seconds": round(self.seconds, 3),
            "failures": [
                {"path": f.path, "reason": f.reason, **({"field": f.field} if f.field else {})}
                for f in self.files
                if f.status == "failed"
            ],
            "skipped_files": [
                {"path": f.path, "reason": f.reason} for f in self.files if f.status == "skipped"
            ],
            "details": [asdict(f) for f in self.files],
        }


def _evidence_of(
    source_id: str, path: Path, parsed: list[ParsedDocument], redact_pii: bool
) -> Extraction:
    """Chunks of a parsed file; a failure on its text fails this file only."""
    try:
        return extract_evidence(source_id, shown(Path(path.name)), parsed, redact_pii)
    except (BadFileError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - reported as this file's failure
        raise BadFileError(
            shown(path), f"its text could not be cut into evidence ({type(exc).__name__}: {exc})"
        ) from exc


def _chunk_metadata(chunk: ChunkRow) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "workspace": chunk.workspace,
        "lang": chunk.lang,
        "kind": chunk.kind,
        "document_id": chunk.document_id,
        "source_id": chunk.source_id,
    }
    if chunk.product:
        meta["product"] = chunk.product
    if chunk.segment:
        meta["segment"] = chunk.segment
    if chunk.date:
        meta["date"] = int(chunk.date.replace("-", ""))
    if chunk.rating is not None:
        meta["rating"] = chunk.rating
    if chunk.label:
        meta["label"] = chunk.label
    return meta


class Ingestor:
    def __init__(self, library: Library, progress: Progress | None = None) -> None:
        self.library = library
        self.progress = progress

    def run(self, paths: Iterable[Path], options: IngestOptions) -> IngestReport:
        started = time.perf_counter()
        self.library.index.check_embedder()
        report = IngestReport()
        embedded_before = self.library.cached_embedder.computed
        for found in walk(paths):
            path = found.path
            if found.skip is not None:
                report.files.append(FileResult(shown(path), "skipped", found.skip))
                continue
            if not found.explicit and path.suffix.lower() not in SUPPORTED_EXTENSIONS:
                report.files.append(FileResult(shown(path), "skipped", "unsupported format"))
                continue
            report.files.append(self._one(path, options, report))
        report.embedded = self.library.cached_embedder.computed - embedded_before
        report.seconds = time.perf_counter() - started
        return report

    def _one(self, path: Path, options: IngestOptions, report: IngestReport) -> FileResult:
        name = shown(path)
        try:
            if not path.exists():
                raise BadFileError(name, link_problem(path) or "no such file or folder")
            if not path.is_file():
                raise BadFileError(name, "not a regular file (a device, pipe or socket?)")
            limit = self.library.settings.max_file_bytes
            size = path.stat().st_size
            if size <= limit:
                with path.open("rb") as source:
                    data = source.read(limit + 1)  # a file still growing stops at the limit
                size = max(size, len(data))
            if size > limit:
                raise BadFileError(
                    name, f"{size:,} bytes is over the limit of {limit:,} (CJM_MAX_FILE_BYTES)"
                )
            sha = hashlib.sha256(data).hexdigest()
            source_id = stable_id("src", options.workspace, sha)
            with self.library.db.session() as s:
                existing = s.get(SourceRow, source_id)
                status = existing.status if existing else None
            if status == "indexed":
                repaired = self._repair_index(source_id)
                if repaired:
                    return FileResult(
                        name,
                        "resumed",
                        f"restored {repaired} chunks missing from the index",
                        chunks=repaired,
                        source_id=source_id,
                    )
                return FileResult(name, "unchanged", "already ingested", source_id=source_id)
            if status == "stored":
                n = self._index_source(source_id, name)
                return FileResult(
                    name, "resumed", "finished an interrupted ingest", chunks=n, source_id=source_id
                )
            read_options = ReadOptions(
                kind=options.kind,
                text_field=options.text_field,
                id_field=options.id_field,
                encoding=options.encoding,
                max_line_chars=self.library.settings.max_line_chars,
                archive=ArchiveLimits(
                    self.library.settings.max_archive_bytes,
                    self.library.settings.max_archive_entries,
                    self.library.settings.max_archive_ratio,
                ),
            )
            parsed, empty = read_file(path, data, read_options)
            extraction = _evidence_of(source_id, path, parsed, options.redact_pii)
            if not extraction.chunks:
                raise BadFileError(name, "no text found to ingest")
            self._store(path, sha, source_id, size, extraction, options)
            report.pii_redacted.update(extraction.redactions)
            self._index_source(source_id, name)
            return FileResult(
                name,
                "ingested",
                documents=len(extraction.documents),
                chunks=len(extraction.chunks),
                skipped_records=empty,
                source_id=source_id,
            )
        except BadFileError as exc:  # unsupported formats included
            return FileResult(name, "failed", exc.reason, field=exc.field)
        except OSError as exc:
            return FileResult(name, "failed", f"cannot read the file: {exc.strerror or exc}")
        except IntegrityError:
            return FileResult(name, "failed", "the same file is being ingested by another process")

    def _store(
        self,
        path: Path,
        sha: str,
        source_id: str,
        size: int,
        extraction: Extraction,
        options: IngestOptions,
    ) -> None:
        source = SourceRow(
            id=source_id,
            workspace=options.workspace,
            path=shown(path.resolve()),
            name=shown(Path(path.name)),
            sha256=sha,
            size=size,
            format=path.suffix.lower().lstrip("."),
            kind=options.kind,
            product=options.product,
            segment=options.segment,
            pii_redacted=options.redact_pii,
            status="stored",
            n_documents=len(extraction.documents),
            n_chunks=len(extraction.chunks),
        )
        documents = [
            {
                "id": doc.id,
                "source_id": source_id,
                "workspace": options.workspace,
                "ordinal": doc.ordinal,
                "record_id": doc.record_id,
                "location": doc.location,
                "meta": doc.meta,
            }
            for doc in extraction.documents
        ]
        chunks = [
            self._chunk_row(c, doc.meta, source_id, options)
            for doc in extraction.documents
            for c in doc.chunks
        ]
        with self.library.db.session() as s:  # one transaction: the whole file or nothing
            s.add(source)
            s.flush()
            for start in range(0, len(documents), 5000):
                s.execute(insert(DocumentRow), documents[start : start + 5000])
            for start in range(0, len(chunks), 5000):
                s.execute(insert(ChunkRow), chunks[start : start + 5000])

    @staticmethod
    def _chunk_row(
        c: EvidenceChunk, meta: dict[str, Any], source_id: str, options: IngestOptions
    ) -> dict[str, Any]:
        rating = meta.get("rating")
        return {
            "id": c.id,
            "document_id": c.document_id,
            "source_id": source_id,
            "workspace": options.workspace,
            "ordinal": c.ordinal,
            "kind": options.kind,
            "role": c.role,
            "lang": c.lang,
            "product": options.product,
            "segment": options.segment,
            "date": meta.get("date"),
            "rating": float(rating) if isinstance(rating, int | float) else None,
            "label": meta.get("label"),
            "text": c.text,
            "search_text": c.search_text,
            "tokens": c.tokens,
            "text_hash": c.text_hash,
            "char_start": c.char_start,
            "char_end": c.char_end,
            "location": c.location,
            "meta": {},
        }

    def _evidence(self, source_id: str) -> list[ChunkRow]:
        with self.library.db.session() as s:
            return list(
                s.scalars(
                    select(ChunkRow)
                    .where(ChunkRow.source_id == source_id, ChunkRow.role == "customer")
                    .order_by(ChunkRow.document_id, ChunkRow.ordinal)
                )
            )

    def _repair_index(self, source_id: str) -> int:
        """Re-upsert an indexed source's chunks that the index lost (an embedded Chroma killed
        before it persisted its last writes); returns how many were missing."""
        chunks = self._evidence(source_id)
        present = self.library.index.existing([(c.workspace, c.lang, c.id) for c in chunks])
        missing = [c for c in chunks if c.id not in present]
        if missing:
            vectors = self.library.cached_embedder.embed_evidence(
                [c.search_text for c in missing], [c.text_hash for c in missing]
            )
            self.library.index.upsert(
                [c.id for c in missing], vectors, [_chunk_metadata(c) for c in missing]
            )
        return len(missing)

    def _index_source(self, source_id: str, name: str) -> int:
        """Embed (through the cache) and upsert a stored source's evidence, then mark it indexed."""
        chunks = self._evidence(source_id)
        if self.progress is not None:
            self.progress.file_started(name, len(chunks))
        vectors = self.library.cached_embedder.embed_evidence(
            [c.search_text for c in chunks],
            [c.text_hash for c in chunks],
            on_batch=self.progress.advance if self.progress is not None else None,
        )
        self.library.index.upsert(
            [c.id for c in chunks], vectors, [_chunk_metadata(c) for c in chunks]
        )
        with self.library.db.session() as s:
            # the centroid sums and the status change commit together: counted exactly once
            add_to_centroids(
                s, self.library.embedder.id, [(c.workspace, c.lang) for c in chunks], vectors
            )
            s.execute(update(SourceRow).where(SourceRow.id == source_id).values(status="indexed"))
        return len(chunks)


def rehash_chunks(library: Library) -> int:
    """Point every chunk at the hash of what is embedded now (``normalize.content_text``), take
    transcript markers out of its search tokens and detect its language without links and
    handles; libraries ingested before these rules need it (``reindex`` then rebuilds the index
    and the language centroids). Returns how many chunks changed."""
    changed = 0
    with library.db.session() as s:
        rows = s.execute(
            select(ChunkRow.id, ChunkRow.search_text, ChunkRow.text_hash, ChunkRow.lang)
        ).all()
        for chunk_id, search_text, old, lang in rows:
            values: dict[str, str] = {}
            new = text_hash(content_text(search_text))
            if new != old:
                values["text_hash"] = new
            detected = detect_language(language_text(search_text))
            if detected != lang:
                values["lang"] = detected
            if marker_spans(search_text):
                values["tokens"] = " ".join(tokenize(without_markers(search_text)))
            if values:
                s.execute(update(ChunkRow).where(ChunkRow.id == chunk_id).values(**values))
                changed += 1
    return changed


def reindex(library: Library, progress: Progress | None = None) -> int:
    """Rebuild the whole Chroma index from the store with the configured embedder; returns
    the number of evidence chunks indexed."""
    rehash_chunks(library)
    library.index.reset()
    with library.db.session() as s:
        s.execute(delete(CentroidRow))
    with library.db.session() as s:
        query = select(SourceRow.id, SourceRow.name).order_by(SourceRow.created_at, SourceRow.id)
        sources = list(s.execute(query))
    ingestor = Ingestor(library, progress)
    return sum(ingestor._index_source(sid, name) for sid, name in sources)

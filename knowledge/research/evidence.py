"""From parsed documents to evidence chunks: PII redaction, chunking, normalisation, language,
search tokens and stable ids."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from knowledge.research.chunking import chunk_spans
from knowledge.research.pii import redact
from knowledge.research.readers.base import ParsedDocument
from knowledge.search.embeddings import text_hash
from knowledge.text.hygiene import without_markers
from knowledge.text.languages import detect_language
from knowledge.text.normalize import content_text, language_text, normalize_search_text


def stable_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}_{digest[:24]}"


@dataclass
class EvidenceChunk:
    id: str
    document_id: str
    ordinal: int
    role: str
    text: str
    search_text: str
    tokens: str
    text_hash: str
    lang: str
    char_start: int
    char_end: int
    location: dict[str, Any]


@dataclass
class EvidenceDocument:
    id: str
    ordinal: int
    record_id: str | None
    location: dict[str, Any]
    meta: dict[str, Any]
    chunks: list[EvidenceChunk]


@dataclass
class Extraction:
    documents: list[EvidenceDocument] = field(default_factory=list)
    redactions: Counter[str] = field(default_factory=Counter)

    @property
    def chunks(self) -> list[EvidenceChunk]:
        return [c for d in self.documents for c in d.chunks]


def extract_evidence(
    source_id: str, file_name: str, parsed: list[ParsedDocument], redact_pii: bool
) -> Extraction:
    """Chunks for every segment of every document, with ids stable across re-ingests."""
    from knowledge.text.segment import tokenize

    out = Extraction()
    for d_ord, doc in enumerate(parsed):
        doc_key = doc.record_id if doc.record_id is not None else f"#{d_ord}"
        document_id = stable_id("doc", source_id, doc_key, str(d_ord))
        location = {"file": file_name, **doc.location}
        chunks: list[EvidenceChunk] = []
        for s_ord, segment in enumerate(doc.segments):
            text = segment.text
            if redact_pii:
                redaction = redact(text)
                text = redaction.text
                out.redactions.update(redaction.counts)
            for span in chunk_spans(text):
                quote = text[span.start : span.end]
                search_text = normalize_search_text(quote)
                chunks.append(
                    EvidenceChunk(
                        id=stable_id("ev", document_id, str(s_ord), str(span.start)),
                        document_id=document_id,
                        ordinal=len(chunks),
                        role=segment.role,
                        text=quote,
                        search_text=search_text,
                        tokens=" ".join(tokenize(without_markers(search_text))),
                        text_hash=text_hash(content_text(search_text)),
                        lang=detect_language(language_text(search_text)),
                        char_start=span.start,
                        char_end=span.end,
                        location={**location, **segment.location},
                    )
                )
        if chunks:
            out.documents.append(
                EvidenceDocument(document_id, d_ord, doc.record_id, location, doc.meta, chunks)
            )
    return out

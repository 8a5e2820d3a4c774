"""What a reader produces: documents made of segments that chunks never cross."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from knowledge.research.readers.archives import ArchiveLimits
from knowledge.vocabulary import EvidenceKind

Role = Literal["customer", "interviewer"]


@dataclass
class Segment:
    """A turn, a page, a section or a record's text, with where it was found."""

    text: str
    location: dict[str, Any] = field(default_factory=dict)
    role: Role = "customer"


@dataclass
class ParsedDocument:
    """One document: a review row, a ticket, a transcript, a note."""

    segments: list[Segment]
    record_id: str | None = None
    location: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadOptions:
    kind: EvidenceKind = "feedback"
    text_field: str | None = None
    id_field: str | None = None
    encoding: str | None = None
    max_line_chars: int = 100_000
    archive: ArchiveLimits = field(default_factory=ArchiveLimits)

"""Which evidence a search or an analysis looks at: one workspace, narrowed by language, kind,
product, segment, date range, rating range and source label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from knowledge.platform.errors import UserInputError
from knowledge.vocabulary import EVIDENCE_KINDS, LANGUAGE_CODES


@dataclass(frozen=True)
class EvidenceFilter:
    workspace: str = "default"
    langs: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    product: str | None = None
    segment: str | None = None
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None
    rating_min: float | None = None
    rating_max: float | None = None
    labels: tuple[str, ...] = ()

    def validate(self) -> None:
        bad = [lang for lang in self.langs if lang not in LANGUAGE_CODES]
        if bad:
            raise UserInputError(
                f"unknown language {bad[0]!r}; use one of {', '.join(LANGUAGE_CODES)}"
            )
        bad = [k for k in self.kinds if k not in EVIDENCE_KINDS]
        if bad:
            raise UserInputError(f"unknown kind {bad[0]!r}; use one of {', '.join(EVIDENCE_KINDS)}")
        for d in (self.date_from, self.date_to):
            if d is not None and not _is_iso_date(d):
                raise UserInputError(f"date {d!r} is not in YYYY-MM-DD form")

    def chroma_where(self) -> dict[str, Any] | None:
        """Filters beyond workspace and language, which pick the collection (None: none)."""
        clauses: list[dict[str, Any]] = []
        if self.kinds:
            clauses.append({"kind": {"$in": list(self.kinds)}})
        if self.product:
            clauses.append({"product": self.product})
        if self.segment:
            clauses.append({"segment": self.segment})
        if self.date_from:
            clauses.append({"date": {"$gte": int(self.date_from.replace("-", ""))}})
        if self.date_to:
            clauses.append({"date": {"$lte": int(self.date_to.replace("-", ""))}})
        if self.rating_min is not None:
            clauses.append({"rating": {"$gte": self.rating_min}})
        if self.rating_max is not None:
            clauses.append({"rating": {"$lte": self.rating_max}})
        if self.labels:
            clauses.append({"label": {"$in": list(self.labels)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10

"""Corrections as the analysis uses them: the active labels and theme rules of one workspace,
and how a label finds its evidence again (by id, else by record and text after a re-ingest)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

ACTIONS = ("label", "merge", "move_out")


@dataclass(frozen=True)
class ThemeAnchor:
    """What identifies a theme in a later analysis: its id (stable for a code's theme), its
    stage and code, and some of its evidence (an emergent theme is the one holding most)."""

    id: str
    stage: str
    code: str | None
    evidence: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "evidence": list(self.evidence)}

    @classmethod
    def of(cls, data: dict[str, Any]) -> ThemeAnchor:
        return cls(
            str(data["id"]),
            str(data["stage"]),
            data.get("code"),
            tuple(str(e) for e in data.get("evidence", [])),
        )


@dataclass(frozen=True)
class Correction:
    """One correction as stored (any state), for history, export and the API."""

    id: str
    workspace: str
    action: str
    evidence_id: str | None
    record_id: str | None
    text_hash: str | None
    framework: str | None
    stage: str | None
    code: str | None
    not_evidence: bool
    themes: tuple[ThemeAnchor, ...]
    note: str
    actor: str
    created_at: datetime
    state: str
    ended_by: str | None = None
    ended_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["themes"] = [t.as_dict() for t in self.themes]
        out["origin"] = "human"
        out["created_at"] = self.created_at.isoformat()
        out["ended_at"] = self.ended_at.isoformat() if self.ended_at else None
        return out


class Locatable(Protocol):
    id: str
    location: dict[str, Any]
    text_hash: str


@dataclass(frozen=True)
class Corrections:
    """The active corrections of a workspace."""

    labels: tuple[Correction, ...] = ()
    rules: tuple[Correction, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.labels) + len(self.rules)

    def labels_for(self, items: Sequence[Locatable]) -> dict[int, Correction]:
        """item index -> its label: by evidence id, else (after a re-ingest gave the evidence
        a new id) by the record id and text it had, else by its text when only one item has
        it."""
        by_id = {c.evidence_id: c for c in self.labels if c.evidence_id}
        by_record = {(c.record_id, c.text_hash): c for c in self.labels if c.record_id}
        by_text: dict[str | None, list[Correction]] = {}
        for c in self.labels:
            by_text.setdefault(c.text_hash, []).append(c)
        hashes: dict[str, int] = {}
        for it in items:
            hashes[it.text_hash] = hashes.get(it.text_hash, 0) + 1
        present = {it.id for it in items}
        out: dict[int, Correction] = {}
        for i, it in enumerate(items):
            found = by_id.get(it.id)
            if found is None:
                found = by_record.get((str(it.location.get("record_id")), it.text_hash))
                if found is not None and found.evidence_id in present:
                    found = None  # that label's own evidence is still here
            if found is None and hashes.get(it.text_hash) == 1:
                same = [c for c in by_text.get(it.text_hash, []) if c.evidence_id not in present]
                found = same[0] if len(same) == 1 else None
            if found is not None:
                out[i] = found
        return out

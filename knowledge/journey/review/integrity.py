"""What every stored version of a map must hold, whoever wrote it (a draft, an import, an edit,
a regeneration or a translation): every quote is a verbatim part of a customer's evidence stored
in the map's workspace, with that evidence's language and kind; every stage is a stage of the map's
framework; every id a map names (``addresses``, coverage by stage) resolves in the map, and every
map it names (``translation_of``, ``provenance/based_on``) is a map of the workspace. A version
that breaks this is refused with the path and the reason, and nothing is written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.journey.review.paths import walk_quotes
from knowledge.platform.errors import UserInputError
from knowledge.store import ChunkRow, MapRow, MapVersionRow
from knowledge.vocabulary import EVIDENCE_KINDS, LANGUAGE_CODES, OTHER

UNPLACED = "none"


@dataclass(frozen=True)
class Broken:
    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "msg": self.reason}


class MapIntegrityError(UserInputError):
    """A version of a map would name evidence, stages or pain points that are not there."""

    def __init__(self, broken: list[Broken]) -> None:
        shown = "; ".join(f"{b.path}: {b.reason}" for b in broken[:5])
        more = f" (and {len(broken) - 5} more)" if len(broken) > 5 else ""
        super().__init__(f"nothing was stored: {shown}{more}")
        self.broken = broken

    @property
    def errors(self) -> list[dict[str, str]]:
        return [b.as_dict() for b in self.broken]


CUT = "…"  # marks where a quote cuts a sentence of its evidence


def quoted_part(quote: str) -> str:
    """What a quote quotes: the quote without the ellipses that mark where it was cut."""
    return quote.strip().removeprefix(CUT).removesuffix(CUT).strip()


def is_verbatim(quote: str, text: str) -> bool:
    """Whether ``quote`` is a non-empty verbatim part of ``text`` (no normalisation: Persian
    ZWNJ, Thai and Chinese are compared character for character), but for an ellipsis at
    either end that marks a cut."""
    stripped, part = quote.strip(), quoted_part(quote)
    return bool(part) and (stripped in text or part in text)


def stored_lang(row: ChunkRow) -> str:
    return row.lang if row.lang in LANGUAGE_CODES else OTHER


def stored_kind(row: ChunkRow) -> str | None:
    return row.kind if row.kind in EVIDENCE_KINDS else None


def stored_chunks(s: Session, workspace: str, ids: Iterable[str]) -> dict[str, ChunkRow]:
    """The stored evidence of ``workspace`` among ``ids`` (detached from the session)."""
    found: dict[str, ChunkRow] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), 500):
        rows = s.scalars(
            select(ChunkRow).where(
                ChunkRow.workspace == workspace, ChunkRow.id.in_(ordered[start : start + 500])
            )
        )
        for row in rows:
            s.expunge(row)
            found[row.id] = row
    return found


def quote_problems(path: str, ref: dict[str, Any], row: ChunkRow | None) -> list[Broken]:
    """Why a quote is not what it claims to be (empty when it is)."""
    if row is None:
        return [Broken(path, f"evidence {ref['evidence_id']} is not in the workspace")]
    out = []
    if row.role != "customer":
        out.append(Broken(path, f"{row.id} is the {row.role}'s words, not a customer's"))
    if not is_verbatim(ref["quote"], row.text):
        out.append(Broken(path, f"the quote is not a verbatim part of {row.id}"))
    if ref["lang"] != stored_lang(row):
        out.append(Broken(path, f"{row.id} is in {stored_lang(row)}, not {ref['lang']}"))
    if ref["kind"] != stored_kind(row):
        out.append(Broken(path, f"{row.id} is {row.kind} evidence, not {ref['kind']}"))
    return out


def _duplicates(where: str, ids: list[str]) -> list[Broken]:
    return [Broken(where, f"id {i} is used {n} times") for i, n in Counter(ids).items() if n > 1]


def _lists_with_ids(node: Any, prefix: str = "") -> list[tuple[str, list[str]]]:
    """Every list of elements that have ids, with its path and their ids."""
    out: list[tuple[str, list[str]]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _lists_with_ids(v, f"{prefix}/{k}" if prefix else k)
    elif isinstance(node, list):
        ids = [item["id"] for item in node if isinstance(item, dict) and "id" in item]
        if ids:
            out.append((prefix, ids))
        for n, item in enumerate(node):
            key = item["id"] if isinstance(item, dict) and "id" in item else str(n)
            out += _lists_with_ids(item, f"{prefix}/{key}")
    return out


def _references(doc: dict[str, Any]) -> list[Broken]:
    stages = doc["stages"]
    framework = set(doc["framework"]["stage_ids"])
    pains = [p["id"] for s in stages for p in s["pain_points"]]
    out = _duplicates("pain_points", pains)  # addresses name them map-wide
    for where, ids in _lists_with_ids(doc):
        out += _duplicates(where, ids)
    known = set(pains)
    for stage in stages:
        where = f"stages/{stage['id']}"
        if stage["id"] not in framework:
            out.append(Broken(where, f"{stage['id']} is not a stage of the map's framework"))
        for n, change in enumerate(stage["changes"]):
            out += [
                Broken(f"{where}/changes/{n}/addresses", f"no pain point {pid} in the map")
                for pid in change["addresses"]
                if pid not in known
            ]
    for rec in doc["recommendations"]:
        out += [
            Broken(f"recommendations/{rec['id']}/addresses", f"no pain point {pid} in the map")
            for pid in rec["addresses"]
            if pid not in known
        ]
    for n, count in enumerate(doc["coverage"]["by_stage"]):
        if count["stage_id"] not in framework | {UNPLACED}:
            out.append(
                Broken(f"coverage/by_stage/{n}", f"{count['stage_id']} is not a stage of the map")
            )
    return out


def _maps(s: Session, workspace: str, doc: dict[str, Any]) -> list[Broken]:
    """The maps a map names (its translation source, the current state it is based on) are maps
    of the workspace, at a version they have."""
    out = []
    based_on = doc["provenance"]["based_on"]
    row = s.get(MapRow, (workspace, based_on)) if based_on else None
    if based_on and row is None:
        out.append(Broken("provenance/based_on", f"no map {based_on} in the workspace"))
    source = doc.get("translation_of")
    if source:
        version = s.scalar(
            select(MapVersionRow.number).where(
                MapVersionRow.workspace == workspace,
                MapVersionRow.map_id == source["map_id"],
                MapVersionRow.number == source["version"],
            )
        )
        if version is None:
            where = f"{source['map_id']} version {source['version']}"
            out.append(Broken("translation_of", f"no map {where} in the workspace"))
    return out


def check(s: Session, workspace: str, doc: dict[str, Any]) -> None:
    """Refuse ``doc`` (a valid JourneyMap as JSON) unless everything it names resolves."""
    broken = _references(doc) + _maps(s, workspace, doc)
    quotes = walk_quotes(doc)
    rows = stored_chunks(s, workspace, (q["evidence_id"] for _, q in quotes))
    for path, ref in quotes:
        broken += quote_problems(path, ref, rows.get(ref["evidence_id"]))
    if broken:
        raise MapIntegrityError(broken)

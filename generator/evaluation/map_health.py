"""A map's health, for its reviewers: for any stored version (evidence-only, drafted by a model
or edited by people), what can be checked against the library before approving it.

- quotes that are verbatim substrings of the stored evidence they cite, and evidence ids that
  resolve in the map's workspace; recommendations that address pain points of the map;
- texts a team reads (titles, descriptions, lanes; not the quotes) in the map's language;
- quoted evidence that is not customer experience (greetings, markers, emoji, ...) or that
  addresses an AI system;
- stages whose quotes rest on one source or one language (and the analysis' own warnings);
- pain points quoting evidence that is not a complaint, delighters quoting complaints (polarity
  judged as the analysis judges it: the workspace's ratings and labels, read as the map's
  provenance says, teach a classifier).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from generator.analysis.evidence import load_evidence
from generator.analysis.sentiment import SentimentEstimator
from generator.analysis.sentiment_map import SourceMapping
from generator.llm.language import in_language
from knowledge.journey.elements import iter_elements
from knowledge.journey.model import EvidenceRef, JourneyMap, Text
from knowledge.journey.notices import coverage_warnings
from knowledge.journey.review.integrity import is_verbatim, stored_chunks
from knowledge.platform.errors import UserInputError
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.store import ChunkRow
from knowledge.text.hygiene import assess, marker_spans

COMPLAINTS = ("negative", "mixed")


@dataclass
class Finding:
    path: str
    detail: str
    evidence_id: str | None = None


@dataclass
class MapHealth:
    map_id: str
    language: str
    quotes: int = 0
    quotes_verbatim: int = 0
    evidence_ids: int = 0
    evidence_ids_resolved: int = 0
    references: int = 0
    references_resolved: int = 0
    texts: int = 0
    texts_in_language: int = 0
    not_verbatim: list[Finding] = field(default_factory=list)
    unresolved: list[Finding] = field(default_factory=list)
    other_language: list[Finding] = field(default_factory=list)
    not_substantive: list[Finding] = field(default_factory=list)
    flagged: list[Finding] = field(default_factory=list)
    thin_stages: list[Finding] = field(default_factory=list)
    pain_not_complaint: list[Finding] = field(default_factory=list)
    delight_complaint: list[Finding] = field(default_factory=list)
    pain_quotes: int = 0
    delight_quotes: int = 0
    polarity_checked: bool = True

    @staticmethod
    def share(part: int, whole: int) -> float:
        return round(part / whole, 4) if whole else 1.0

    @property
    def ok(self) -> bool:
        return not (
            self.not_verbatim
            or self.unresolved
            or self.other_language
            or self.not_substantive
            or self.flagged
            or self.pain_not_complaint
            or self.delight_complaint
        )

    def summary(self) -> dict[str, Any]:
        return {
            "quotes_verbatim": self.share(self.quotes_verbatim, self.quotes),
            "evidence_ids_resolved": self.share(self.evidence_ids_resolved, self.evidence_ids),
            "references_resolved": self.share(self.references_resolved, self.references),
            "texts_in_language": self.share(self.texts_in_language, self.texts),
            "non_substantive_quotes": len(self.not_substantive),
            "flagged_quotes": len(self.flagged),
            "thin_stages": len(self.thin_stages),
            "pain_quotes_not_complaints": self.share(
                len(self.pain_not_complaint), self.pain_quotes
            ),
            "delight_quotes_complaints": self.share(
                len(self.delight_complaint), self.delight_quotes
            ),
        }

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["summary"] = self.summary()
        out["ok"] = self.ok
        return out


def _stored(library: Library, workspace: str, ids: set[str]) -> dict[str, ChunkRow]:
    with library.db.session() as s:
        return stored_chunks(s, workspace, ids)


def _polarity(
    library: Library, journey: JourneyMap, workspace: str, ids: set[str]
) -> dict[str, str] | None:
    """Polarity of the quoted evidence, judged over the workspace's evidence as the analysis
    does; None when the workspace holds none of it."""
    try:
        evidence = load_evidence(library, EvidenceFilter(workspace=workspace))
    except UserInputError:
        return None
    mapping = SourceMapping.from_parameters(journey.provenance.parameters)
    rows = [i for i, e in enumerate(evidence.items) if e.hygiene.substantive]
    sub = evidence.subset(rows)
    judged = SentimentEstimator(library.cached_embedder).judge(sub, mapping)
    return {e.id: j.polarity for e, j in zip(sub.items, judged, strict=True) if e.id in ids}


def evaluate_map(
    library: Library, journey: JourneyMap, workspace: str | None = None, *, polarity: bool = True
) -> MapHealth:
    """The health of ``journey`` against the evidence of ``workspace`` (default: the map's
    own scope; the HTTP API always passes the caller's)."""
    workspace = workspace or journey.scope.workspace
    health = MapHealth(map_id=journey.id, language=journey.language)
    elements = list(iter_elements(journey))
    quotes = [(e.path, e.value) for e in elements if isinstance(e.value, EvidenceRef)]
    ids = {q.evidence_id for _, q in quotes}
    stored = _stored(library, workspace, ids)
    health.evidence_ids = len(ids)
    health.evidence_ids_resolved = sum(1 for i in ids if i in stored)
    for i in sorted(ids - set(stored)):
        health.unresolved.append(Finding("evidence", f"evidence {i} is not in the workspace", i))
    for path, q in quotes:
        health.quotes += 1
        row = stored.get(q.evidence_id)
        quote = q.quote
        if row is None:
            continue
        if is_verbatim(quote, row.text) and not marker_spans(quote):
            health.quotes_verbatim += 1
        else:
            what = "has a transcript marker" if marker_spans(quote) else "is not verbatim"
            health.not_verbatim.append(Finding(path, f"the quote {what}", row.id))
        hygiene = assess(row.text, row.lang, row.kind)
        if not hygiene.substantive:
            health.not_substantive.append(
                Finding(path, f"not customer experience: {hygiene.reason}", row.id)
            )
        if hygiene.flags:
            health.flagged.append(Finding(path, ", ".join(hygiene.flags), row.id))
    _references(journey, health)
    _texts(
        [(e.path, e.value) for e in elements if isinstance(e.value, Text)], journey.language, health
    )
    _thin_stages(journey, stored, health)
    judged = _polarity(library, journey, workspace, ids) if polarity and ids else None
    if judged is None:
        health.polarity_checked = polarity and not ids
    else:
        _polarities(journey, judged, health)
    return health


def _references(journey: JourneyMap, health: MapHealth) -> None:
    pains = {p.id for s in journey.stages for p in s.pain_points}
    for rec in journey.recommendations:
        for pid in rec.addresses:
            health.references += 1
            if pid in pains:
                health.references_resolved += 1
            else:
                health.unresolved.append(
                    Finding(f"recommendations/{rec.id}/addresses", f"no pain point {pid}")
                )
    for stage in journey.stages:
        health.references += 1
        if stage.id in journey.framework.stage_ids:
            health.references_resolved += 1
        else:
            health.unresolved.append(
                Finding(f"stages/{stage.id}", "not a stage of the map's framework")
            )
        for change in stage.changes:
            for pid in change.addresses:
                health.references += 1
                if pid in pains:
                    health.references_resolved += 1
                else:
                    health.unresolved.append(
                        Finding(f"stages/{stage.id}/changes", f"no pain point {pid}")
                    )


def _texts(texts: list[tuple[str, Text]], lang: str, health: MapHealth) -> None:
    for path, text in texts:
        if "/competitor_notes/" in f"/{path}/":
            continue  # a competitor note is the research's own words
        health.texts += 1
        if in_language(text.text, lang):
            health.texts_in_language += 1
        else:
            health.other_language.append(Finding(path, text.text[:80]))


def _thin_stages(journey: JourneyMap, stored: dict[str, ChunkRow], health: MapHealth) -> None:
    names = {s.id: s.name.text for s in journey.stages}
    worded = coverage_warnings(journey.coverage, journey.language, lambda i: names.get(i, i))
    for warning in worded:  # in the map's language, stages by name
        health.thin_stages.append(Finding("coverage", warning))
    for stage in journey.stages:
        ids = {e.evidence_id for p in stage.pain_points for e in p.evidence} | {
            e.evidence_id for d in stage.delighters for e in d.evidence
        }
        rows = [stored[i] for i in sorted(ids) if i in stored]
        if len(rows) < 2:
            continue
        sources = {r.source_id for r in rows}
        langs = {r.lang for r in rows}
        if len(sources) == 1:
            name = rows[0].location.get("file", "one file")
            health.thin_stages.append(
                Finding(f"stages/{stage.id}", f"every quote comes from one source ({name})")
            )
        if len(langs) == 1:
            health.thin_stages.append(
                Finding(f"stages/{stage.id}", f"every quote is in one language ({rows[0].lang})")
            )


def _polarities(journey: JourneyMap, judged: dict[str, str], health: MapHealth) -> None:
    by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for stage in journey.stages:
        for pain in stage.pain_points:
            for n, e in enumerate(pain.evidence):
                by_kind["pain"].append(
                    (f"stages/{stage.id}/pain_points/{pain.id}/evidence/{n}", e.evidence_id)
                )
        for delight in stage.delighters:
            for n, e in enumerate(delight.evidence):
                by_kind["delight"].append(
                    (f"stages/{stage.id}/delighters/{delight.id}/evidence/{n}", e.evidence_id)
                )
    for path, evidence_id in by_kind["pain"]:
        health.pain_quotes += 1
        polarity = judged.get(evidence_id)
        if polarity is not None and polarity not in COMPLAINTS:
            health.pain_not_complaint.append(Finding(path, f"judged {polarity}", evidence_id))
    for path, evidence_id in by_kind["delight"]:
        health.delight_quotes += 1
        polarity = judged.get(evidence_id)
        if polarity == "negative":
            health.delight_complaint.append(Finding(path, f"judged {polarity}", evidence_id))

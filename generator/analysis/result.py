"""What an analysis produces, in a shape that can be checked against labels: per evidence its
stage and theme, per theme its members and counts, per stage its competitor evidence, and the
coverage of the whole."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge.journey.model import CoverageNotice


@dataclass
class Placement:
    evidence_id: str
    location: dict[str, Any]
    lang: str
    kind: str
    stage: str  # a stage id or "none"
    confidence: float
    theme: str | None
    polarity: str
    polarity_source: str  # "label", "rating", "learnt", "estimate" (+ "+text", see sentiment)
    severity: int | None  # 1-3 for negative and mixed evidence
    code: str | None = None  # the codebook code it was given, if any
    code_confidence: float | None = None
    # False for what is stored but is not customer experience (greetings, markers, emoji,
    # bare links, brand replies): no stage, code, theme or count; ``reason`` says why
    substantive: bool = True
    reason: str | None = None
    flags: list[str] = field(default_factory=list)  # e.g. "addresses_ai"
    # "human" when a researcher's label set its stage, code or left it out; else "analysis"
    origin: str = "analysis"


PAIN_POLARITIES = ("negative", "mixed")


VALENCE_KINDS = {"negative": "pain_point", "positive": "delighter", "neutral": "neutral"}


def theme_kind(polarity_counts: dict[str, int], valence: str | None = None) -> str:
    """The kind of a code of ``valence``, else a pain point when at least half the members
    complain, else a delighter when at least half praise, else neutral."""
    if valence in VALENCE_KINDS:
        return VALENCE_KINDS[valence]
    total = sum(polarity_counts.values())
    pains = sum(polarity_counts.get(p, 0) for p in PAIN_POLARITIES)
    if pains * 2 >= total:
        return "pain_point"
    if polarity_counts.get("positive", 0) * 2 >= total:
        return "delighter"
    return "neutral"


def counted_polarities(kind: str, coded: bool = False) -> tuple[str, ...] | None:
    """The member polarities a theme of ``kind`` counts in its frequency (None: all): a pain
    point its complaints (mixed feelings included), a delighter its praise, and a code's
    delighter mixed feelings too (their praise is what the code names)."""
    if kind == "delighter":
        return ("positive", "mixed") if coded else ("positive",)
    return {"pain_point": PAIN_POLARITIES}.get(kind)


@dataclass
class Theme:
    id: str
    stage: str
    # the title in the language with most counted members (see ``titles``)
    title: str
    keyphrases: dict[str, list[str]]
    members: list[str]
    language_counts: dict[str, int]  # all members
    polarity_counts: dict[str, int]
    severity: float | None  # mean over negative and mixed members
    priority: float  # frequency (negative and mixed members) x severity
    # verbatim quotes, several languages, from the members the frequency counts (a pain point
    # quotes complaints, not the praise that shares its topic)
    representatives: list[str]
    # per language, the members the frequency counts: complaints of a pain point, praise of a
    # delighter, every member of a neutral theme; sums to ``frequency``
    frequency_by_language: dict[str, int]
    # the codebook code the theme is (None: an emergent theme of evidence no code covers)
    code: str | None = None
    # title per language: a code's name, or for an emergent theme a short clause of its most
    # central counted member in that language (no title in a language with no such member)
    titles: dict[str, str] = field(default_factory=dict)
    valence: str | None = None  # the code's valence (None: an emergent theme)
    # evidence id -> [start, end] of the part of it to quote (see ``quotes.best_quote``)
    quotes: dict[str, list[int]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def kind(self) -> str:
        """A code's own valence decides (a "Late delivery" theme is a pain point, a "Feature
        request" theme neither); an emergent theme or a code of any valence is a pain point
        when at least half its members complain, else a delighter when at least half praise."""
        return theme_kind(self.polarity_counts, self.valence)

    @property
    def frequency(self) -> int:
        return sum(self.frequency_by_language.values())

    @property
    def pain_count(self) -> int:
        return sum(self.polarity_counts.get(p, 0) for p in PAIN_POLARITIES)

    @property
    def is_pain(self) -> bool:
        return self.kind == "pain_point"

    @property
    def is_delight(self) -> bool:
        return self.kind == "delighter"

    def title_in(self, lang: str) -> str | None:
        """The title in ``lang``, or None when the theme has none in that language (an
        emergent theme none of whose counted members wrote in it)."""
        return self.titles.get(lang)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["count"] = self.count
        out["kind"] = self.kind
        out["frequency"] = self.frequency
        return out


@dataclass
class StageSummary:
    stage: str
    evidence: int
    languages: dict[str, int]
    sources: int
    themes: list[str]
    competitor_evidence: list[str]
    warnings: list[str] = field(default_factory=list)  # ``notices`` worded in English
    notices: list[CoverageNotice] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "notices": [n.model_dump(mode="json") for n in self.notices]}


@dataclass
class Analysis:
    workspace: str
    framework: str
    stages: list[StageSummary]
    themes: list[Theme]
    placements: list[Placement]
    parameters: list[str]
    seconds: float = 0.0
    codebook: str | None = None  # id@version of the codebook the evidence was coded with
    corrections: int = 0  # researchers' labels and theme rules that informed it

    def digest(self) -> str:
        """What the analysis found, as a short hash: the workspace, framework, codebook,
        settings and where each evidence went. Maps drafted from it in several languages carry
        it (``provenance.analysis``), so answers count them as one map."""
        found = [
            (p.evidence_id, p.stage, p.code, p.theme, p.polarity, p.substantive)
            for p in sorted(self.placements, key=lambda p: p.evidence_id)
        ]
        body = [self.workspace, self.framework, self.codebook, self.parameters, found]
        text = json.dumps(body, ensure_ascii=False, sort_keys=True)
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def coverage(self) -> dict[str, Any]:
        """Counts of the customer evidence (not competitor notes) that is substantive, and of
        what is stored but left out, by reason."""
        everything = [p for p in self.placements if p.kind != "competitor"]
        customer = [p for p in everything if p.substantive]
        return {
            "total_evidence": len(customer),
            "by_language": dict(sorted(Counter(p.lang for p in customer).items())),
            "by_kind": dict(sorted(Counter(p.kind for p in customer).items())),
            "by_stage": dict(sorted(Counter(p.stage for p in customer).items())),
            "unplaced": sum(1 for p in customer if p.stage == "none"),
            "coded": sum(1 for p in customer if p.code is not None),
            "non_substantive": dict(
                sorted(Counter(p.reason or "" for p in everything if not p.substantive).items())
            ),
            "flagged": dict(sorted(Counter(f for p in self.placements for f in p.flags).items())),
            "competitor_evidence": sum(
                1 for p in self.placements if p.kind == "competitor" and p.substantive
            ),
            "warnings": [w for s in self.stages for w in s.warnings],
            "notices": [n.model_dump(mode="json") for s in self.stages for n in s.notices],
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            "framework": self.framework,
            "codebook": self.codebook,
            "corrections": self.corrections,
            "parameters": self.parameters,
            "seconds": round(self.seconds, 3),
            "coverage": self.coverage(),
            "stages": [s.as_dict() for s in self.stages],
            "themes": [t.as_dict() for t in self.themes],
            "evidence": [asdict(p) for p in self.placements],
        }

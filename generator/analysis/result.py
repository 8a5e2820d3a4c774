"""What an analysis produces, in a shape that can be checked against labels: per evidence its
stage and theme, per theme its members and counts, per stage its competitor evidence, and the
coverage of the whole."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any


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
    polarity_source: str  # "label", "rating" or "estimate"
    severity: int | None  # 1-3 for negative and mixed evidence


PAIN_POLARITIES = ("negative", "mixed")


def theme_kind(polarity_counts: dict[str, int]) -> str:
    """A pain point when at least half the members complain, else a delighter when at least
    half praise, else neutral."""
    total = sum(polarity_counts.values())
    pains = sum(polarity_counts.get(p, 0) for p in PAIN_POLARITIES)
    if pains * 2 >= total:
        return "pain_point"
    if polarity_counts.get("positive", 0) * 2 >= total:
        return "delighter"
    return "neutral"


def counted_polarities(kind: str) -> tuple[str, ...] | None:
    """The member polarities a theme of ``kind`` counts in its frequency (None: all)."""
    return {"pain_point": PAIN_POLARITIES, "delighter": ("positive",)}.get(kind)


@dataclass
class Theme:
    id: str
    stage: str
    # keyphrases of the members the frequency counts (see below), per language; the title is
    # those of the language with most such members
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

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def kind(self) -> str:
        return theme_kind(self.polarity_counts)

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

    def title_in(self, lang: str) -> str:
        """Title from the keyphrases of counted members in ``lang`` when that language is well
        represented among them (2+ members, a quarter), else the dominant language's."""
        n = self.frequency_by_language.get(lang, 0)
        phrases = self.keyphrases.get(lang)
        if phrases and n >= 2 and n * 4 >= self.frequency:
            return " · ".join(phrases)
        return self.title

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
    warnings: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    workspace: str
    framework: str
    stages: list[StageSummary]
    themes: list[Theme]
    placements: list[Placement]
    parameters: list[str]
    seconds: float = 0.0

    def coverage(self) -> dict[str, Any]:
        customer = [p for p in self.placements if p.kind != "competitor"]
        return {
            "total_evidence": len(customer),
            "by_language": dict(Counter(p.lang for p in customer)),
            "by_kind": dict(Counter(p.kind for p in customer)),
            "by_stage": dict(Counter(p.stage for p in customer)),
            "unplaced": sum(1 for p in customer if p.stage == "none"),
            "competitor_evidence": len(self.placements) - len(customer),
            "warnings": [w for s in self.stages for w in s.warnings],
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            "framework": self.framework,
            "parameters": self.parameters,
            "seconds": round(self.seconds, 3),
            "coverage": self.coverage(),
            "stages": [asdict(s) for s in self.stages],
            "themes": [t.as_dict() for t in self.themes],
            "evidence": [asdict(p) for p in self.placements],
        }

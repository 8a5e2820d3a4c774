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


@dataclass
class Theme:
    id: str
    stage: str
    title: str  # keyphrases of the theme's most frequent language
    keyphrases: dict[str, list[str]]  # per language
    members: list[str]
    language_counts: dict[str, int]
    polarity_counts: dict[str, int]
    severity: float | None  # mean over negative and mixed members
    priority: float  # frequency (negative and mixed members) x severity
    representatives: list[str]  # evidence ids of verbatim quotes, several languages

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def pain_count(self) -> int:
        return self.polarity_counts.get("negative", 0) + self.polarity_counts.get("mixed", 0)

    @property
    def is_pain(self) -> bool:
        return self.pain_count * 2 >= self.count

    @property
    def is_delight(self) -> bool:
        positive = self.polarity_counts.get("positive", 0)
        return not self.is_pain and positive * 2 >= self.count

    def title_in(self, lang: str) -> str:
        """Title from the keyphrases of members in ``lang`` when that language is well
        represented in the theme (2+ members, a quarter of it), else the dominant language's."""
        n = self.language_counts.get(lang, 0)
        phrases = self.keyphrases.get(lang)
        if phrases and n >= 2 and n * 4 >= self.count:
            return " · ".join(phrases)
        return self.title

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["count"] = self.count
        out["kind"] = (
            "pain_point" if self.is_pain else "delighter" if self.is_delight else "neutral"
        )
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

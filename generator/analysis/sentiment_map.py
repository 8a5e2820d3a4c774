"""Polarity and severity from the source's own rating or label, when the user says how to read
them: ``--label-map HAPPY=positive --label-map SAD=negative`` and ``--rating-scale 5``.

A rating scale is ``N`` (1..N), ``LOW-HIGH`` (``0-10`` for a likelihood-to-recommend score), or
either for one kind of research only (``review=5``, ``survey=0-10``), so star reviews and a
0-10 survey can be read in one analysis; a kind's own scale wins over the general one.

On a scale, the bottom quarter is negative (the lowest rating severity 3, the rest of the
quarter 2), the top quarter positive, the middle neutral. Labels name a polarity only; severity
then comes from the offline estimate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.journey.vocabulary import EVIDENCE_KINDS
from knowledge.platform.errors import UserInputError

POLARITIES = ("negative", "positive", "neutral", "mixed")
ALL_KINDS = "*"
_DESCRIBED_SCALE = re.compile(
    r"^rating_scale\[(?P<kind>[a-z*]+)\]=(?P<low>\d+(?:\.\d+)?)-(?P<high>\d+(?:\.\d+)?)$"
)
_SCALE = re.compile(r"^(?:(?P<kind>[a-z]+)=)?(?P<low>\d+(?:\.\d+)?)(?:-(?P<high>\d+(?:\.\d+)?))?$")


def parse_scale(text: str) -> tuple[str, tuple[float, float]]:
    """``"5"``, ``"0-10"``, ``"survey=0-10"`` -> (kind or "*", (lowest, highest))."""
    m = _SCALE.match(text.strip().lower())
    if m is None:
        raise UserInputError(
            f"rating scale {text!r} should be N (1..N), LOW-HIGH, or KIND=N / KIND=LOW-HIGH, "
            "e.g. 5, 0-10, survey=0-10"
        )
    kind = m["kind"] or ALL_KINDS
    if kind != ALL_KINDS and kind not in EVIDENCE_KINDS:
        raise UserInputError(
            f"rating scale {text!r}: the kind must be one of {', '.join(EVIDENCE_KINDS)}"
        )
    low, high = (1.0, float(m["low"])) if m["high"] is None else (float(m["low"]), float(m["high"]))
    if high <= low:
        raise UserInputError(
            f"rating scale {text!r}: the highest rating must be above the lowest "
            "(the scale is the highest rating, e.g. 5 for 1-5 stars)"
        )
    return kind, (low, high)


@dataclass(frozen=True)
class SourceMapping:
    labels: dict[str, str] = field(default_factory=dict)
    # kind of research (or "*" for all) -> (lowest, highest rating)
    rating_scales: dict[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def parse(
        cls, label_map: list[str] | None, rating_scale: float | Sequence[str] | None
    ) -> SourceMapping:
        labels: dict[str, str] = {}
        for item in label_map or []:
            for pair in item.split(","):
                if not pair.strip():
                    continue
                key, sep, value = pair.partition("=")
                value = value.strip().lower()
                if not sep or not key.strip() or value not in POLARITIES:
                    raise UserInputError(
                        f"label mapping {pair!r} should look like LABEL=polarity with polarity "
                        f"one of {', '.join(POLARITIES)}"
                    )
                labels[key.strip()] = value
        scales: dict[str, tuple[float, float]] = {}
        if isinstance(rating_scale, (int, float)):
            rating_scale = [f"{rating_scale:g}"]
        for text in rating_scale or []:
            kind, scale = parse_scale(text)
            if kind in scales and scales[kind] != scale:
                raise UserInputError(f"two rating scales given for {kind!r}")
            scales[kind] = scale
        return cls(labels, scales)

    @classmethod
    def from_parameters(cls, parameters: Sequence[str]) -> SourceMapping:
        """The mapping a map was drafted with, read back from its provenance parameters (the
        lines ``describe`` wrote)."""
        labels: dict[str, str] = {}
        scales: dict[str, tuple[float, float]] = {}
        for line in parameters:
            if line.startswith("label:") and "=" in line:
                key, _, value = line[len("label:") :].rpartition("=")
                if value in POLARITIES:
                    labels[key] = value
            elif (m := _DESCRIBED_SCALE.match(line)) is not None:
                scales[m["kind"]] = (float(m["low"]), float(m["high"]))
        return cls(labels, scales)

    def from_rating(self, rating: float | None, kind: str = "") -> tuple[str, int | None] | None:
        scale = self.rating_scales.get(kind) or self.rating_scales.get(ALL_KINDS)
        if scale is None or rating is None:
            return None
        low, high = scale
        position = (min(max(rating, low), high) - low) / (high - low)
        if position <= 0.25:
            return "negative", 3 if rating <= low else 2
        if position >= 0.75:
            return "positive", None
        return "neutral", None

    def from_label(self, label: str | None) -> str | None:
        if label is None:
            return None
        return self.labels.get(label) or self.labels.get(label.strip())

    def describe(self) -> list[str]:
        out = [f"label:{k}={v}" for k, v in sorted(self.labels.items())]
        for kind, (low, high) in sorted(self.rating_scales.items()):
            out.append(f"rating_scale[{kind}]={low:g}-{high:g}")
        return out

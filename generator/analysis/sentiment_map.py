"""Polarity and severity from the source's own rating or label, when the user says how to read
them: ``--label-map HAPPY=positive --label-map SAD=negative`` and ``--rating-scale 5``.

A rating scale is ``N`` (1..N), ``LOW-HIGH`` (``0-10`` for a likelihood-to-recommend score), or
either for one kind of research only (``review=5``, ``survey=0-10``), so star reviews and a
0-10 survey can be read in one analysis; a kind's own scale wins over the general one.

In code they are typed values: ``RatingScale.of(5)``, ``RatingScale.of((0, 10), "survey")``,
``LabelPair("HAPPY", "positive")``, combined by ``SourceMapping.of``; ``RatingScale.parse`` and
``LabelPair.parse`` read the written forms above, for the interfaces that take them as text.

On a scale, the bottom quarter is negative (the lowest rating severity 3, the rest of the
quarter 2), the top quarter positive, the middle neutral. Labels name a polarity only; severity
then comes from the offline estimate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from knowledge.platform.errors import UserInputError
from knowledge.vocabulary import EVIDENCE_KINDS

POLARITIES = ("negative", "positive", "neutral", "mixed")
ALL_KINDS = "*"
_DESCRIBED_SCALE = re.compile(
    r"^rating_scale\[(?P<kind>[a-z*]+)\]=(?P<low>\d+(?:\.\d+)?)-(?P<high>\d+(?:\.\d+)?)$"
)
_SCALE = re.compile(r"^(?:(?P<kind>[a-z]+)=)?(?P<low>\d+(?:\.\d+)?)(?:-(?P<high>\d+(?:\.\d+)?))?$")


def _checked_kind(kind: str, shown: str) -> str:
    kinds = EVIDENCE_KINDS
    if kind != ALL_KINDS and kind not in kinds:
        raise UserInputError(f"rating scale {shown}: the kind must be one of {', '.join(kinds)}")
    return kind


def _checked_range(low: float, high: float, shown: str) -> tuple[float, float]:
    if high <= low:
        raise UserInputError(
            f"rating scale {shown}: the highest rating must be above the lowest "
            "(the scale is the highest rating, e.g. 5 for 1-5 stars)"
        )
    return low, high


@dataclass(frozen=True)
class RatingScale:
    """How to read ratings of one kind of research (``kind`` "*": of every kind) as polarity:
    from ``low`` (the worst) to ``high`` (the best). ``RatingScale.of(5)`` is 1..5,
    ``RatingScale.of((0, 10), "survey")`` a 0-10 survey score."""

    low: float
    high: float
    kind: str = ALL_KINDS

    def __post_init__(self) -> None:
        shown = f"{self.kind}={self.low:g}-{self.high:g}"
        _checked_kind(self.kind, shown)
        _checked_range(self.low, self.high, shown)

    @classmethod
    def of(cls, scale: float | tuple[float, float], kind: str | None = None) -> RatingScale:
        """``N`` (1..N) or ``(low, high)``, for ``kind`` (None: every kind)."""
        low, high = (1.0, float(scale)) if isinstance(scale, (int, float)) else scale
        return cls(float(low), float(high), kind or ALL_KINDS)

    @classmethod
    def parse(cls, text: str) -> RatingScale:
        """The written form: ``"5"``, ``"0-10"``, ``"survey=0-10"``."""
        m = _SCALE.match(text.strip().lower())
        if m is None:
            raise UserInputError(
                f"rating scale {text!r} should be N (1..N), LOW-HIGH, or KIND=N / KIND=LOW-HIGH, "
                "e.g. 5, 0-10, survey=0-10"
            )
        kind = _checked_kind(m["kind"] or ALL_KINDS, repr(text))
        if m["high"] is None:
            low, high = 1.0, float(m["low"])
        else:
            low, high = float(m["low"]), float(m["high"])
        return cls(*_checked_range(low, high, repr(text)), kind)


@dataclass(frozen=True)
class LabelPair:
    """Read the source label ``label`` as ``polarity`` (one of ``POLARITIES``)."""

    label: str
    polarity: str

    def __post_init__(self) -> None:
        if not self.label.strip() or self.polarity not in POLARITIES:
            raise UserInputError(
                f"label mapping {self.label}={self.polarity} should look like LABEL=polarity "
                f"with polarity one of {', '.join(POLARITIES)}"
            )

    @classmethod
    def parse(cls, text: str) -> list[LabelPair]:
        """The written form: ``"HAPPY=positive,SAD=negative"``."""
        pairs: list[LabelPair] = []
        for pair in text.split(","):
            if not pair.strip():
                continue
            key, sep, value = pair.partition("=")
            value = value.strip().lower()
            if not sep or not key.strip() or value not in POLARITIES:
                raise UserInputError(
                    f"label mapping {pair!r} should look like LABEL=polarity with polarity "
                    f"one of {', '.join(POLARITIES)}"
                )
            pairs.append(cls(key.strip(), value))
        return pairs


@dataclass(frozen=True)
class SourceMapping:
    labels: dict[str, str] = field(default_factory=dict)
    # kind of research (or "*" for all) -> (lowest, highest rating)
    rating_scales: dict[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, labels: Iterable[LabelPair] = (), rating_scales: Iterable[RatingScale] = ()
    ) -> SourceMapping:
        """The mapping from typed values; two different scales for one kind are an error."""
        scales: dict[str, tuple[float, float]] = {}
        for scale in rating_scales:
            if scale.kind in scales and scales[scale.kind] != (scale.low, scale.high):
                raise UserInputError(f"two rating scales given for {scale.kind!r}")
            scales[scale.kind] = (scale.low, scale.high)
        return cls({pair.label: pair.polarity for pair in labels}, scales)

    @classmethod
    def parse(
        cls, label_map: Sequence[str] | None, rating_scale: float | Sequence[str] | None
    ) -> SourceMapping:
        """The mapping from its written forms (``HAPPY=positive,SAD=negative``; ``5``,
        ``survey=0-10``); a number is the scale 1..N."""
        labels = [pair for item in label_map or [] for pair in LabelPair.parse(item)]
        if isinstance(rating_scale, (int, float)):
            scales = [RatingScale.of(rating_scale)]
        else:
            scales = [RatingScale.parse(text) for text in rating_scale or []]
        return cls.of(labels, scales)

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

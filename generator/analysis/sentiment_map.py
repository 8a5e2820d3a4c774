"""Polarity and severity from the source's own rating or label, when the user says how to read
them: ``--label-map HAPPY=positive --label-map SAD=negative`` and ``--rating-scale 5``.

Ratings on a 1..N scale: the bottom quarter is negative (the lowest rating severity 3, the rest
of the quarter 2), the top quarter positive, the middle neutral. Labels name a polarity only;
severity then comes from the offline estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.errors import UserInputError

POLARITIES = ("negative", "positive", "neutral", "mixed")


@dataclass(frozen=True)
class SourceMapping:
    labels: dict[str, str] = field(default_factory=dict)
    rating_scale: float | None = None

    @classmethod
    def parse(cls, label_map: list[str] | None, rating_scale: float | None) -> SourceMapping:
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
        if rating_scale is not None and rating_scale <= 1:
            raise UserInputError("the rating scale is the highest rating, e.g. 5 for 1-5 stars")
        return cls(labels, rating_scale)

    def from_rating(self, rating: float | None) -> tuple[str, int | None] | None:
        if self.rating_scale is None or rating is None:
            return None
        top = self.rating_scale
        position = (min(max(rating, 1.0), top) - 1) / (top - 1)
        if position <= 0.25:
            return "negative", 3 if rating <= 1 else 2
        if position >= 0.75:
            return "positive", None
        return "neutral", None

    def from_label(self, label: str | None) -> str | None:
        if label is None:
            return None
        return self.labels.get(label) or self.labels.get(label.strip())

    def describe(self) -> list[str]:
        out = [f"label:{k}={v}" for k, v in sorted(self.labels.items())]
        if self.rating_scale is not None:
            out.append(f"rating_scale={self.rating_scale:g}")
        return out

"""Polarity and severity of each evidence item.

When the source's rating or label can be read (``SourceMapping``), it decides the polarity; a
rating also gives a severity. Otherwise the offline estimate is used:

- polarity: cosine of the language-centred item with the centred mean of hand-written prototype
  phrases for positive, negative and neutral (``lexicon.yaml``, five languages), turned into
  probabilities by a softmax whose class prior is re-estimated per language on the corpus; an
  item with a contrast word ("but", «ولی», «но», แต่, 但是) whose positive and negative scores
  are both close to its best score is "mixed";
- learnt polarity: when enough evidence in the analysis has a readable rating or label (reviews
  with stars, say), a ridge classifier is fitted on those items' language-centred vectors and
  judges the rest (tickets, survey answers, interview turns) instead of the prototypes; its
  placements say ``polarity_source: "learnt"``. The embedding space is shared, so ratings in one
  language teach the polarity of another;
- severity (negative and mixed items): 3 when a severe cue is present (money lost, never
  arrived, cannot log in, food poisoning, ...), else 2 when 5 x (negative - positive score) +
  the number of moderate cues (at most 3) exceeds 0.5, else 1.

bench/analysis.py measures each against the labelled dev set, the learnt one with a language's
own labels hidden and the other languages' labels as its teachers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from generator.analysis.centring import LanguageCentring
from generator.analysis.evidence import Evidence, EvidenceSet
from generator.analysis.lexicon import Lexicon, load_lexicon
from generator.analysis.sentiment_map import SourceMapping
from generator.analysis.stages import prior_em
from knowledge.dense import normalise
from knowledge.embeddings import Embedder
from knowledge.languages import detect_language

CLASSES = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class Judgement:
    polarity: str
    source: str  # "label", "rating", "learnt" or "estimate"
    severity: int | None


@dataclass(frozen=True)
class SentimentParams:
    tau: float = 1.0
    em_iters: int = 3
    mixed_margin: float = 0.02
    learn_min: int = 30  # items with a readable rating or label needed to learn from them
    learn_min_class: int = 5  # ... and at least this many of each class learnt
    learn_ridge: float = 3.0

    def describe(self) -> list[str]:
        return [
            f"polarity.tau={self.tau}",
            f"polarity.mixed_margin={self.mixed_margin}",
            f"polarity.learn_min={self.learn_min}",
            f"polarity.learn_ridge={self.learn_ridge}",
        ]


def fit_polarity(
    vectors: npt.NDArray[np.float32], polarity: Sequence[str | None], params: SentimentParams
) -> tuple[list[str], npt.NDArray[np.float64]] | None:
    """Ridge one-vs-rest weights (with a bias row) over the classes that enough items carry,
    or None when there is too little to learn from."""
    known = [i for i, p in enumerate(polarity) if p in CLASSES]
    counts = {c: sum(1 for i in known if polarity[i] == c) for c in CLASSES}
    classes = [c for c in CLASSES if counts[c] >= params.learn_min_class]
    rows = [i for i in known if polarity[i] in classes]
    if len(classes) < 2 or len(rows) < params.learn_min:
        return None
    x = np.hstack([vectors[rows].astype(np.float64), np.ones((len(rows), 1))])
    y = np.stack([[1.0 if polarity[i] == c else 0.0 for c in classes] for i in rows])
    weights = np.linalg.solve(x.T @ x + params.learn_ridge * np.eye(x.shape[1]), x.T @ y)
    return classes, weights


def predict_polarity(
    model: tuple[list[str], npt.NDArray[np.float64]], vectors: npt.NDArray[np.float32]
) -> list[str]:
    classes, weights = model
    scores = np.hstack([vectors.astype(np.float64), np.ones((len(vectors), 1))]) @ weights
    return [classes[int(k)] for k in scores.argmax(axis=1)]


class SentimentEstimator:
    def __init__(
        self,
        embedder: Embedder,
        params: SentimentParams | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.params = params or SentimentParams()
        self.lexicon = lexicon or load_lexicon()
        self._phrases = [(c, t) for c in CLASSES for t in self.lexicon.prototypes[c]]
        self._vectors = embedder.embed_queries([t for _, t in self._phrases])
        self._langs = [detect_language(t) for _, t in self._phrases]

    def judge(self, evidence: EvidenceSet, mapping: SourceMapping) -> list[Judgement]:
        langs = [e.lang for e in evidence.items]
        items = LanguageCentring(evidence.vectors, langs).centre(evidence.vectors, langs)
        phrases = LanguageCentring(self._vectors, self._langs).centre(self._vectors, self._langs)
        protos = normalise(
            np.stack(
                [
                    phrases[[i for i, (c, _) in enumerate(self._phrases) if c == cls]].mean(axis=0)
                    for cls in CLASSES
                ]
            )
        )
        scores = (items @ protos.T).astype(np.float32)
        post = np.zeros_like(scores)
        lang_arr = np.asarray(langs)
        for lang in sorted(set(langs)):
            rows = np.flatnonzero(lang_arr == lang)
            temperature = self.params.tau * float(scores[rows].std(axis=1).mean())
            post[rows] = prior_em(
                scores[rows], temperature, self.params.em_iters if len(rows) >= 30 else 0
            )
        given = [self._given(item, mapping) for item in evidence.items]
        model = fit_polarity(items, [g[0] if g else None for g in given], self.params)
        learnt = predict_polarity(model, items) if model is not None else None
        out: list[Judgement] = []
        for i, item in enumerate(evidence.items):
            pos, neg = float(scores[i, 0]), float(scores[i, 1])
            estimate = CLASSES[int(post[i].argmax())]
            estimated_by = "estimate"
            if learnt is not None:
                estimate, estimated_by = learnt[i], "learnt"
            if (
                self.lexicon.contrast_in(item.text, item.lang)
                and max(pos, neg) - min(pos, neg) <= self.params.mixed_margin
                and min(pos, neg) >= float(scores[i, 2])
            ):
                estimate = "mixed"
            polarity, source, severity = given[i] or (estimate, estimated_by, None)
            if (
                polarity in ("positive", "neutral")
                and estimate == "mixed"
                and source in ("rating", "label")
            ):
                polarity = "mixed" if polarity == "positive" else polarity
            if polarity in ("negative", "mixed") and severity is None:
                severe, moderate = self.lexicon.cues(item.text, item.lang)
                strength = 5 * (neg - pos) + min(moderate, 3) + (0.5 if source == "label" else 0)
                severity = 3 if severe else (2 if strength > 0.5 else 1)
            if polarity not in ("negative", "mixed"):
                severity = None
            out.append(Judgement(polarity, source, severity))
        return out

    @staticmethod
    def _given(item: Evidence, mapping: SourceMapping) -> tuple[str, str, int | None] | None:
        """(polarity, "rating" or "label", severity) from the source, when it can be read."""
        rated = mapping.from_rating(item.rating, item.kind)
        if rated is not None:
            return rated[0], "rating", rated[1]
        labelled = mapping.from_label(item.label)
        if labelled is not None:
            return labelled, "label", None
        return None

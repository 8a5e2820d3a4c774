"""Polarity and severity of each evidence item.

When the source's rating or label can be read (``SourceMapping``), it decides the polarity of a
record that is one chunk; a rating also gives a severity. For a record of several chunks (a long
review) it is a prior: each chunk is judged on its own words by the learnt classifier below, and
keeps the record's polarity unless its words say another by more than ``record_prior``
(``polarity_source: "rating+text"``), so a 1-star review's sentence of praise is praise. A
label (not a rating) can be wrong even on a one-chunk record (complaints tagged HAPPY): clear
words against it win there too, by ``label_prior`` (``"label+text"``).
Otherwise the offline estimate is used:

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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from generator.analysis.centring import LanguageCentring
from generator.analysis.evidence import Evidence, EvidenceSet
from generator.analysis.lexicon import Lexicon, load_lexicon
from generator.analysis.sentiment_map import SourceMapping
from generator.analysis.stages import prior_em
from knowledge.search.dense import normalise
from knowledge.search.embeddings import Embedder
from knowledge.text.languages import detect_language

CLASSES = ("positive", "negative", "neutral")


@dataclass(frozen=True)
class Judgement:
    polarity: str
    # "label", "rating", "learnt" or "estimate"; "rating+text" / "label+text" when a chunk's own
    # words overruled its record's rating or label
    source: str
    severity: int | None


@dataclass(frozen=True)
class SentimentParams:
    tau: float = 1.0
    em_iters: int = 3
    mixed_margin: float = 0.02
    learn_min: int = 30  # items with a readable rating or label needed to learn from them
    learn_min_class: int = 5  # ... and at least this many of each class learnt
    learn_ridge: float = 3.0
    # a chunk of a record with several chunks keeps the record's rating or label unless the
    # learnt score of another polarity beats it by more than this (a 1-star review's sentence
    # of praise is praise); 0 would ignore the rating, a large value the chunk's own words
    record_prior: float = 0.25
    # the same for a record that is one chunk and carries a label (not a rating): a label can
    # be wrong (a complaint tagged HAPPY), and clear words against it win
    label_prior: float = 0.2


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


def polarity_scores(
    model: tuple[list[str], npt.NDArray[np.float64]], vectors: npt.NDArray[np.float32]
) -> npt.NDArray[np.float64]:
    """items x classes: the learnt one-vs-rest scores (about 0 for no, 1 for yes)."""
    _, weights = model
    out: npt.NDArray[np.float64] = (
        np.hstack([vectors.astype(np.float64), np.ones((len(vectors), 1))]) @ weights
    )
    return out


def predict_polarity(
    model: tuple[list[str], npt.NDArray[np.float64]], vectors: npt.NDArray[np.float32]
) -> list[str]:
    classes, _ = model
    return [classes[int(k)] for k in polarity_scores(model, vectors).argmax(axis=1)]


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
        if not len(evidence):
            return []
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
        chunks_of = Counter(e.document_id for e in evidence.items)
        shared = [chunks_of[e.document_id] > 1 for e in evidence.items]
        model = self._fit(items, given, shared)
        learnt_scores = polarity_scores(model, items) if model is not None else None
        out: list[Judgement] = []
        for i, item in enumerate(evidence.items):
            pos, neg = float(scores[i, 0]), float(scores[i, 1])
            estimate = CLASSES[int(post[i].argmax())]
            estimated_by = "estimate"
            if model is not None and learnt_scores is not None:
                estimate, estimated_by = model[0][int(learnt_scores[i].argmax())], "learnt"
                prior = given[i]
                if prior is not None and shared[i]:
                    given[i] = self._with_text(prior, model[0], learnt_scores[i])
                elif prior is not None and prior[1] == "label":
                    given[i] = self._with_text(
                        prior, model[0], learnt_scores[i], self.params.label_prior
                    )
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
                and source.startswith(("rating", "label"))
            ):
                polarity = "mixed" if polarity == "positive" else polarity
            if polarity in ("negative", "mixed") and severity is None:
                severe, moderate = self.lexicon.cues(item.text, item.lang)
                strength = (
                    5 * (neg - pos) + min(moderate, 3) + (0.5 if source.startswith("label") else 0)
                )
                severity = 3 if severe else (2 if strength > 0.5 else 1)
            if polarity not in ("negative", "mixed"):
                severity = None
            out.append(Judgement(polarity, source, severity))
        return out

    def _fit(
        self,
        items: npt.NDArray[np.float32],
        given: list[tuple[str, str, int | None] | None],
        shared: list[bool],
    ) -> tuple[list[str], npt.NDArray[np.float64]] | None:
        """The learnt classifier, from the rated or labelled chunks that are their whole record
        when there are enough of them (their rating is about their own words), else from all."""
        alone = [g[0] if g and not shared[i] else None for i, g in enumerate(given)]
        model = fit_polarity(items, alone, self.params)
        if model is None:
            model = fit_polarity(items, [g[0] if g else None for g in given], self.params)
        return model

    def _with_text(
        self,
        given: tuple[str, str, int | None],
        classes: list[str],
        scores: npt.NDArray[np.float64],
        margin: float | None = None,
    ) -> tuple[str, str, int | None]:
        """A record's rating or label as a prior for one of its several chunks: the chunk's own
        words win when they say another polarity by more than ``record_prior``."""
        polarity, source, severity = given
        if polarity not in classes:
            return given
        weight = self.params.record_prior if margin is None else margin
        boosted = scores + np.asarray([weight if c == polarity else 0.0 for c in classes])
        own = classes[int(boosted.argmax())]
        if own == polarity:
            return given
        return own, f"{source}+text", severity if own == "negative" else None

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

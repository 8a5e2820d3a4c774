"""Polarity and severity of each evidence item.

When the source's rating or label can be read (``SourceMapping``), it decides the polarity; a
rating also gives a severity. Otherwise the offline estimate is used:

- polarity: cosine of the language-centred item with the centred mean of hand-written prototype
  phrases for positive, negative and neutral (``lexicon.yaml``, five languages), turned into
  probabilities by a softmax whose class prior is re-estimated per language on the corpus; an
  item with a contrast word ("but", «ولی», «но», แต่, 但是) whose positive and negative scores
  are both close to its best score is "mixed";
- severity (negative and mixed items): 3 when a severe cue is present (money lost, never
  arrived, cannot log in, food poisoning, ...), else 2 when 5 x (negative - positive score) +
  the number of moderate cues (at most 3) exceeds 0.5, else 1.

On the labelled dev set this gives about 0.68 polarity accuracy without labels (0.8 with) and a
Spearman correlation of about 0.4 with labelled severity (bench/analysis.py measures it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.analysis.centring import LanguageCentring
from generator.analysis.evidence import EvidenceSet
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
    source: str  # "label", "rating" or "estimate"
    severity: int | None


@dataclass(frozen=True)
class SentimentParams:
    tau: float = 1.0
    em_iters: int = 3
    mixed_margin: float = 0.02

    def describe(self) -> list[str]:
        return [f"polarity.tau={self.tau}", f"polarity.mixed_margin={self.mixed_margin}"]


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
        out: list[Judgement] = []
        for i, item in enumerate(evidence.items):
            pos, neg = float(scores[i, 0]), float(scores[i, 1])
            estimate = CLASSES[int(post[i].argmax())]
            if (
                self.lexicon.contrast_in(item.text, item.lang)
                and max(pos, neg) - min(pos, neg) <= self.params.mixed_margin
                and min(pos, neg) >= float(scores[i, 2])
            ):
                estimate = "mixed"
            polarity, source, severity = estimate, "estimate", None
            rated = mapping.from_rating(item.rating)
            labelled = mapping.from_label(item.label)
            if rated is not None:
                polarity, source, severity = rated[0], "rating", rated[1]
            elif labelled is not None:
                polarity, source = labelled, "label"
            if polarity in ("positive", "neutral") and estimate == "mixed" and source != "estimate":
                polarity = "mixed" if polarity == "positive" else polarity
            if polarity in ("negative", "mixed") and severity is None:
                severe, moderate = self.lexicon.cues(item.text, item.lang)
                strength = 5 * (neg - pos) + min(moderate, 3) + (0.5 if source == "label" else 0)
                severity = 3 if severe else (2 if strength > 0.5 else 1)
            if polarity not in ("negative", "mixed"):
                severity = None
            out.append(Judgement(polarity, source, severity))
        return out

"""Deductive coding: every substantive evidence chunk gets a code of the codebook, or none, with a
confidence, in any language.

An item's score for a code is its similarity to the code's names, description and examples
(``prototypes``: raw and language-centred, through the passage -> query map), plus ``lexical``
times the summed rarity (log of codes / codes using it) of the words it shares with the code's
texts in the codebook (the words a team wrote for the code: «سرد», 凉, «холодная»). Scores
become probabilities per language by a softmax whose temperature is the items' typical spread of
scores. The stage the item is placed in is evidence of its code: a code that belongs to a stage
is weighted by the item's probability of that stage to the power ``stage_power``. A code's
valence agrees with the item's polarity (a complaint is never coded as praise, nor praise as a
complaint; a question or request may come with either): codes of another valence keep
``valence_penalty`` of their probability, none by default. This is a rule of the product, not
a tuned default: with the noisy labels of one source, coding against the polarity scored a
little better on the choosing half, and gave pain points codes their evidence contradicts. The
best code is the item's code when its probability is at least ``min_confidence``; otherwise the
item is left to the emergent themes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from generator.analysis.prototypes import ItemSpace, Prototypes, side_scores
from generator.analysis.stages import softmax
from knowledge.journey.codebook import Codebook
from knowledge.journey.frameworks import StageFramework
from knowledge.search.embeddings import Embedder
from knowledge.text.segment import tokenize

Matrix = npt.NDArray[np.float32]

# polarity of the item -> valences of the codes it may take without a penalty; a question or
# request (a neutral code) may come with praise or a complaint
AGREES: dict[str, tuple[str, ...]] = {
    "negative": ("negative", "neutral", "any"),
    "mixed": ("negative", "positive", "neutral", "any"),
    "positive": ("positive", "neutral", "any"),
    "neutral": ("neutral", "any"),
}


@dataclass(frozen=True)
class CodeParams:
    k: int = 3
    beta: float = 0.5
    tau: float = 0.5
    item_side: str = "query_map"
    lexical: float = 0.01
    stage_power: float = 0.5
    valence_penalty: float = 0.0
    min_confidence: float = 0.2


@dataclass(frozen=True)
class CodeAssignment:
    code: str | None
    confidence: float  # probability of the best agreeing code, whether or not it was given


class CodeWords:
    """The words of each code's texts, weighted by how few codes use them."""

    def __init__(self, codebook: Codebook) -> None:
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for c, code in enumerate(codebook.codes):
            words = sorted({w for text in code.texts() for w in tokenize(text)})
            for w in words:
                rows.append(vocab.setdefault(w, len(vocab)))
                cols.append(c)
        n = len(codebook.codes)
        used = np.bincount(np.asarray(rows, dtype=np.int64), minlength=len(vocab))
        weights = np.log(n / np.maximum(used, 1))[rows]
        self.vocab = vocab
        self.matrix = sparse.csr_matrix(
            (weights.astype(np.float32), (rows, cols)), shape=(len(vocab), n)
        )

    def scores(self, token_lists: Sequence[Sequence[str]]) -> Matrix:
        """items x codes: summed weight of the code words each item uses."""
        rows, cols = [], []
        for r, tokens in enumerate(token_lists):
            for w in sorted(set(tokens)):
                col = self.vocab.get(w)
                if col is not None:
                    rows.append(r)
                    cols.append(col)
        items = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(token_lists), len(self.vocab)),
        )
        out: Matrix = np.asarray((items @ self.matrix).todense(), dtype=np.float32)
        return out


class CodeAssigner:
    def __init__(
        self, codebook: Codebook, embedder: Embedder, params: CodeParams | None = None
    ) -> None:
        self.codebook = codebook
        self.params = params or CodeParams()
        texts: list[str] = []
        owner: list[int] = []
        for c, code in enumerate(codebook.codes):
            for text in code.texts():
                texts.append(text)
                owner.append(c)
        self.prototypes = Prototypes(texts, owner, len(codebook.codes), embedder)
        self.words = CodeWords(codebook)
        self.valences = [code.valence for code in codebook.codes]

    def posteriors(
        self,
        space: ItemSpace,
        polarity: list[str],
        tokens: Sequence[Sequence[str]] | None = None,
        stages: tuple[StageFramework, Matrix] | None = None,
        learnt: Callable[[Matrix], Matrix] | None = None,
    ) -> tuple[Matrix, Matrix]:
        """(probability of each code, raw scores), items x codes, with the item's words
        (``tokens``), what corrections taught (``learnt``, see ``learning``), its stage
        probabilities (``stages``) and valence applied."""
        p = self.params
        combined, raw = side_scores(self.prototypes, space, p.item_side, p.k, p.beta)
        if tokens is not None and p.lexical:
            combined = combined + p.lexical * self.words.scores(tokens)
        post = np.zeros_like(combined)
        langs = np.asarray(space.langs)
        for lang in sorted(set(langs.tolist())):
            rows = np.flatnonzero(langs == lang)
            temperature = p.tau * float(combined[rows].std(axis=1).mean())
            post[rows] = softmax(combined[rows], temperature)
        if learnt is not None:
            post = learnt(post)
        weights = np.asarray(
            [
                [
                    1.0 if v in AGREES.get(pol, ("any",)) else p.valence_penalty
                    for v in self.valences
                ]
                for pol in polarity
            ],
            dtype=np.float32,
        )
        post = post * weights
        if stages is not None and p.stage_power:
            post = post * self.stage_weights(*stages) ** p.stage_power
        sums = post.sum(axis=1, keepdims=True)
        post = np.where(sums > 0, post / np.where(sums > 0, sums, 1), 0).astype(np.float32)
        return post, raw

    def assign(
        self,
        space: ItemSpace,
        polarity: list[str],
        tokens: Sequence[Sequence[str]] | None = None,
        stages: tuple[StageFramework, Matrix] | None = None,
        learnt: Callable[[Matrix], Matrix] | None = None,
    ) -> tuple[list[CodeAssignment], Matrix]:
        """The code of every item (or none) and the code probabilities behind it."""
        post, _ = self.posteriors(space, polarity, tokens, stages, learnt)
        p = self.params
        out: list[CodeAssignment] = []
        best = post.argmax(axis=1) if post.shape[1] else np.zeros(len(post), dtype=np.int64)
        for i in range(len(post)):
            b = int(best[i])
            confidence = float(post[i, b]) if post.shape[1] else 0.0
            given = confidence > 0 and confidence >= p.min_confidence
            out.append(
                CodeAssignment(self.codebook.codes[b].id if given else None, round(confidence, 4))
            )
        return out, post

    def stage_weights(self, framework: StageFramework, stage_post: Matrix) -> Matrix:
        """items x codes: the item's probability of each code's stage (a code without a stage
        in the framework gets the stages' mean)."""
        stage_ids = framework.stage_ids
        out = np.full(
            (stage_post.shape[0], len(self.codebook.codes)), 1.0 / len(stage_ids), dtype=np.float32
        )
        for c, code in enumerate(self.codebook.codes):
            stage = code.stage_in(framework.id, stage_ids)
            if stage is not None:
                out[:, c] = stage_post[:, stage_ids.index(stage)]
        return out

    def stage_share(self, post: Matrix, framework: StageFramework) -> Matrix:
        """items x stages: the probability of the codes that belong to each stage."""
        stage_ids = framework.stage_ids
        share = np.zeros((post.shape[0], len(stage_ids)), dtype=np.float32)
        for c, code in enumerate(self.codebook.codes):
            stage = code.stage_in(framework.id, stage_ids)
            if stage is not None:
                share[:, stage_ids.index(stage)] += post[:, c]
        return share

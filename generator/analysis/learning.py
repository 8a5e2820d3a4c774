"""What researchers' corrections teach: a classifier fitted on the corrected evidence together
with the framework's (or codebook's) own texts, whose evidence is added to the offline
posteriors as far as the corrections themselves show it helps.

Items and texts are compared in the query space the offline scorers use, raw and
language-centred side by side, so a correction in Persian moves similar Chinese evidence too
(one shared embedding space, each language's mean removed). The classifier is a multinomial
logistic regression (L2, fitted by L-BFGS from zeros, so the same corrections always give the
same model); every text of a label is a training example of weight ``text_weight``, every
correction one of weight 1.

Its probabilities ``q`` become evidence as a likelihood ratio against the share ``s`` of each
label among its training examples (researchers correct a few of every stage, not the corpus's
mix), so the offline posterior ``p`` keeps the corpus's stage mix: ``p (q / s)^w``, normalised.
The weight ``w`` is chosen by the corrections: in ``folds``-fold cross-validation over them,
the ``w`` of ``WEIGHTS`` that gives their held-out labels the highest likelihood. Corrections
that agree with the offline analysis therefore change little; where the analysis gets a team's
data wrong (every Russian review in one stage), they take over. Below ``min_cv`` corrections
(or with one label only) there is too little to show it helps: the labelled evidence keeps its
labels and the rest is placed as without corrections. With no corrections the analysis is the
offline one, and the model is fitted again at every analysis from the
corrections active then, so a new or undone correction counts at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

Matrix = npt.NDArray[np.float32]
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
FOLD_ITERATIONS = 60  # a fold's model starts from the full one, so a few steps suffice


@dataclass(frozen=True)
class LearnParams:
    l2: float = 0.001  # penalty on the weights (chosen on half A of gold_dev, bench.learning)
    text_weight: float = 1.0  # weight of each framework or codebook text as an example
    scale: float = 10.0  # the features' scale (cosine space -> logits)
    folds: int = 5  # cross-validation over the corrections that chooses the weight
    min_cv: int = 10  # fewer corrections than this (or of one label only): weight 0


def fit_softmax(
    x: Matrix,
    y: npt.NDArray[np.int64],
    weights: Matrix,
    classes: int,
    l2: float,
    start: npt.NDArray[np.float64] | None = None,
    maxiter: int = 300,
) -> tuple[Matrix, Matrix, npt.NDArray[np.float64]]:
    """(W, b, the parameters as a vector) of a weighted multinomial logistic regression,
    from ``start`` (default zeros)."""
    n, d = x.shape
    onehot = np.zeros((n, classes), dtype=np.float64)
    onehot[np.arange(n), y] = 1.0
    xw = x.astype(np.float64)
    sw = weights.astype(np.float64)
    total = float(sw.sum())

    def loss(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        w = theta[: d * classes].reshape(d, classes)
        b = theta[d * classes :]
        z = xw @ w + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -float((sw[:, None] * onehot * logp).sum()) / total + 0.5 * l2 * float(
            (w * w).sum()
        )
        g = (np.exp(logp) - onehot) * sw[:, None] / total
        grad_w = xw.T @ g + l2 * w
        return value, np.concatenate([grad_w.ravel(), g.sum(axis=0)])

    theta0 = np.zeros(d * classes + classes) if start is None else start
    # small products: BLAS threads would spend more time waking than working (4x slower)
    with threadpool_limits(1, user_api="blas"):
        result = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": maxiter})
    theta = result.x
    return (
        theta[: d * classes].reshape(d, classes).astype(np.float32),
        theta[d * classes :].astype(np.float32),
        theta,
    )


def _normalised(m: npt.NDArray[np.float64]) -> Matrix:
    out: Matrix = (m / m.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


class Learner:
    """Learns labels (stages or codes) from corrected items and the labels' texts."""

    def __init__(
        self,
        classes: int,
        texts: Matrix,
        text_owner: npt.NDArray[np.int64],
        params: LearnParams | None = None,
    ) -> None:
        self.classes = classes
        self.texts, self.text_owner = texts, text_owner
        self.params = params or LearnParams()
        self.weight = 0.0  # chosen by ``teach``

    def _fit(
        self,
        items: Matrix,
        labelled: dict[int, int],
        start: npt.NDArray[np.float64] | None = None,
        maxiter: int = 300,
    ) -> tuple[Matrix, Matrix, npt.NDArray[np.float64]]:
        """(probabilities of every item, share of each label among the training examples,
        the fitted parameters)."""
        p = self.params
        rows = sorted(labelled)
        x = np.vstack([items[rows], self.texts]) * p.scale
        y = np.concatenate(
            [np.asarray([labelled[r] for r in rows], dtype=np.int64), self.text_owner]
        )
        w = np.concatenate(
            [
                np.ones(len(rows), dtype=np.float32),
                np.full(len(self.texts), p.text_weight, np.float32),
            ]
        )
        weights, bias, theta = fit_softmax(
            x.astype(np.float32), y, w, self.classes, p.l2, start, maxiter
        )
        z = (items * p.scale) @ weights + bias
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z).astype(np.float64)
        share = np.bincount(y, weights=w, minlength=self.classes) / float(w.sum())
        return _normalised(e), share.astype(np.float32)[None, :], theta

    @staticmethod
    def combine(prior: Matrix, learnt: Matrix, share: Matrix, weight: float) -> Matrix:
        if weight == 0:
            return prior
        ratio = np.power(
            np.clip(learnt, 1e-9, None).astype(np.float64) / np.clip(share, 1e-9, None), weight
        )
        return _normalised(np.clip(prior, 1e-12, None).astype(np.float64) * ratio)

    def choose_weight(
        self,
        items: Matrix,
        labelled: dict[int, int],
        prior: Matrix,
        start: npt.NDArray[np.float64],
    ) -> float:
        """The weight under which held-out corrections are most likely (k-fold, in the order
        of the items, so the choice is the same every run; each fold's model starts from the
        model fitted on all of them, ``start``)."""
        p = self.params
        rows = sorted(labelled)
        if len(rows) < p.min_cv or len(set(labelled.values())) < 2:
            return 0.0  # too few to show that it helps: the labels count, nothing more
        folds = min(p.folds, len(rows))
        loglik = np.zeros(len(WEIGHTS))
        for f in range(folds):
            held = rows[f::folds]
            out = set(held)
            train = {r: labelled[r] for r in rows if r not in out}
            learnt, share, _ = self._fit(items, train, start, FOLD_ITERATIONS)
            truth = np.asarray([labelled[r] for r in held])
            for n, weight in enumerate(WEIGHTS):
                post = self.combine(prior[held], learnt[held], share, weight)
                chance = np.clip(post[np.arange(len(held)), truth], 1e-9, 1)
                loglik[n] += float(np.log(chance).sum())
        return WEIGHTS[int(np.argmax(loglik))]

    def teach(self, items: Matrix, labelled: dict[int, int], prior: Matrix) -> Matrix:
        """``prior`` (items x labels) with what the labelled items teach."""
        p = self.params
        if len(labelled) < p.min_cv or len(set(labelled.values())) < 2:
            return prior
        learnt, share, theta = self._fit(items, labelled)
        self.weight = self.choose_weight(items, labelled, prior, theta)
        return self.combine(prior, learnt, share, self.weight)

"""What researchers' corrections teach: a classifier fitted on the corrected evidence together
with the framework's (or codebook's) own texts, whose probabilities are blended into the
offline posteriors.

Items and texts are compared in the language-centred query space the offline scorers use, so a
correction in Persian moves similar Chinese evidence too (one shared embedding space; each
language's mean removed). The classifier is a multinomial logistic regression (L2, fitted by
L-BFGS from zeros, so the same corrections always give the same model); every text of a label
is a training example of weight ``text_weight``, every correction one of weight 1. Its
probabilities ``q`` are blended with the offline posterior ``p`` as ``p^(1-w) q^w``, normalised,
where ``w = n / (n + trust)`` grows with the number ``n`` of corrections: with none, the
analysis is the offline one unchanged. The model is fitted again at every analysis from the
corrections active then, so a new or undone correction counts at once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class LearnParams:
    l2: float = 1.0  # penalty on the weights (per unit of training weight)
    text_weight: float = 0.5  # weight of each framework or codebook text as an example
    trust: float = 10.0  # corrections at which the learnt probabilities weigh as much as the rest
    scale: float = 10.0  # the features' scale (cosine space -> logits)

    def describe(self) -> list[str]:
        return [f"learn.{f.name}={getattr(self, f.name)}" for f in fields(self)]


def fit_softmax(
    x: Matrix, y: npt.NDArray[np.int64], weights: Matrix, classes: int, l2: float
) -> tuple[Matrix, Matrix]:
    """(W, b) of a weighted multinomial logistic regression."""
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

    theta0 = np.zeros(d * classes + classes)
    result = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 300})
    theta = result.x
    return (
        theta[: d * classes].reshape(d, classes).astype(np.float32),
        theta[d * classes :].astype(np.float32),
    )


class Learner:
    """Learns labels (stages or codes) from corrected items and the labels' texts."""

    def __init__(self, classes: int, params: LearnParams | None = None) -> None:
        self.classes = classes
        self.params = params or LearnParams()

    def weight(self, corrections: int) -> float:
        return corrections / (corrections + self.params.trust) if corrections else 0.0

    def probabilities(
        self,
        items: Matrix,
        labelled: dict[int, int],
        texts: Matrix,
        text_owner: npt.NDArray[np.int64],
    ) -> Matrix:
        """items x classes, from the items' labels (row -> class) and the texts."""
        p = self.params
        rows = sorted(labelled)
        x = np.vstack([items[rows], texts]) * p.scale
        y = np.concatenate([np.asarray([labelled[r] for r in rows], dtype=np.int64), text_owner])
        w = np.concatenate(
            [np.ones(len(rows), dtype=np.float32), np.full(len(texts), p.text_weight, np.float32)]
        )
        weights, bias = fit_softmax(x.astype(np.float32), y, w, self.classes, p.l2 / p.scale**2)
        z = (items * p.scale) @ weights + bias
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: Matrix = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return out

    def blend(self, prior: Matrix, learnt: Matrix, corrections: int) -> Matrix:
        w = self.weight(corrections)
        if w == 0:
            return prior
        mixed = np.power(np.clip(prior, 1e-9, None), 1 - w) * np.power(
            np.clip(learnt, 1e-9, None), w
        )
        out: Matrix = (mixed / mixed.sum(axis=1, keepdims=True)).astype(np.float32)
        return out

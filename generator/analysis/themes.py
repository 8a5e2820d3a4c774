"""Themes: each stage's evidence clustered across languages.

Features: language-centred embeddings next to a TF-IDF vector of the item's search tokens (jieba
and pythainlp segmentation from ingest), weighted ``gamma``; both halves are unit vectors, so
the cosine of two items is (embedding cosine + gamma^2 x keyword cosine) / (1 + gamma^2).
Average-linkage clustering cuts the tree at cosine distance ``threshold``; an item left alone is
re-attached to the most similar theme of its stage when that similarity is at least
``attach_min``. A stage with more than ``exact_limit`` items is first reduced to
``micro_clusters`` spherical k-means centres, which are then clustered the same way, so time
grows linearly with the corpus.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from knowledge.search.dense import normalise
from knowledge.search.embeddings import Vectors

Labels = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ThemeParams:
    gamma: float = 0.5
    threshold: float = 0.85
    attach_min: float = 0.15
    exact_limit: int = 1500
    micro_clusters: int = 300
    seed: int = 7
    spread: float | None = 0.11  # rescale each language's similarities to this spread
    spread_sample: int = 400


def tfidf(documents: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Sublinear TF-IDF rows, L2-normalised (empty rows stay zero)."""
    vocab: dict[str, int] = {}
    df: Counter[str] = Counter()
    for tokens in documents:
        df.update(set(tokens))
    rows, cols, vals = [], [], []
    n = len(documents)
    for r, tokens in enumerate(documents):
        for term, count in Counter(tokens).items():
            if df[term] < 2 and n > 2:
                continue  # a word nobody else used cannot bring two items together
            rows.append(r)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append((1 + math.log(count)) * math.log(n / df[term] + 1))
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(1, len(vocab))), dtype=np.float32)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(1 / np.where(norms == 0, 1, norms)) @ m)


def _similarity(
    dense: Vectors,
    words: sparse.csr_matrix,
    gamma: float,
    scale: npt.NDArray[np.float32] | None = None,
) -> npt.NDArray[np.float32]:
    sims = dense @ dense.T
    if gamma > 0:
        sims = sims + gamma**2 * (words @ words.T).toarray()
    sims = sims / (1 + gamma**2)
    if scale is not None:
        sims = sims / np.sqrt(np.outer(scale, scale))
        np.fill_diagonal(sims, 1.0)
    return sims.astype(np.float32)


def language_scale(
    dense: Vectors,
    words: sparse.csr_matrix,
    langs: Sequence[str],
    params: ThemeParams,
) -> npt.NDArray[np.float32] | None:
    """Per item: its language's spread of pairwise similarities divided by ``params.spread``
    (None when not asked for). Languages differ in how similar their texts look to the model;
    a fixed cut would give one language few broad themes and another many narrow ones."""
    if params.spread is None:
        return None
    langs_arr = np.asarray(langs)
    scale = np.ones(len(langs_arr), dtype=np.float32)
    for n, lang in enumerate(sorted(set(langs_arr.tolist()))):
        rows = np.flatnonzero(langs_arr == lang)
        if len(rows) < 10:
            continue
        if len(rows) > params.spread_sample:
            # a generator per language: the sample never depends on which languages came first
            rng = np.random.default_rng([params.seed, n, len(rows)])
            rows_s = rng.choice(rows, size=params.spread_sample, replace=False)
        else:
            rows_s = rows
        sims = _similarity(dense[rows_s], words[rows_s], params.gamma)
        spread = float(sims[np.triu_indices(len(rows_s), 1)].std())
        scale[rows] = spread / params.spread
    return scale


def _average_linkage(sims: npt.NDArray[np.float32], threshold: float) -> Labels:
    n = len(sims)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    dist = np.clip(1 - sims, 0, 2)
    np.fill_diagonal(dist, 0)
    tree = linkage(squareform(dist, checks=False), method="average")
    labels: Labels = (fcluster(tree, t=threshold, criterion="distance") - 1).astype(np.int64)
    return labels


def _spherical_kmeans(x: Vectors, k: int, seed: int, iters: int = 10) -> Labels:
    rng = np.random.default_rng(seed)
    centres = x[rng.choice(len(x), size=k, replace=False)]
    labels = np.zeros(len(x), dtype=np.int64)
    for _ in range(iters):
        labels = np.argmax(x @ centres.T, axis=1)
        for c in range(k):
            members = x[labels == c]
            if len(members):
                centres[c] = members.mean(axis=0)
        centres = normalise(centres)
    return labels


def _attach_singletons(
    labels: Labels, sims_to: npt.NDArray[np.float32], attach_min: float
) -> Labels:
    sizes = Counter(labels.tolist())
    big = [c for c, n in sizes.items() if n >= 2]
    if not big:
        return labels
    out = labels.copy()
    for i, c in enumerate(labels):
        if sizes[int(c)] >= 2:
            continue
        best_sim, best = -1.0, None
        for b in big:
            members = np.flatnonzero(labels == b)
            sim = float(sims_to[i, members].mean())
            if sim > best_sim:
                best_sim, best = sim, b
        if best is not None and best_sim >= attach_min:
            out[i] = best
    return out


def cluster_stage(
    dense: Vectors,
    words: sparse.csr_matrix,
    params: ThemeParams,
    scale: npt.NDArray[np.float32] | None = None,
) -> Labels:
    """Theme label (0..k-1) of each item of one stage; ``scale`` from ``language_scale``."""
    n = len(dense)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= params.exact_limit:
        sims = _similarity(dense, words, params.gamma, scale)
        labels = _average_linkage(sims, params.threshold)
        labels = _attach_singletons(labels, sims, params.attach_min)
    else:
        micro = _spherical_kmeans(dense, params.micro_clusters, params.seed)
        used = np.unique(micro)
        centres = normalise(np.stack([dense[micro == c].mean(axis=0) for c in used]))
        word_centres = sparse.csr_matrix(
            np.vstack([np.asarray(words[micro == c].mean(axis=0)) for c in used])
        )
        norms = np.sqrt(np.asarray(word_centres.multiply(word_centres).sum(axis=1)).ravel())
        word_centres = sparse.csr_matrix(
            sparse.diags(1 / np.where(norms == 0, 1, norms)) @ word_centres
        )
        centre_scale = (
            np.asarray([float(scale[micro == c].mean()) for c in used], dtype=np.float32)
            if scale is not None
            else None
        )
        top = _average_linkage(
            _similarity(centres, word_centres, params.gamma, centre_scale), params.threshold
        )
        mapping = dict(zip(used.tolist(), top.tolist(), strict=True))
        labels = np.asarray([mapping[int(m)] for m in micro], dtype=np.int64)
    _, labels = np.unique(labels, return_inverse=True)
    return labels.astype(np.int64)

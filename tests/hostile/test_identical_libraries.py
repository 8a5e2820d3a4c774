"""Two libraries built from the same files rank search results identically: nothing in the
ranking depends on how the approximate index happened to be built."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.embeddings import Vectors
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher

LINES = {
    "fa": "پیک خیلی دیر رسید و غذا سرد بود",
    "ru": "Курьер опоздал на час, еда остыла",
    "th": "ไรเดอร์มาช้ามาก อาหารเย็นหมดแล้ว",
    "zh": "骑手迟到了一个小时，饭菜都凉了",
    "en": "the courier was an hour late and the food was cold",
}
QUERIES = ("late courier", "еда остыла", "饭菜都凉了", "อาหารเย็น", "غذا سرد")


class HashEmbedder:
    """Random unit vectors seeded by the text: no model, and the hardest case for an
    approximate index (no clusters to fall into)."""

    id = "test/hash-384"
    dim = 384

    def _one(self, text: str) -> Vectors:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
        v = np.random.default_rng(seed).normal(size=self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self._one(t) for t in texts]).astype(np.float32)

    def embed_query(self, text: str) -> Vectors:
        return self._one("query " + text)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return np.stack([self.embed_query(t) for t in texts]).astype(np.float32)


def research(folder: Path, per_language: int) -> Path:
    folder.mkdir()
    for lang, line in LINES.items():
        rows = "\n".join(f"{line} №{n}" for n in range(per_language))
        (folder / f"{lang}.txt").write_text(rows + "\n", encoding="utf-8")
    return folder


def rankings(home: Path, files: Path) -> list[list[str]]:
    library = Library(Settings(home=home), HashEmbedder())
    try:
        report = Ingestor(library).run([files], IngestOptions(kind="review", workspace="w"))
        assert report.ok, report.summary()["failures"]
        searcher = Searcher(library)
        where = EvidenceFilter(workspace="w")
        return [
            [h.evidence_id for h in searcher.search(q, k=100, filters=where, mode=mode)]
            for q in QUERIES
            for mode in ("hybrid", "dense")
        ]
    finally:
        library.close()


def test_identical_libraries_rank_identically(tmp_path: Path) -> None:
    files = research(tmp_path / "files", per_language=1500)
    first = rankings(tmp_path / "home-a", files)
    second = rankings(tmp_path / "home-b", files)
    assert all(len(r) == 100 for r in first)
    assert first == second

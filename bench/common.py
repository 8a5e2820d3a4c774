"""Helpers shared by the benchmarks: where the shared research data is, a throw-away library."""

from __future__ import annotations

import json
import os
import resource
import tempfile
from pathlib import Path
from typing import Any

from knowledge.platform.settings import Settings
from knowledge.search.library import Library

SHARED = Path(
    os.environ.get("CJM_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def require_shared() -> Path:
    if not SHARED.is_dir():
        raise SystemExit(
            f"the shared research data is not at {SHARED}; set CJM_SHARED_DATA to its folder"
        )
    return SHARED


def fresh_library(name: str) -> Library:
    home = Path(tempfile.mkdtemp(prefix=f"cjm-bench-{name}-"))
    return Library(Settings(home=home))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)

"""Where the tests' input files are: the bundled research samples and the fixtures written for
the tests."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "knowledge" / "research" / "samples"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

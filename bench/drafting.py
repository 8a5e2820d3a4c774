"""Prompt and completion size per LLM draft as the corpus grows, and calls per draft.

    python -m bench.drafting [--scale-home DIR]

Drafts a current-state map (six_stage framework, 3 personas, English) from random subsets of
1k, 4k and 16k items of shared/data/research, with the function-driven fake
(``generator.drafting.fake_drafter.FakeDrafter``) answering every
part, so the sizes are those of real
prompts and of terse, valid answers. Target: the 16k draft sends <= 2x the characters of the
1k draft, because the model sees themes (capped per stage), never the corpus.
``--scale-home`` reuses a CJM_HOME whose workspace "bench" holds the corpus (bench.ingest or an
earlier run of this bench builds one); otherwise it is ingested first (about 10 minutes).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from bench.common import require_shared
from generator.analysis.analyze import AnalysisOptions, analyze_evidence
from generator.analysis.evidence import EvidenceSet, load_evidence
from generator.drafting.fake_drafter import FakeDrafter
from generator.drafting.llm_draft import DraftSpec, LLMDrafter
from generator.llm.fakes import FunctionModel
from generator.llm.job import LLMJob
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.journey.model import Scope
from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale-home", type=Path, default=None)
    args = parser.parse_args()
    home = args.scale_home or Path("/tmp/cjm-bench-drafting")
    library = Library(Settings(home=home))
    try:
        full = load_evidence(library, EvidenceFilter(workspace="bench"))
    except Exception:  # noqa: BLE001 - an empty workspace is reported as a user error
        full = None
    if full is None or len(full) < 16000:
        files = sorted((require_shared() / "research").glob("*/*.jsonl"))
        print(f"ingesting {len(files)} files into {home} (workspace bench) ...")
        Ingestor(library).run(files, IngestOptions(kind="review", workspace="bench"))
        full = load_evidence(library, EvidenceFilter(workspace="bench"))
    framework = load_framework("six_stage")
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace="bench"),
        framework=framework,
        codebook=codebook_for(framework),
    )
    scope = Scope(workspace="bench", product=None, segment=None, goal=None, languages=[], kinds=[])
    order = np.random.default_rng(7).permutation(len(full))
    settings = Settings(home=home)
    print(f"\ndraft size (six_stage, 3 personas, en; {len(full)} items available)")
    print(
        f"{'items':>7} {'themes':>7} {'calls':>6} {'prompt chars':>13} {'completion chars':>17}"
        f" {'prompt tokens':>14} {'x of 1k':>8} {'seconds':>8}"
    )
    base = None
    for n in (1000, 4000, 16000):
        pick = sorted(order[: min(n, len(full))].tolist())
        subset = EvidenceSet([full.items[i] for i in pick], full.vectors[pick])
        analysis = analyze_evidence(library, subset, options)
        started = time.perf_counter()
        job = LLMJob.from_settings(FunctionModel(FakeDrafter("en")), settings, "en")
        journey = LLMDrafter(job).draft(analysis, subset, framework, scope, DraftSpec())
        seconds = time.perf_counter() - started
        calls = journey.provenance.calls
        prompt = sum(c.prompt_chars for c in calls)
        base = base or prompt
        print(
            f"{len(subset):7d} {len(analysis.themes):7d} {len(calls):6d} {prompt:13,d} "
            f"{sum(c.completion_chars for c in calls):17,d} "
            f"{sum(c.prompt_tokens for c in calls):14,d} {prompt / base:8.2f} {seconds:8.2f}"
        )
    library.close()


if __name__ == "__main__":
    main()

"""Characters sent per map translation, and what the translation memory saves on a refresh
after a one-field edit.

    python -m bench.translation

Drafts a Persian map (six_stage, 3 personas) from the project's sample research with the fake
drafting model, translates it into ru, th, zh and en with the fake translator (every text sent
as a real prompt would send it), then edits one pain point's description in the source and
refreshes each translation. Baseline, in the same run: the full translation of that language.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from generator.analysis.request import AnalysisRequest
from generator.drafting.fake_drafter import FakeDrafter
from generator.drafting.llm_draft import DraftSpec
from generator.drafting.pipeline import draft_map
from generator.llm.fakes import FunctionModel
from generator.llm.job import LLMJob
from generator.translation.fake_translator import FakeTranslator
from generator.translation.service import translate_map
from knowledge.journey.review.patches import FieldPatch
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.library import Library

SAMPLES = Path(__file__).resolve().parents[1] / "knowledge" / "research" / "samples"


def prompt_chars(fake: FunctionModel) -> int:
    return sum(len(m.content) for r in fake.requests for m in r.messages)


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="cjm-bench-translation-"))
    settings = Settings(home=home)
    library = Library(settings)
    try:
        Ingestor(library).run(
            [SAMPLES / "reviews.csv", SAMPLES / "support_tickets.jsonl"],
            IngestOptions(kind="review", workspace="bench"),
        )
        options = AnalysisRequest(
            workspace="bench", framework="six_stage", rating_scale=5
        ).options()
        journey = draft_map(
            library,
            options,
            "fa",
            DraftSpec(personas=3),
            FunctionModel(FakeDrafter("fa")),
            settings,
        )
        repo = MapRepository(library.db)
        source = repo.create("bench", journey, "bench")
        print(f"source map: {journey.id} (fa), {len(journey.stages)} stages")
        print(
            f"\n{'target':<8}{'texts':>7}{'chars':>9}{'prompt chars':>14}{'calls':>7}{'seconds':>9}"
        )
        full: dict[str, tuple[int, int]] = {}
        for target in ("ru", "th", "zh", "en"):
            model = FunctionModel(FakeTranslator(target))
            began = time.perf_counter()
            done = translate_map(
                repo, "bench", source.id, LLMJob.from_settings(model, settings, target), "bench"
            )
            seconds = time.perf_counter() - began
            full[target] = (done.result.chars_sent, prompt_chars(model))
            print(
                f"{target:<8}{done.result.sent:>7}{done.result.chars_sent:>9}"
                f"{prompt_chars(model):>14}{len(model.requests):>7}{seconds:>9.2f}"
            )
        stage = next(s for s in journey.stages if s.pain_points)
        path = f"stages/{stage.id}/pain_points/{stage.pain_points[0].id}/description"
        repo.edit(
            "bench", source.id, 1, [FieldPatch(path=path, value="پیک دیر رسید و غذا سرد بود")], "b"
        )
        print(f"\nrefresh after editing {path} in the source")
        print(f"{'target':<8}{'texts':>7}{'chars':>9}{'prompt chars':>14}{'vs full':>9}")
        for target in ("ru", "th", "zh", "en"):
            model = FunctionModel(FakeTranslator(target))
            done = translate_map(
                repo, "bench", source.id, LLMJob.from_settings(model, settings, target), "bench"
            )
            chars, prompt = full[target]
            print(
                f"{target:<8}{done.result.sent:>7}{done.result.chars_sent:>9}"
                f"{prompt_chars(model):>14}{prompt_chars(model) / prompt:>9.3f}"
            )
    finally:
        library.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The first question on a workspace of ten maps: element vectors computed when each map
version is stored, against the old path that embeds every element while the asker waits.

    python -m bench.qa_first_question

Builds ten approved maps from the labelled food-delivery feedback of shared/data/gold_dev:
evidence-only drafts in fa and zh (as ``bench.qa`` drafts them), and each of them translated
into the four other languages by the scripted translator, stored as maps of their own (ten
maps, ten analyses' worth of element texts; as translations they would count once). The
workspace is then copied: in one copy nothing more happens (the old path), in the other every
stored version gets its element vectors as ``MapRepository`` computes them after storing a
version (``generator.qa.vectors``). Both copies open a fresh library, with the embedding model
already loaded in the process (its load time is the same on both paths and left out), and ask
the same question without a model; then a second question on the old path. Printed: seconds
to store the vectors per map, first-question seconds on each path, elements embedded by each.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from bench.qa import build
from generator.llm.fakes import FunctionModel
from generator.llm.job import LLMJob
from generator.llm.structured import CallPolicy, Deadline
from generator.qa.answer import Asker
from generator.qa.scope import scope_maps
from generator.qa.vectors import element_texts, store_element_vectors
from generator.translation.fake_translator import FakeTranslator
from generator.translation.translate import Translator
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.search.embeddings import Embedder
from knowledge.search.library import Library
from knowledge.translation.memory import TranslationMemory

WORKSPACE = "food"
QUESTION = "Какие проблемы клиенты называют главными на этапе доставки?"
SECOND = "ลูกค้าไม่พอใจเรื่องอะไรมากที่สุด"


def ten_maps(library: Library) -> int:
    """Eight more maps next to the two drafts: each draft in the four other languages."""
    repo = MapRepository(library.db)
    drafts = scope_maps(repo, WORKSPACE, None)
    for m in drafts:
        for lang in ("fa", "ru", "th", "zh", "en"):
            if lang == m.journey.language:
                continue
            job = LLMJob(
                model=FunctionModel(FakeTranslator(lang)),
                policy=CallPolicy(sleep=lambda s: None),
                deadline=Deadline(600),
                lang=lang,
            )
            memory = TranslationMemory(library.db, WORKSPACE)
            result = Translator(job, memory, None).translate(
                m.journey.model_dump(mode="json"), m.version
            )
            journey = result.journey.model_copy(update={"translation_of": None})
            info = repo.create(WORKSPACE, journey, "bench")
            repo.transition(WORKSPACE, info.id, "submit", 1, "bench")
            repo.transition(WORKSPACE, info.id, "approve", 1, "bench")
    return len(scope_maps(repo, WORKSPACE, None))


def first_question(home: Path, embedder: Embedder, question: str) -> tuple[float, int]:
    library = Library(Settings(home=home), embedder)
    try:
        maps = scope_maps(MapRepository(library.db), WORKSPACE, None)
        began = time.perf_counter()
        answer = Asker(library, None, library.settings).ask(question, maps)
        seconds = time.perf_counter() - began
        assert answer.answerable, answer.text
        return seconds, library.cached_embedder.computed
    finally:
        library.close()


def main() -> None:
    began = time.perf_counter()
    library, _maps, _gold = build(Path(tempfile.mkdtemp(prefix="cjm-bench-first-")))
    count = ten_maps(library)
    embedder = library.embedder
    old = library.settings.home
    library.close()
    stored = Path(tempfile.mkdtemp(prefix="cjm-bench-first-stored-")) / "home"
    shutil.copytree(old, stored)
    print(f"{count} approved maps built in {time.perf_counter() - began:.0f} s")

    library = Library(Settings(home=stored), embedder)
    hook = store_element_vectors(library)
    per_map = []
    elements = 0
    for m in scope_maps(MapRepository(library.db), WORKSPACE, None):
        t = time.perf_counter()
        hook(m.journey)
        per_map.append(time.perf_counter() - t)
        elements += len(element_texts(m.journey))
    stored_computed = library.cached_embedder.computed
    library.close()
    print(
        f"store-time vectors: {elements} elements, {stored_computed} embedded, "
        f"{sum(per_map):.1f} s in all, {sum(per_map) / len(per_map):.1f} s per map "
        f"(max {max(per_map):.1f} s)"
    )

    new_s, new_n = first_question(stored, embedder, QUESTION)
    old_s, old_n = first_question(old, embedder, QUESTION)
    again_s, again_n = first_question(old, embedder, SECOND)
    print(f"\nfirst question, {count} maps, no model{'':<10}seconds  elements embedded")
    print(f"{'store-time vectors (this change)':<44}{new_s:>7.1f}  {new_n:>8}")
    print(f"{'on demand at the first question (old path)':<44}{old_s:>7.1f}  {old_n:>8}")
    print(f"{'old path, the next question':<44}{again_s:>7.1f}  {again_n:>8}")
    shutil.rmtree(stored.parent, ignore_errors=True)


if __name__ == "__main__":
    main()

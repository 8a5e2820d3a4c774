"""Researchers' corrections in the analysis: a label fixes its evidence's stage and code or
leaves it out, the rest learns from the labels (across languages), theme rules hold, an undo
restores the analysis, and the same corrections give the same analysis."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.learning import Learner, LearnParams
from generator.analysis.result import Analysis
from generator.analysis.suggest import suggest
from generator.drafting.evidence_only import build_evidence_only_map
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.journey.model import Scope
from knowledge.research.corrections.model import Correction, Corrections, ThemeAnchor
from knowledge.research.corrections.store import CorrectionStore, LabelIn, Target
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from tests.helpers.paths import FIXTURES, SAMPLES

FRAMEWORK = load_framework(str(FIXTURES / "delivery_framework.yaml"))


@pytest.fixture
def lib(library: Library) -> Iterator[Library]:
    report = Ingestor(library).run(
        [SAMPLES / "reviews.csv"], IngestOptions(kind="review", workspace="s")
    )
    assert report.ok
    yield library


def options(corrections: Corrections | None = None) -> AnalysisOptions:
    return AnalysisOptions(
        scope=EvidenceFilter(workspace="s"),
        framework=FRAMEWORK,
        codebook=codebook_for(FRAMEWORK),
        corrections=corrections,
    )


def run(lib: Library, corrections: Corrections | None = None) -> Analysis:
    return analyze(lib, options(corrections))[0]


def placed(analysis: Analysis) -> dict[str, tuple[str, str | None]]:
    return {p.evidence_id: (p.stage, p.code) for p in analysis.placements if p.substantive}


def by_lang(analysis: Analysis, lang: str) -> list[str]:
    return [p.evidence_id for p in analysis.placements if p.lang == lang and p.substantive]


def target() -> Target:
    return Target.of(FRAMEWORK, codebook_for(FRAMEWORK))


def test_a_label_fixes_stage_and_code_and_is_counted(lib: Library) -> None:
    before = run(lib)
    evidence = by_lang(before, "fa")[0]
    stage = next(s for s in FRAMEWORK.stage_ids if s != placed(before)[evidence][0])
    store = CorrectionStore(lib.db)
    store.label("s", LabelIn(evidence, stage=stage, code="rude_staff"), target(), "maryam")
    after = run(lib)  # reads the workspace's active corrections
    p = next(p for p in after.placements if p.evidence_id == evidence)
    assert (p.stage, p.code, p.origin) == (stage, "rude_staff", "human")
    assert after.corrections == 1
    theme = next(t for t in after.themes if evidence in t.members)
    assert (theme.stage, theme.code) == (stage, "rude_staff")
    journey = build_evidence_only_map(
        after,
        analyze(lib, options())[1],
        FRAMEWORK,
        "fa",
        Scope(workspace="s", product=None, segment=None, goal=None, languages=[], kinds=[]),
    )
    assert journey.provenance.corrections == 1
    # undo: the analysis places it again as before
    store.unlabel("s", evidence, "maryam")
    assert placed(run(lib)) == placed(before)
    assert run(lib).corrections == 0


def test_not_customer_experience_leaves_the_counts(lib: Library) -> None:
    before = run(lib)
    evidence = by_lang(before, "th")[0]
    CorrectionStore(lib.db).label("s", LabelIn(evidence, not_evidence=True), target(), "somchai")
    after = run(lib)
    p = next(p for p in after.placements if p.evidence_id == evidence)
    assert not p.substantive and p.origin == "human" and "researcher" in (p.reason or "")
    assert after.coverage()["total_evidence"] == before.coverage()["total_evidence"] - 1
    assert all(evidence not in t.members for t in after.themes)


def _clusters(seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two topics, 40 items each, unit vectors around two directions; texts describing them."""
    rng = np.random.default_rng(seed)
    centres = np.eye(16, dtype=np.float32)[:2]
    items = np.vstack([centres[c] + 0.35 * rng.normal(size=(40, 16)) for c in (0, 1)])
    texts = np.vstack([centres[c] + 0.35 * rng.normal(size=(5, 16)) for c in (0, 1)])
    norm = np.linalg.norm
    items = (items / norm(items, axis=1, keepdims=True)).astype(np.float32)
    texts = (texts / norm(texts, axis=1, keepdims=True)).astype(np.float32)
    return items, texts, np.repeat(np.arange(2), 5)


def test_consistent_corrections_move_what_the_offline_placement_got_wrong() -> None:
    """The offline posterior puts everything in label 0; twelve corrections of topic 1 as
    label 1 move the rest of topic 1 there, and nothing of topic 0."""
    items, texts, owner = _clusters()
    prior = np.tile(np.asarray([[0.8, 0.2]], dtype=np.float32), (80, 1))
    labelled = {**dict.fromkeys(range(0, 6), 0), **dict.fromkeys(range(40, 52), 1)}
    learner = Learner(2, texts, owner, LearnParams())
    post = learner.teach(items, labelled, prior)
    assert learner.weight > 0
    assert (post[52:].argmax(axis=1) == 1).mean() > 0.9
    assert (post[6:40].argmax(axis=1) == 0).all()
    again = Learner(2, texts, owner, LearnParams()).teach(items, labelled, prior)
    assert np.array_equal(post, again)  # the same corrections, the same result


def test_corrections_that_contradict_each_other_change_nothing() -> None:
    """Labels at random across both topics teach nothing the held-out ones confirm: the
    analysis stays the offline one; so do fewer than ten corrections."""
    items, texts, owner = _clusters()
    rng = np.random.default_rng(5)
    prior = np.tile(np.asarray([[0.6, 0.4]], dtype=np.float32), (80, 1))
    noisy = {int(i): int(rng.integers(0, 2)) for i in rng.choice(80, 20, replace=False)}
    learner = Learner(2, texts, owner, LearnParams())
    assert np.array_equal(learner.teach(items, noisy, prior), prior) and learner.weight == 0
    few = {40: 1, 41: 1, 0: 0}
    assert np.array_equal(Learner(2, texts, owner).teach(items, few, prior), prior)


def test_labels_of_another_framework_keep_only_their_code(lib: Library) -> None:
    before = run(lib)
    evidence = by_lang(before, "zh")[0]
    label = Correction(
        "c1",
        "s",
        "label",
        evidence,
        None,
        None,
        "six_stage",
        "purchase",
        "rude_staff",
        False,
        (),
        "",
        "t",
        datetime(2026, 1, 1, tzinfo=UTC),
        "active",
    )
    after = run(lib, Corrections(labels=(label,)))
    assert placed(after)[evidence] == (placed(before)[evidence][0], "rude_staff")


def test_a_label_finds_its_evidence_again_by_record_and_text() -> None:
    class Item:
        def __init__(self, id: str, record: str, text_hash: str) -> None:
            self.id, self.location, self.text_hash = id, {"record_id": record}, text_hash

    label = Correction(
        "c1",
        "s",
        "label",
        "ev_old",
        "R7",
        "h7",
        "delivery",
        "food",
        None,
        False,
        (),
        "",
        "t",
        datetime(2026, 1, 1, tzinfo=UTC),
        "active",
    )
    found = Corrections(labels=(label,)).labels_for(
        [Item("ev_a", "R1", "h1"), Item("ev_new", "R7", "h7")]
    )
    assert found == {1: label}
    # while the labelled evidence itself is still there, only it carries the label
    found = Corrections(labels=(label,)).labels_for(
        [Item("ev_old", "R7", "h7"), Item("ev_new", "R7", "h7")]
    )
    assert found == {0: label}


def test_labels_survive_ingesting_the_same_file_again(lib: Library) -> None:
    evidence = by_lang(run(lib), "ru")[0]
    CorrectionStore(lib.db).label("s", LabelIn(evidence, stage="support"), target(), "olga")
    Ingestor(lib).run([SAMPLES / "reviews.csv"], IngestOptions(kind="review", workspace="s"))
    assert placed(run(lib))[evidence][0] == "support"


def test_theme_rules_merge_and_move_out(lib: Library) -> None:
    before = run(lib)
    stage, themes = max(
        ((s, [t for t in before.themes if t.stage == s]) for s in FRAMEWORK.stage_ids),
        key=lambda st: len(st[1]),
    )
    assert len(themes) >= 2, "the fixture has a stage with two themes"
    a, b = themes[0], themes[1]

    def anchor(t: object) -> ThemeAnchor:
        return ThemeAnchor(t.id, t.stage, t.code, tuple(t.members[:3]))  # type: ignore[attr-defined]

    store = CorrectionStore(lib.db)
    store.add_rule("s", "merge", [anchor(a), anchor(b)], "li", note="same problem")
    after = run(lib)
    merged = next(t for t in after.themes if t.id == a.id)
    assert set(merged.members) == set(a.members) | set(b.members)
    assert all(t.id != b.id for t in after.themes)
    assert merged.count == len(set(a.members) | set(b.members))
    out = merged.members[0]
    store.add_rule("s", "move_out", [anchor(merged)], "li", evidence_id=out)
    again = run(lib)
    assert all(out not in t.members for t in again.themes if t.id == a.id)
    assert again.corrections == 2


def test_suggest_skips_labelled_evidence_and_is_stable(lib: Library) -> None:
    analysis, evidence = analyze(lib, options())
    first = suggest(analysis, evidence, 5)
    assert len(first) == 5 and len({s.evidence_id for s in first}) == 5
    assert [s.evidence_id for s in suggest(analysis, evidence, 5)] == [s.evidence_id for s in first]
    CorrectionStore(lib.db).label("s", LabelIn(first[0].evidence_id, stage="food"), target(), "t")
    analysis, evidence = analyze(lib, options())
    assert first[0].evidence_id not in {s.evidence_id for s in suggest(analysis, evidence, 20)}
    assert replace(first[1]).evidence_id  # a Suggestion is a plain record

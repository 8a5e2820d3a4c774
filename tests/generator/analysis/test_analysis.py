"""The offline analysis on multilingual fixtures: stages, themes, counts, competitor evidence,
coverage, and the evidence-only map built from it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from sqlalchemy import select

from api.cli.schema import journey_map_schema
from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.result import Analysis, Placement
from generator.analysis.sentiment import SentimentParams, fit_polarity, predict_polarity
from generator.analysis.sentiment_map import SourceMapping
from generator.drafting.evidence_only import build_evidence_only_map
from knowledge.journey.frameworks import load_framework
from knowledge.journey.model import JourneyMap, Scope
from knowledge.journey.review.integrity import is_verbatim
from knowledge.platform.errors import UserInputError
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.store import ChunkRow
from tests.helpers.paths import FIXTURES, SAMPLES

FRAMEWORK = FIXTURES / "delivery_framework.yaml"


@pytest.fixture
def sample(library: Library) -> Iterator[tuple[Library, Path]]:
    ingestor = Ingestor(library)
    for name, kind in (("reviews.csv", "review"), ("competitors.md", "competitor")):
        report = ingestor.run([SAMPLES / name], IngestOptions(kind=kind, workspace="s"))  # type: ignore[arg-type]
        assert report.ok
    yield library, FRAMEWORK


def _analysis(library: Library, framework: Path, mapping: SourceMapping | None = None) -> Analysis:
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace="s"),
        framework=load_framework(str(framework)),
        mapping=mapping or SourceMapping(),
    )
    return analyze(library, options)[0]


def test_every_evidence_is_placed_and_counts_equal_members(sample: tuple[Library, Path]) -> None:
    library, framework = sample
    analysis = _analysis(library, framework)
    stage_ids = {"ordering", "delivery", "food", "support", "none"}
    assert len(analysis.placements) == 60 + 7  # reviews + competitor note chunks
    assert {p.stage for p in analysis.placements} <= stage_ids
    by_theme = Counter(p.theme for p in analysis.placements if p.theme)
    for theme in analysis.themes:
        assert theme.count == by_theme[theme.id] == len(set(theme.members))
        assert sum(theme.language_counts.values()) == theme.count
        assert sum(theme.polarity_counts.values()) == theme.count
        assert set(theme.representatives) <= set(theme.members)
        # a pain point counts and quotes its complaints, a delighter its praise
        counted = {
            "pain_point": {"negative", "mixed"},
            "delighter": {"positive"},
            "neutral": {"negative", "mixed", "positive", "neutral"},
        }[theme.kind]
        polarity = {p.evidence_id: p.polarity for p in analysis.placements}
        frequent = [m for m in theme.members if polarity[m] in counted]
        assert theme.frequency == len(frequent) == sum(theme.frequency_by_language.values())
        assert {polarity[r] for r in theme.representatives} <= counted
        if theme.is_pain:
            assert theme.frequency == theme.pain_count
        if theme.severity is not None:
            assert theme.priority == pytest.approx(theme.pain_count * theme.severity, abs=0.01)
        if len(theme.frequency_by_language) >= 2:
            reps = {p.lang for p in analysis.placements if p.evidence_id in theme.representatives}
            assert len(reps) >= 2  # quotes from several languages
    for summary in analysis.stages:
        placed = [p for p in analysis.placements if p.stage == summary.stage]
        assert summary.evidence == sum(1 for p in placed if p.kind != "competitor")
        assert sum(summary.languages.values()) == summary.evidence


def test_competitor_evidence_is_reported_per_stage_not_counted(
    sample: tuple[Library, Path],
) -> None:
    library, framework = sample
    analysis = _analysis(library, framework)
    competitor = [p for p in analysis.placements if p.kind == "competitor"]
    assert competitor and all(p.theme is None for p in competitor)
    listed = {e for s in analysis.stages for e in s.competitor_evidence}
    assert listed == {p.evidence_id for p in competitor}
    members = {m for t in analysis.themes for m in t.members}
    assert not members & listed
    assert analysis.coverage()["competitor_evidence"] == len(competitor)


def test_stages_follow_the_meaning_across_languages(sample: tuple[Library, Path]) -> None:
    library, framework = sample
    analysis = _analysis(library, framework)
    with library.db.session() as s:
        texts = {c.id: c.text for c in s.scalars(select(ChunkRow))}
    placed = {texts[p.evidence_id]: p.stage for p in analysis.placements}
    # a promo code in four languages, late couriers in four
    codes = [
        t for t in placed if any(k in t for k in ("VESNA20", "SONGKRAN50", "满50减10", "WELCOME15"))
    ]
    assert codes and Counter(placed[t] for t in codes).most_common(1)[0][0] == "ordering"
    assert placed["送餐太慢了"] == "delivery"


def test_ratings_decide_polarity_when_mapped(sample: tuple[Library, Path]) -> None:
    library, framework = sample
    analysis = _analysis(library, framework, SourceMapping.parse(None, 5))
    reviews = [p for p in analysis.placements if p.kind == "review"]
    assert {p.polarity_source for p in reviews} == {"rating"}
    with library.db.session() as s:
        rating = {c.id: c.rating for c in s.scalars(select(ChunkRow))}
    for p in reviews:
        r = rating[p.evidence_id]
        assert r is not None
        if r <= 1:
            assert (p.polarity, p.severity) == ("negative", 3)
        elif r >= 4:
            assert p.polarity in ("positive", "mixed") and p.severity in (None, 1, 2, 3)


def test_rated_reviews_teach_the_polarity_of_unrated_tickets_in_every_language(
    sample: tuple[Library, Path],
) -> None:
    library, framework = sample
    report = Ingestor(library).run(
        [SAMPLES / "support_tickets.jsonl"], IngestOptions(kind="support", workspace="s")
    )
    assert report.ok
    analysis = _analysis(library, framework, SourceMapping.parse(None, 5))
    with library.db.session() as s:
        texts = {c.id: c.text for c in s.scalars(select(ChunkRow))}
    tickets = [p for p in analysis.placements if p.kind == "support"]
    assert len(tickets) == 25 and {p.polarity_source for p in tickets} == {"learnt"}
    assert {p.lang for p in tickets} == {"fa", "ru", "th", "zh", "en"}
    praise = ("表扬", "really kind", "ชมไรเดอร์", "поблагодарить")

    def wrong(placements: list[Placement]) -> list[str]:
        """Tickets judged wrongly: praise not positive, complaints not negative or mixed."""
        out = []
        for p in placements:
            text = texts[p.evidence_id]
            thanks = any(w in text for w in praise)
            if (p.polarity == "positive") != thanks or p.polarity == "neutral":
                out.append(text)
        return out

    assert sum(any(w in texts[p.evidence_id] for w in praise) for p in tickets) == 4
    assert len(wrong(tickets)) <= 3, wrong(tickets)
    # without anything to learn from, the prototypes judge, and do much worse on tickets
    unrated = _analysis(library, framework)
    assert {p.polarity_source for p in unrated.placements} == {"estimate"}
    assert len(wrong([p for p in unrated.placements if p.kind == "support"])) >= 10


def test_polarity_is_learnt_only_from_enough_labelled_items() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    params = SentimentParams()
    two_classes = ["positive"] * 20 + ["negative"] * 20
    assert fit_polarity(vectors, two_classes, params) is not None
    assert fit_polarity(vectors[:20], two_classes[:10] + two_classes[30:], params) is None
    assert fit_polarity(vectors, ["negative"] * 40, params) is None  # one class teaches nothing
    assert fit_polarity(vectors, ["positive"] * 37 + ["negative"] * 3, params) is None
    assert fit_polarity(vectors, [None] * 40, params) is None
    # learnt on separable data, it separates them
    signs = np.where(np.arange(40) < 20, 1.0, -1.0).astype(np.float32)
    vectors[:, 0] = signs * 3
    model = fit_polarity(vectors, two_classes, params)
    assert model is not None and predict_polarity(model, vectors) == two_classes


def test_each_kind_of_research_can_have_its_own_rating_scale() -> None:
    mapping = SourceMapping.parse(None, ["review=5", "survey=0-10"])
    assert mapping.from_rating(1, "review") == ("negative", 3)
    assert mapping.from_rating(5, "review") == ("positive", None)
    # a 0-10 likelihood-to-recommend score: 3 is a complaint, not the middle of 1-5 stars
    assert mapping.from_rating(0, "survey") == ("negative", 3)
    assert mapping.from_rating(2, "survey") == ("negative", 2)
    assert mapping.from_rating(3, "survey") == ("neutral", None)
    assert mapping.from_rating(9, "survey") == ("positive", None)
    assert mapping.from_rating(4, "support") is None  # no scale for tickets: learnt instead
    general = SourceMapping.parse(None, ["5", "survey=0-10"])
    assert general.from_rating(4, "support") == ("positive", None)
    assert general.from_rating(4, "survey") == ("neutral", None)  # its own scale wins
    assert SourceMapping.parse(None, 5) == SourceMapping.parse(None, ["1-5"])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["1"], "above the lowest"),
        (["10-0"], "above the lowest"),
        (["stars"], "should be N"),
        (["tweets=5"], "kind must be one of"),
        (["review=5", "review=10"], "two rating scales"),
    ],
)
def test_bad_rating_scales_are_user_errors(bad: list[str], message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        SourceMapping.parse(None, bad)


@pytest.mark.parametrize("bad", [["HAPPY"], ["HAPPY=glad"], ["=positive"]])
def test_bad_label_maps_are_user_errors(bad: list[str]) -> None:
    with pytest.raises(UserInputError, match="LABEL=polarity"):
        SourceMapping.parse(bad, None)


def test_analysis_json_lets_results_be_checked_against_labels(
    sample: tuple[Library, Path],
) -> None:
    library, framework = sample
    payload = json.loads(json.dumps(_analysis(library, framework).as_dict(), ensure_ascii=False))
    first = payload["evidence"][0]
    assert {"evidence_id", "location", "stage", "theme", "confidence", "polarity"} <= set(first)
    assert first["location"]["file"] == "reviews.csv" and "record_id" in first["location"]
    theme = payload["themes"][0]
    assert {"members", "count", "language_counts", "priority", "title"} <= set(theme)
    assert payload["coverage"]["total_evidence"] == 60


@pytest.mark.parametrize("lang", ["fa", "ru", "th", "zh", "en"])
def test_evidence_only_map_validates_and_quotes_are_verbatim(
    sample: tuple[Library, Path], lang: str
) -> None:
    library, framework = sample
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace="s"), framework=load_framework(str(framework))
    )
    analysis, evidence = analyze(library, options)
    scope = Scope(workspace="s", product=None, segment=None, goal=None, languages=[], kinds=[])
    journey = build_evidence_only_map(analysis, evidence, options.framework, lang, scope)
    payload = json.loads(journey.model_dump_json())
    jsonschema.validate(payload, journey_map_schema())
    assert JourneyMap.model_validate(payload) == journey
    assert journey.evidence_only and journey.provenance.generator == "evidence-only"
    assert journey.language == lang
    assert [s.id for s in journey.stages] == ["ordering", "delivery", "food", "support"]
    with library.db.session() as s:
        texts = {c.id: c.text for c in s.scalars(select(ChunkRow))}
    refs = [ref for stage in journey.stages for p in stage.pain_points for ref in p.evidence]
    refs += [ref for stage in journey.stages for d in stage.delighters for ref in d.evidence]
    assert refs
    for ref in refs:
        assert is_verbatim(ref.quote, texts[ref.evidence_id])
    pains = [p for s in journey.stages for p in s.pain_points]
    assert pains and all(
        p.priority == pytest.approx(p.frequency * p.severity, abs=0.05) for p in pains
    )
    if lang == "fa":
        assert journey.stages[0].name.text == "سفارش و پرداخت"


def test_titles_keep_the_spelling_customers_used() -> None:
    from generator.analysis.keyphrases import show, surface_forms

    forms = surface_forms(["خیلی راضی‌ام، ممنون", "باز هم سفارش می‌دهم"])
    assert show("راضیام", forms) == "راضی‌ام"
    assert show("میدهم سفارش", forms) == "می‌دهم سفارش"
    assert show("送餐 太慢", forms) == "送餐 太慢"

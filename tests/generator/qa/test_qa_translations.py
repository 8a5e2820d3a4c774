"""Questions about a map drafted once and translated: the map and its translations count as
one map, the answer cites the version in the asker's language (else the source, whose names
it then uses throughout), numbers read as the map's page shows them, stages are named and
never shown by id; element vectors are computed when a version is stored, and asking says so
when it must embed them itself."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from api.web.wording import MapWords
from generator.llm.errors import ModelTaskFailed
from generator.llm.fakes import FunctionModel
from generator.llm.interface import ChatRequest
from generator.llm.job import LLMJob
from generator.llm.structured import CallPolicy, Deadline
from generator.qa.answer import Asker
from generator.qa.fake_answerer import FakeAnswerer
from generator.qa.scope import scope_maps
from generator.qa.vectors import element_texts, store_element_vectors
from generator.translation.fake_translator import FakeTranslator
from generator.translation.service import translate_map
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.patches import FieldPatch
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.search.library import Library
from knowledge.store import ChunkRow
from tests.helpers.maps import drafted

TOP = {
    "ru": "Какие проблемы самые главные на этапе доставки?",
    "fa": "مهم‌ترین مشکلات در مرحلهٔ تحویل چیست؟",
    "zh": "配送阶段最主要的痛点是什么？",
    "th": "ปัญหาหลักที่สุดในขั้นตอนการจัดส่งคืออะไร",
}
COUNT = {
    "ru": "Сколько всего жалоб в картах?",
    "fa": "تعداد مشکلات در نقشه‌ها چند است؟",
    "zh": "地图里一共有多少个痛点？",
    "th": "ในแผนที่มีปัญหากี่รายการ",
}


def job_for(target: str) -> LLMJob:
    return LLMJob(
        model=FunctionModel(FakeTranslator(target)),
        policy=CallPolicy(sleep=lambda s: None),
        deadline=Deadline(60),
        lang=target,
    )


def approve(repo: MapRepository, map_id: str) -> None:
    head = repo.get("cx", map_id).head
    repo.transition("cx", map_id, "submit", head, "a")
    repo.transition("cx", map_id, "approve", head, "b")


def source_map() -> JourneyMap:
    """The Russian draft, its delivery pain point at severity 1.398: the page shows severity
    1.4 and priority 7.0 (5 mentions x 1.398 = 6.99)."""
    data = drafted("ru").model_dump(mode="json")
    pain = data["stages"][0]["pain_points"][0]
    assert data["stages"][0]["id"] == "delivery" and pain["frequency"] == 5
    pain["severity"], pain["priority"] = 1.398, 6.99
    return JourneyMap.model_validate(data)


def one_analysis_in_three_languages(repo: MapRepository) -> dict[str, str]:
    """Map ids by language: drafted in Russian, translated into Persian and Chinese, all
    three approved."""
    source = repo.create("cx", source_map(), "a").id
    ids = {"ru": source}
    for lang in ("fa", "zh"):
        ids[lang] = translate_map(repo, "cx", source, job_for(lang), "b").info.id
    for map_id in ids.values():
        approve(repo, map_id)
    return ids


def pain_paths(journey: JourneyMap) -> list[str]:
    return [f"stages/{s.id}/pain_points/{p.id}" for s in journey.stages for p in s.pain_points]


@pytest.mark.parametrize("lang", ["ru", "fa", "zh"])
def test_a_map_and_its_translations_count_once(lib: Library, settings: Settings, lang: str) -> None:
    repo = MapRepository(lib.db)
    ids = one_analysis_in_three_languages(repo)
    maps = scope_maps(repo, "cx", None)
    assert len(maps) == 3
    answer = Asker(lib, None, settings).ask(COUNT[lang], maps)
    mine = repo.version("cx", ids[lang]).journey
    paths = pain_paths(mine)
    count = answer.facts["count"]  # type: ignore[index]
    assert count["count"] == len(paths) == 2  # not 6
    assert count["elements"] == [f"{ids[lang]}:{p}" for p in paths]
    assert f" {len(paths)}" in answer.text or f"{len(paths)} " in answer.text
    assert "6" not in answer.text.split("\n")[0]
    # each theme listed once, from the version in the asker's language
    assert [c["element"] for c in answer.citations] == count["elements"]
    assert {c["map"] for c in answer.citations} == {ids[lang]}
    assert answer.scope == [
        {
            "map": ids[lang],
            "version": 1,
            "language": lang,
            "languages": [lang, *sorted(set(ids) - {lang})],
        }
    ]


def test_a_chinese_question_cites_the_chinese_version_by_name(
    lib: Library, settings: Settings
) -> None:
    repo = MapRepository(lib.db)
    ids = one_analysis_in_three_languages(repo)
    zh = repo.version("cx", ids["zh"]).journey
    delivery = next(s for s in zh.stages if s.id == "delivery")
    answer = Asker(lib, FunctionModel(FakeAnswerer("zh")), settings).ask(
        TOP["zh"], scope_maps(repo, "cx", None)
    )
    assert answer.generator == "llm" and answer.answerable
    assert answer.citations and {c["map"] for c in answer.citations} == {ids["zh"]}
    assert all(c["lang"] == "zh" for c in answer.citations)
    top = answer.facts["top_pain_points"]  # type: ignore[index]
    assert [r["element"].split(":")[0] for r in top] == [ids["zh"], ids["zh"]]
    assert top[0]["stage"] == delivery.name.text and top[0]["title"] in answer.text
    assert delivery.name.text in answer.text  # the stage's name, as the Chinese version has it
    assert "7.0" in answer.text and "6.99" not in answer.text  # as the map's page shows it
    for text in [answer.text, *(c["title"] for c in answer.citations)]:
        assert "delivery" not in text and "pp-delivery" not in text


@pytest.mark.parametrize("lang", ["ru", "fa", "zh"])
def test_without_a_model_priorities_read_as_on_the_map_and_stages_by_name(
    lib: Library, settings: Settings, lang: str
) -> None:
    repo = MapRepository(lib.db)
    ids = one_analysis_in_three_languages(repo)
    journey = repo.version("cx", ids[lang]).journey
    delivery = next(s for s in journey.stages if s.id == "delivery")
    answer = Asker(lib, None, settings).ask(TOP[lang], scope_maps(repo, "cx", None))
    top = answer.facts["top_pain_points"]  # type: ignore[index]
    assert top[0]["priority"] == 7.0 and top[0]["severity"] == 1.4
    page = MapWords(lang)  # as the map's page in the asker's language writes them
    assert page.num(7.0, 1) in answer.text and page.num(1.4, 1) in answer.text
    assert "6.99" not in answer.text and "6,99" not in answer.text
    # Russian names the stage in the question ("доставки"), the fake translations' names do
    # not match theirs: then each row names its stage
    assert len(top) == (1 if lang == "ru" else 2)
    rows = [line for line in answer.text.split("\n") if line[:1].isdigit()]
    assert len(rows) == len(top) and delivery.name.text in answer.text
    assert "delivery" not in answer.text and "support" not in answer.text


def test_a_thai_question_without_a_thai_version_names_everything_from_the_source(
    lib: Library, settings: Settings
) -> None:
    """The choice: no Thai version, so the source (Russian) answers and names every stage and
    element in Russian, inside Thai sentences; never a mix of versions or an id."""
    repo = MapRepository(lib.db)
    ids = one_analysis_in_three_languages(repo)
    ru = repo.version("cx", ids["ru"]).journey
    ru_names = {s.name.text for s in ru.stages} | {
        p.title.text for s in ru.stages for p in s.pain_points
    }
    maps = scope_maps(repo, "cx", None)
    data = Asker(lib, None, settings).ask(TOP["th"], maps)
    assert data.lang == "th" and data.text.startswith("ปัญหาที่มีลำดับความสำคัญสูงสุด")
    assert "Клиенты часто об этом пишут (Доставка)" in data.text  # source names, never ids
    assert "Клиенты часто об этом пишут (Поддержка)" in data.text
    assert {c["map"] for c in data.citations} == {ids["ru"]}
    assert all(c["title"] in ru_names and c["stage"] in ru_names for c in data.citations)
    written = Asker(lib, FunctionModel(FakeAnswerer("th")), settings).ask(TOP["th"], maps)
    assert written.generator == "llm" and written.lang == "th"
    assert "Доставка" in written.text and "delivery" not in written.text
    assert {c["map"] for c in written.citations} == {ids["ru"]}
    counted = Asker(lib, None, settings).ask(COUNT["th"], maps)
    assert counted.facts["count"]["count"] == 2  # type: ignore[index]


def test_a_model_quoting_ids_or_unrounded_numbers_is_re_asked(
    lib: Library, settings: Settings
) -> None:
    repo = MapRepository(lib.db)
    ids = one_analysis_in_three_languages(repo)
    answerer = FakeAnswerer("zh")
    calls: list[ChatRequest] = []

    def sloppy(request: ChatRequest) -> dict[str, Any]:
        calls.append(request)
        good = answerer(request)
        if len(calls) == 1:
            good["answer"] += "（delivery阶段，优先级 6.99）"
        elif len(calls) == 2:
            good["answer"] += f"（{ids['zh']}:stages/delivery）"
        return good

    answer = Asker(lib, FunctionModel(sloppy), settings).ask(
        TOP["zh"], scope_maps(repo, "cx", None)
    )
    assert len(calls) == 3
    first, second = calls[1].messages[-1].content, calls[2].messages[-1].content
    assert "6.99" in first and "delivery" in first and "quote numbers exactly" in first
    assert f"{ids['zh']}:stages/delivery" in second
    assert "delivery" not in answer.text and "6.99" not in answer.text

    def always_ids(request: ChatRequest) -> dict[str, Any]:
        good = answerer(request)
        good["answer"] += "（support阶段）"
        return good

    with pytest.raises(ModelTaskFailed):
        Asker(lib, FunctionModel(always_ids), settings).ask(TOP["zh"], scope_maps(repo, "cx", None))


def test_vectors_are_stored_with_the_version_and_asking_embeds_nothing(
    lib: Library, settings: Settings
) -> None:
    said: list[str] = []
    cache = lib.cached_embedder
    with lib.db.session() as s:  # evidence vectors, as ingest stores them
        rows = s.execute(select(ChunkRow.search_text, ChunkRow.text_hash)).all()
    cache.embed_evidence([r.search_text for r in rows], [r.text_hash for r in rows])
    storing: list[str] = []
    repo = MapRepository(lib.db, stored=store_element_vectors(lib, storing.append))
    ids = one_analysis_in_three_languages(repo)
    n = len(element_texts(repo.version("cx", ids["zh"]).journey))
    assert f"embedding {n} elements of map {ids['zh']} for questions about it" in storing
    before = cache.computed
    answer = Asker(lib, None, settings, progress=said.append).ask(
        TOP["fa"], scope_maps(repo, "cx", None)
    )
    assert answer.answerable and cache.computed == before and said == []
    # an edit adds a version: only its changed element is new to the cache
    fa = repo.version("cx", ids["fa"]).journey
    texts = set(element_texts(fa))
    path = "stages/delivery/pain_points/pp-delivery-1/title"
    repo.edit("cx", ids["fa"], 1, [FieldPatch(path=path, value="تأخیر در تحویل")], "a")
    edited = repo.version("cx", ids["fa"]).journey
    assert len(set(element_texts(edited)) - texts) == 1
    assert cache.computed == before + 1


def test_asking_about_maps_stored_without_vectors_says_it_is_embedding(
    lib: Library, settings: Settings
) -> None:
    repo = MapRepository(lib.db)  # no vectors when stored: maps from before, another embedder
    ids = one_analysis_in_three_languages(repo)
    said: list[str] = []
    maps = scope_maps(repo, "cx", None)
    Asker(lib, None, settings, progress=said.append).ask(TOP["ru"], maps)
    ru = next(m for m in maps if m.map_id == ids["ru"])
    n = len(element_texts(ru.journey))
    assert said[0] == (
        f"embedding {n} map elements not embedded yet (once; later questions reuse them)"
    )
    assert said[-1] == f"embedded {n}/{n} map elements"
    said.clear()
    Asker(lib, None, settings, progress=said.append).ask(TOP["ru"], maps)
    assert said == []


def test_recommendations_are_listed_once_with_their_status_in_words(
    lib: Library, settings: Settings
) -> None:
    repo = MapRepository(lib.db)
    ids = one_analysis_in_three_languages(repo)
    answer = Asker(lib, None, settings).ask(
        "Какие рекомендации команда Операции ещё не начала?", scope_maps(repo, "cx", None)
    )
    rows = answer.facts["recommendations"]  # type: ignore[index]
    assert [r["element"] for r in rows] == [f"{ids['ru']}:recommendations/rec-1"]
    assert "(Операции, не начата)" in answer.text and "not_started" not in answer.text


def test_a_failing_vector_hook_does_not_undo_the_stored_version(
    lib: Library, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(journey: JourneyMap) -> None:
        raise ConnectionError("embeddings endpoint unreachable")

    repo = MapRepository(lib.db, stored=broken)
    info = repo.create("cx", source_map(), "a")
    assert repo.version("cx", info.id).journey.stages[0].id == "delivery"
    assert f"after storing map {info.id}" in caplog.text
    assert "embeddings endpoint unreachable" in caplog.text


@pytest.mark.parametrize(
    ("lang", "question", "line"),
    [
        ("ru", "Все ли жалобы решены?", "Решено проблем (рекомендация выполнена): {k} из 2"),
        ("zh", "所有投诉都解决了吗？", "已解决（建议已完成）：2 个痛点中的 {k} 个"),
        # not "حل شده‌اند": its "شده" would name a stage of the scripted Persian translation
        ("fa", "آیا همهٔ شکایت‌ها حل شد؟", "حل‌شده (توصیهٔ انجام‌شده): {k} از 2 مشکل"),
    ],
)
def test_are_all_complaints_resolved_counts_one_map(
    lib: Library, settings: Settings, lang: str, question: str, line: str
) -> None:
    repo = MapRepository(lib.db)
    ids = one_analysis_in_three_languages(repo)
    asker = Asker(lib, None, settings)
    before = asker.ask(question, scope_maps(repo, "cx", None))
    assert before.intent == "resolved" and line.format(k=0) in before.text  # not "из 6"
    assert {c["map"] for c in before.citations} == {ids[lang]} and len(before.citations) == 2
    journey = repo.version("cx", ids[lang]).journey
    rec = journey.recommendations[0]
    path = f"recommendations/{rec.id}/status"
    repo.edit("cx", ids[lang], 1, [FieldPatch(path=path, value="done")], "a")
    approve(repo, ids[lang])
    after = asker.ask(question, scope_maps(repo, "cx", None))
    addressed = {p.id for s in journey.stages for p in s.pain_points} & set(rec.addresses)
    assert line.format(k=len(addressed)) in after.text and addressed


@pytest.mark.parametrize("lang", ["th", "fa"])
def test_one_analysis_drafted_in_several_languages_counts_once(
    lib: Library, settings: Settings, lang: str
) -> None:
    """Drafted from the same analysis in Persian, Thai and Chinese (no translation between
    them): one map to an answer, cited in the asker's language."""
    repo = MapRepository(lib.db)
    ids = {code: repo.create("cx", drafted(code), "a").id for code in ("fa", "th", "zh")}
    for map_id in ids.values():
        approve(repo, map_id)
    journeys = {code: repo.version("cx", i).journey for code, i in ids.items()}
    assert len({j.provenance.analysis for j in journeys.values()}) == 1
    maps = scope_maps(repo, "cx", None)
    answer = Asker(lib, None, settings).ask(COUNT[lang], maps)
    paths = pain_paths(journeys[lang])
    count = answer.facts["count"]  # type: ignore[index]
    assert count["count"] == len(paths)  # not three times as many
    assert {c["map"] for c in answer.citations} == {ids[lang]}
    assert [s["map"] for s in answer.scope] == [ids[lang]]
    # another analysis (one more correction, another workspace's evidence…) is another map
    other = drafted("th").model_copy(deep=True)
    other.provenance.analysis = "sha256:another"
    other.id = "map_other_analysis"
    approve(repo, repo.create("cx", other, "a").id)
    again = Asker(lib, None, settings).ask(COUNT[lang], scope_maps(repo, "cx", None))
    assert again.facts["count"]["count"] == len(paths) + len(pain_paths(other))  # type: ignore[index]

"""Translating maps between the teams' languages: structure, ids, numbers and evidence kept,
quotes verbatim with a translation, glossary terms enforced, stale translations refreshed
through the translation memory."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.llm.errors import ModelTaskFailed
from generator.llm.fakes import FunctionModel, ScriptedModel
from generator.llm.interface import ChatRequest
from generator.llm.job import LLMJob
from generator.llm.structured import CallPolicy, Deadline
from generator.translation.fake_translator import WORD, FakeTranslator
from generator.translation.fields import skeleton, translatable
from generator.translation.service import translate_map, translation_source
from generator.translation.translate import BIDI_CONTROLS
from knowledge.journey.review.patches import FieldPatch
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import Settings
from knowledge.store import Database
from knowledge.translation.glossary import Glossary
from tests.helpers import scenario
from tests.helpers.maps import drafted

LANGS = ("fa", "ru", "th", "zh", "en")
MAPS = {lang: drafted(lang) for lang in LANGS}


def job_for(target: str, fake: Any) -> LLMJob:
    return LLMJob(
        model=FunctionModel(fake),
        policy=CallPolicy(sleep=lambda s: None),
        deadline=Deadline(60),
        lang=target,
    )


@pytest.fixture
def repo(settings: Settings) -> MapRepository:
    db = Database(settings)
    scenario.store(db, "cx")
    return MapRepository(db)


@pytest.mark.parametrize(
    ("source", "target"), list(itertools.permutations(LANGS, 2)), ids=lambda x: x
)
def test_every_direction_keeps_the_map_and_translates_its_texts(
    repo: MapRepository, source: str, target: str
) -> None:
    info = repo.create("cx", MAPS[source], "a")
    done = translate_map(repo, "cx", info.id, job_for(target, FakeTranslator(target)), "b")
    before = repo.version("cx", info.id).content
    after = repo.version("cx", done.info.id).content
    assert skeleton(after) == skeleton(before)  # ids, structure, numbers, counts, evidence
    assert after["language"] == target and after["translation_of"]["map_id"] == info.id
    assert done.info.status == "draft" and done.info.language == target
    word = BIDI_CONTROLS.sub("", WORD[target])
    texts = [f for f in translatable(after, target) if f.kind == "text"]
    assert texts and all(f.source.startswith(word) for f in texts)
    for stage_before, stage_after in zip(before["stages"], after["stages"], strict=True):
        for pain_before, pain_after in zip(
            stage_before["pain_points"], stage_after["pain_points"], strict=True
        ):
            for ref_before, ref_after in zip(
                pain_before["evidence"], pain_after["evidence"], strict=True
            ):
                assert ref_after["quote"] == ref_before["quote"]  # verbatim, never translated
                if ref_after["lang"] == target:
                    assert ref_after["translation"] is None
                else:
                    assert ref_after["translation"].startswith(word)
    assert done.result.sent > 0 and done.result.reused == 0


def test_persian_output_is_rtl_ready_and_keeps_zwnj(repo: MapRepository) -> None:
    info = repo.create("cx", MAPS["zh"], "a")
    done = translate_map(repo, "cx", info.id, job_for("fa", FakeTranslator("fa")), "b")
    title = repo.version("cx", done.info.id).journey.title.text
    assert "\u200c" in title  # ZWNJ is part of the Persian word
    assert not BIDI_CONTROLS.search(title)  # the marks the model added are gone


def test_glossary_terms_are_enforced_and_misses_reported(
    repo: MapRepository, tmp_path: Path
) -> None:
    source = MAPS["ru"]
    content = source.model_dump(mode="json")
    term = content["stages"][0]["pain_points"][0]["title"]["text"].split()[0]
    glossary = Glossary(name="team", terms=[{"ru": term, "th": "ไรเดอร์"}])
    info = repo.create("cx", source, "a")

    obeying = FakeTranslator("th")
    done = translate_map(repo, "cx", info.id, job_for("th", obeying), "b", glossary)
    assert done.result.glossary_misses == []
    prompts = [r.messages[-1].content for r in obeying.requests]
    assert any(f"- {term} → ไรเดอร์" in p for p in prompts)
    pain = repo.version("cx", done.info.id).content["stages"][0]["pain_points"][0]
    assert "ไรเดอร์" in pain["title"]["text"]

    ignoring = FakeTranslator("th", use_glossary=False)
    other_db = Database(Settings(home=tmp_path / "cx2"))  # a workspace without that memory
    scenario.store(other_db, "cx2")
    other = MapRepository(other_db)
    info2 = other.create("cx2", source, "a")
    done2 = translate_map(other, "cx2", info2.id, job_for("th", ignoring), "b", glossary)
    assert done2.result.glossary_misses and done2.result.glossary_misses[0].expected == "ไรเดอร์"
    asked_again = [r for r in ignoring.requests if len(r.messages) > 2]
    assert asked_again and "team glossary" in asked_again[0].messages[-1].content


def test_a_translation_in_the_wrong_language_or_missing_items_is_re_asked_then_fails(
    repo: MapRepository,
) -> None:
    info = repo.create("cx", MAPS["en"], "a")
    translator = FakeTranslator("zh")
    calls = {"n": 0}

    def first_wrong(request: ChatRequest) -> dict[str, Any]:
        calls["n"] += 1
        answer = translator(request)
        if calls["n"] == 1:
            answer["items"] = [
                {"id": i["id"], "text": "translated text here"} for i in answer["items"]
            ]
        return answer

    done = translate_map(repo, "cx", info.id, job_for("zh", first_wrong), "b")
    assert done.result.sent > 0 and calls["n"] >= 2

    def drops_one(request: ChatRequest) -> dict[str, Any]:
        answer = translator(request)
        answer["items"] = answer["items"][1:]
        return answer

    with pytest.raises(ModelTaskFailed, match="exactly once"):
        translate_map(repo, "cx", info.id, job_for("ru", drops_one), "b")


def test_stale_translations_refresh_only_changed_texts_and_keep_team_edits(
    repo: MapRepository,
) -> None:
    info = repo.create("cx", MAPS["fa"], "a")
    first = translate_map(repo, "cx", info.id, job_for("ru", FakeTranslator("ru")), "b")
    link = repo.link("cx", first.info.id)
    assert link is not None and not link.stale
    target_path = "stages/delivery/pain_points/pp-delivery-1/description"
    repo.edit("cx", first.info.id, 1, [FieldPatch(path="title", value="Карта доставки")], "ivan")
    repo.edit("cx", info.id, 1, [FieldPatch(path=f"{target_path}", value="پیک دیر رسید")], "sara")
    link = repo.link("cx", first.info.id)
    assert link is not None and link.stale and (link.source_version, link.source_head) == (1, 2)

    fake = FakeTranslator("ru")
    again = translate_map(repo, "cx", info.id, job_for("ru", fake), "b")
    assert again.refreshed and again.info.id == first.info.id and again.info.head == 3
    assert again.result.sent == 1 and again.result.reused > first.result.sent
    assert again.result.chars_sent == len("پیک دیر رسید")
    refreshed = repo.version("cx", first.info.id).journey
    assert refreshed.title.text == "Карта доставки" and refreshed.title.origin == "human"
    assert repo.link("cx", first.info.id).stale is False  # type: ignore[union-attr]


def test_a_map_already_in_the_target_language_is_refused_before_the_model_is_asked(
    repo: MapRepository,
) -> None:
    """The check the HTTP route makes before starting a job is the one translate_map makes."""
    info = repo.create("cx", MAPS["th"], "a")
    with pytest.raises(UserInputError, match=f"map {info.id} is already in th"):
        translation_source(repo, "cx", info.id, "th")
    assert translation_source(repo, "cx", info.id, "ru").id == info.id
    silent = ScriptedModel()  # fails the test if it is asked anything
    with pytest.raises(UserInputError, match="already in th"):
        translate_map(repo, "cx", info.id, job_for("th", silent), "b")
    assert silent.requests == []


def test_a_translation_is_not_translated_again_and_same_language_is_refused(
    repo: MapRepository,
) -> None:
    info = repo.create("cx", MAPS["th"], "a")
    with pytest.raises(Exception, match="already in th"):
        translate_map(repo, "cx", info.id, job_for("th", FakeTranslator("th")), "b")
    done = translate_map(repo, "cx", info.id, job_for("en", FakeTranslator("en")), "b")
    with pytest.raises(Exception, match="translate the source map"):
        translate_map(repo, "cx", done.info.id, job_for("zh", FakeTranslator("zh")), "b")


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    source=st.sampled_from(LANGS),
    target=st.sampled_from(LANGS),
    words=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=5),
    drop=st.data(),
)
def test_any_map_and_any_translation_keep_ids_and_structure(
    source: str, target: str, words: list[str], drop: st.DataObject
) -> None:
    """Property: whatever texts a translation puts in, the skeleton is the source's."""
    content = MAPS[source].model_dump(mode="json")
    doc = copy.deepcopy(content)
    fields = translatable(doc, target)
    from knowledge.journey.review.paths import assign, resolve

    for n, f in enumerate(fields):
        text = words[n % len(words)]
        if f.kind == "quote":
            assign(doc, f.path, text)
        else:
            resolve(doc, f.path)["text"] = text
    doc["language"] = target
    assert skeleton(doc) == skeleton(content)
    # and any change to what is not a text is seen
    if fields:
        victim = drop.draw(st.sampled_from(["id", "severity", "frequency", "quote"]))
        stage = doc["stages"][0]
        pain = stage["pain_points"][0] if stage["pain_points"] else None
        if pain is not None:
            if victim == "quote":
                pain["evidence"][0]["quote"] += "!"
            elif victim == "id":
                pain["id"] += "x"
            else:
                pain[victim] = (pain[victim] or 0) + 1
            assert skeleton(doc) != skeleton(content)

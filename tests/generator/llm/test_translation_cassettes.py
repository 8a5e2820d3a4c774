"""Map translation through the real OpenAI-compatible client, replayed from cassettes: one per
direction the teams use (fa, ru, th, zh, en both ways), plus a glossary re-ask. Authored in the
OpenAI wire format by ``python -m tests.helpers.llm.author_cassettes``."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from vcr.cassette import Cassette

from generator.llm.interface import ChatRequest, Message
from generator.translation.fake_translator import FakeTranslator
from generator.translation.fields import skeleton
from generator.translation.service import translate_map
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.store import Database
from knowledge.translation.glossary import Glossary
from tests.helpers import scenario
from tests.helpers.llm.wire import Wire, answer, job, model
from tests.helpers.maps import drafted

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
LANGS = ("fa", "ru", "th", "zh", "en")


def translator(target: str, use_glossary: bool = True) -> Any:
    fake = FakeTranslator(target, use_glossary)

    def respond(body: dict[str, Any]) -> Wire:
        messages = tuple(Message(m["role"], m["content"]) for m in body["messages"])
        return answer(fake(ChatRequest("translate_fields", messages, object, 1, 1)))  # type: ignore[arg-type]

    return respond


@pytest.mark.parametrize(
    ("source", "target"),
    list(itertools.permutations(LANGS, 2)),
    ids=[f"{s}_{t}" for s, t in itertools.permutations(LANGS, 2)],
)
def test_translation_direction(
    cassette: Cassette, settings: Settings, source: str, target: str
) -> None:
    repo = MapRepository(Database(settings))
    scenario.store(repo.db, "cx")
    info = repo.create("cx", drafted(source), "a")
    chat = model([translator(target)] * 2)
    done = translate_map(repo, "cx", info.id, job(chat, target), "b")
    before = repo.version("cx", info.id).content
    after = repo.version("cx", done.info.id).content
    assert skeleton(after) == skeleton(before) and after["language"] == target
    assert [c.part for c in done.result.journey.provenance.calls] == ["translate:1"]
    sent = json.loads(cassette.requests[0].body)
    assert sent["response_format"]["json_schema"]["strict"] is True
    prompt = sent["messages"][1]["content"]
    for ref in after["stages"][0]["pain_points"][0]["evidence"]:
        if ref["lang"] != target:
            assert ref["quote"] in prompt  # the customer's words went out verbatim
    if source == "fa":
        assert "\u200c" in prompt  # ZWNJ reaches the endpoint and the cassette


def test_glossary_miss_is_reasked_over_the_wire(cassette: Cassette, settings: Settings) -> None:
    repo = MapRepository(Database(settings))
    scenario.store(repo.db, "cx")
    source = drafted("zh")
    term = source.stages[0].pain_points[0].title.text[:2]
    glossary = Glossary(name="team", terms=[{"zh": term, "ru": "курьер"}])
    info = repo.create("cx", source, "a")
    chat = model([translator("ru", use_glossary=False), translator("ru")])
    done = translate_map(repo, "cx", info.id, job(chat, "ru"), "b", glossary)
    assert done.result.glossary_misses == []
    second = json.loads(cassette.requests[1].body)["messages"][-1]["content"]
    assert "курьер" in second and "team glossary" in second
    pain = repo.version("cx", done.info.id).journey.stages[0].pain_points[0]
    assert "курьер" in pain.title.text

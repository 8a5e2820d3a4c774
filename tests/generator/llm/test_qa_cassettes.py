"""Questions about maps through the real OpenAI-compatible client, replayed from cassettes:
one per asker language, and a citation outside the scope re-asked over the wire. Authored in
the OpenAI wire format by ``python -m tests.helpers.llm.author_cassettes``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from vcr.cassette import Cassette

from generator.llm.interface import ChatRequest, Message
from generator.qa.answer import Asker
from generator.qa.fake_answerer import SENTENCE, FakeAnswerer
from generator.qa.scope import scope_maps
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.search.library import Library
from tests.helpers.llm.wire import Wire, answer, model
from tests.helpers.qa import QUESTIONS, approved

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def answering(lang: str, wrong_first: str | None = None) -> list[Any]:
    fake = FakeAnswerer(lang)

    def respond(body: dict[str, Any]) -> Wire:
        messages = tuple(Message(m["role"], m["content"]) for m in body["messages"])
        return answer(fake(ChatRequest("qa_answer", messages, object, 1, 1)))  # type: ignore[arg-type]

    if wrong_first is None:
        return [respond]
    bad = {
        "answerable": True,
        "answer": SENTENCE[lang],
        "citations": [{"element": wrong_first, "evidence_ids": []}],
    }
    return [lambda body: answer(bad), respond]


@pytest.mark.parametrize("lang", list(QUESTIONS))
def test_answer_in_language(
    cassette: Cassette, lib: Library, settings: Settings, lang: str
) -> None:
    repo = MapRepository(lib.db)
    map_id = approved(repo, "fa", map_id="map-fa")
    maps = scope_maps(repo, "cx", None)
    result = Asker(lib, model(answering(lang)), settings).ask(QUESTIONS[lang], maps)
    assert result.lang == lang and result.answerable and result.text.startswith(SENTENCE[lang])
    assert result.citations and all(c["map"] == map_id for c in result.citations)
    sent = json.loads(cassette.requests[0].body)
    assert sent["response_format"]["json_schema"]["strict"] is True
    assert QUESTIONS[lang] in sent["messages"][1]["content"]


def test_citation_outside_scope_is_reasked_over_the_wire(
    cassette: Cassette, lib: Library, settings: Settings
) -> None:
    repo = MapRepository(lib.db)
    in_scope, other = approved(repo, "th", map_id="map-th"), approved(repo, "ru", map_id="map-ru")
    maps = scope_maps(repo, "cx", [in_scope])
    result = Asker(lib, model(answering("th", f"{other}:stages/delivery")), settings).ask(
        QUESTIONS["th"], maps
    )
    assert all(c["map"] == in_scope for c in result.citations)
    second = json.loads(cassette.requests[1].body)["messages"][-1]["content"]
    assert "not an element of the maps in scope" in second

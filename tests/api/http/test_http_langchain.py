"""A Python user hands ``create_app`` a LangChain model they built (``ChatAnthropic`` with the
SDK's default retries): every job uses it behind the seam, its retries off; a question about a
map is answered over HTTP through it, replayed from a cassette."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from langchain_anthropic import ChatAnthropic

from api.http.app import create_app
from generator.llm.interface import ChatRequest
from generator.qa.fake_answerer import FakeAnswerer
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from tests.helpers import scenario
from tests.helpers.http import key, store_db
from tests.helpers.llm.providers import MODEL, PLACEHOLDER, Reply, loopback, provider_vcr
from tests.helpers.llm.wire import authoring
from tests.helpers.qa import approved

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
CASSETTE = "test_http_question_through_a_given_chat_anthropic.yaml"


@contextmanager
def anthropic_at() -> Iterator[str]:
    fake = FakeAnswerer("zh")

    def respond(request: ChatRequest) -> str:
        return json.dumps(fake(request), ensure_ascii=False)

    if authoring():
        with loopback("anthropic", [Reply(respond=respond)]) as served:
            with provider_vcr("anthropic", served.origin).use_cassette(CASSETTE):
                yield served.origin
        return
    with provider_vcr("anthropic").use_cassette(CASSETTE) as cass:
        yield PLACEHOLDER["anthropic"]
        assert cass.all_played


def test_a_langchain_model_given_to_create_app_answers_questions(settings: Settings) -> None:
    with anthropic_at() as base_url:
        chat = ChatAnthropic(
            model=MODEL["anthropic"].split(":", 1)[1], base_url=base_url, api_key="sk-ant-x"
        )
        assert chat.max_retries == 2  # as a user builds it
        with TestClient(create_app(model=chat)) as client:
            base = "/v1/workspaces/cx"
            scenario.store(store_db(), "cx")
            # a fixed id: the replayed answer cites it
            map_id = approved(MapRepository(store_db()), "th", map_id="map-th")
            question = {"question": "泰国客户在配送阶段最大的痛点是什么？", "maps": [map_id]}
            answered = client.post(f"{base}/questions", headers=key("viewer", "cx"), json=question)
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["generator"] == "llm" and body["lang"] == "zh"
    assert body["citations"][0]["map"] == map_id and body["citations"][0]["stage"] == "การจัดส่ง"
    assert chat.max_retries == 2  # the caller's model is left as it was

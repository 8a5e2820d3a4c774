"""The real OpenAI-compatible client, through cassettes: every path a draft can take.

Replay-only, network blocked. Cassettes: tests/cassettes/llm/<test>.yaml. Re-author them with
``python -m tests.helpers.llm.author_cassettes``;
re-record the recordable ones against a real endpoint
with ``CJM_RECORD_CASSETTES=1 CJM_LLM_BASE_URL=... CJM_LLM_MODEL=... OPENAI_API_KEY=...
pytest tests/generator/llm/test_openai_client.py -m recordable``
(see tests/helpers/llm/cassettes.py).
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
import vcr.errors
from vcr.cassette import Cassette

from generator.drafting.fake_drafter import FakeDrafter
from generator.drafting.llm_draft import DraftSpec, LLMDrafter
from generator.llm.errors import DraftFailed
from generator.llm.interface import ChatRequest, Message
from generator.llm.job import LLMJob
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.integrity import is_verbatim
from tests.helpers import scenario
from tests.helpers.llm.cassettes import make_vcr
from tests.helpers.llm.wire import Wire, answer, authoring, completion, error, job, model

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def drafts(lang: str, task: str | None = None) -> Any:
    """A responder that answers any drafting request like a terse, obedient model."""
    drafter = FakeDrafter(lang)

    def respond(body: dict[str, Any]) -> Wire:
        fmt = body.get("response_format", {}).get("json_schema", {})
        name = task or fmt.get("name") or body["tool_choice"]["function"]["name"]
        messages = tuple(Message(m["role"], m["content"]) for m in body["messages"])
        request = ChatRequest(name, messages, object, 1, 1)  # type: ignore[arg-type]
        return answer(drafter(request))

    return respond


def draft(j: LLMJob, personas: int = 1) -> JourneyMap:
    return LLMDrafter(j).draft(
        scenario.analysis(),
        scenario.evidence(),
        scenario.framework(),
        scenario.scope(),
        DraftSpec(personas=personas),
    )


def bodies(cassette: Cassette) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in cassette.requests]


@pytest.mark.recordable
def test_good_draft(cassette: Cassette) -> None:
    chat = model([drafts("fa")] * 4)
    j = job(chat, "fa")
    journey = draft(j)
    JourneyMap.model_validate(journey.model_dump())
    texts = dict(scenario.TEXTS)
    quotes = [r for s in journey.stages for p in s.pain_points for r in p.evidence]
    assert quotes and all(is_verbatim(r.quote, texts[r.evidence_id][1]) for r in quotes)
    delivery = journey.stages[0]
    assert delivery.pain_points[0].frequency == 5  # counted by the analysis, not the model
    assert delivery.pain_points[0].title.origin == "inferred"
    assert journey.recommendations and journey.recommendations[0].addresses
    assert [c.part for c in journey.provenance.calls] == [
        "personas",
        "lanes:delivery",
        "lanes:support",
        "recommendations",
    ]
    assert all(c.prompt_tokens > 0 and c.completion_tokens > 0 for c in journey.provenance.calls)
    assert journey.provenance.prompt_versions == [
        "personas@2",
        "recommendations@2",
        "stage_lanes@2",
    ]
    sent = bodies(cassette)
    assert sent[0]["response_format"]["json_schema"]["strict"] is True
    # Persian (with its ZWNJ), Thai and Chinese reach the endpoint and the cassette unaltered.
    lanes = sent[1]["messages"][1]["content"]
    assert texts["ev_fa_late"][1] in lanes and texts["ev_zh_late"][1] in lanes
    assert "\u200c" in texts["ev_fa_late"][1]
    assert all("authorization" not in {k.lower() for k in r.headers} for r in cassette.requests)


def test_rate_limited_then_answers(cassette: Cassette) -> None:
    chat = model(
        [error(429, "Rate limit reached for requests", "requests", retry_after="3"), drafts("ru")]
    )
    sleeps: list[float] = []
    j = job(chat, "ru", sleeps)
    part = j.ask("personas", "personas", _personas(), persona_count=1, scope="s", themes=_themes(j))
    assert part.personas
    assert sleeps == [3.0]  # Retry-After honoured
    assert j.asked.calls[0].attempts == 2


def test_server_error_then_answers(cassette: Cassette) -> None:
    chat = model([error(500, "The server had an error", "server_error"), drafts("zh")])
    j = job(chat, "zh", [])
    assert j.ask(
        "personas", "personas", _personas(), persona_count=1, scope="s", themes=_themes(j)
    ).personas
    assert j.asked.calls[0].attempts == 2


class _TimeoutOnce(httpx2.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.timeouts = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if not self.timeouts:
            self.timeouts += 1
            raise httpx2.ReadTimeout("timed out", request=request)
        return super().handle_request(request)


def test_timeout_then_answers(cassette: Cassette) -> None:
    transport = _TimeoutOnce()
    chat = model([drafts("th")], transport=transport if not _authoring() else None)
    j = job(chat, "th", [])
    assert j.ask(
        "personas", "personas", _personas(), persona_count=1, scope="s", themes=_themes(j)
    ).personas
    if not _authoring():
        assert transport.timeouts == 1
        assert j.asked.calls[0].attempts == 2


def test_malformed_json_is_reasked(cassette: Cassette) -> None:
    chat = model([completion('{"personas": [{"name": "Занятой'), drafts("ru")])
    j = job(chat, "ru")
    assert j.ask(
        "personas", "personas", _personas(), persona_count=1, scope="s", themes=_themes(j)
    ).personas
    reask = bodies(cassette)[1]["messages"]
    assert reask[2]["role"] == "assistant" and "not valid JSON" in reask[3]["content"]


def test_truncated_output_is_split(cassette: Cassette) -> None:
    half = completion('{"actions": ["Клиент ждёт', finish_reason="length")
    chat = model([drafts("ru"), half, drafts("ru"), drafts("ru"), drafts("ru"), drafts("ru")])
    journey = draft(job(chat, "ru"))
    sent = [b["messages"][1]["content"] for b in bodies(cassette)]
    # The delivery lanes were cut off, then asked for as two halves of its themes.
    assert "pp-delivery-1" in sent[1] and "dl-delivery-2" in sent[1]
    assert "pp-delivery-1" in sent[2] and "dl-delivery-2" not in sent[2]
    assert "dl-delivery-2" in sent[3] and "pp-delivery-1" not in sent[3]
    delivery = journey.stages[0]
    assert delivery.pain_points[0].title.origin == "inferred"
    assert delivery.delighters[0].title.origin == "inferred"


def test_a_non_json_200_is_a_bad_reply_and_retried(cassette: Cassette) -> None:
    page = (200, {"content-type": "text/html"}, b"<html><body>upstream timed out</body></html>")
    broken = (200, {"content-type": "application/json"}, b'{"choices": [ oops')
    sleeps: list[float] = []
    chat = model([page, broken, drafts("ru")])
    j = job(chat, "ru", sleeps)
    part = j.ask("personas", "personas", _personas(), persona_count=1, scope="s", themes=_themes(j))
    assert part.personas and j.asked.calls[0].attempts == 3
    assert len(sleeps) == 2  # retried like a server error
    # all three went through the client's own (intercepted) transport: replayed, or recorded
    assert cassette.play_count == 3 or authoring()


def test_refusal_fails_readably(cassette: Cassette) -> None:
    chat = model([completion(None, refusal="I'm sorry, I can't help with that.")])
    j = job(chat, "en")
    with pytest.raises(DraftFailed, match="refused: I'm sorry") as failed:
        j.ask("personas", "personas", _personas(), persona_count=1, scope="s", themes=_themes(j))
    assert failed.value.attempts == 1


def test_wrong_language_is_reasked(cassette: Cassette) -> None:
    english = FakeDrafter("en")
    wrong = answer(
        {
            "personas": [
                {
                    "name": "Busy regular customer",
                    "description": english.s["d"],
                    "goals": ["Eat well"],
                    "frustrations": ["Late couriers"],
                    "quotes": [
                        {"evidence_id": "ev_fa_late", "quote": "سفارش با یک ساعت تاخیر رسید"}
                    ],
                }
            ]
        }
    )
    chat = model([wrong, drafts("fa")])
    items = {e.id: e for e in scenario.evidence().items}
    personas = LLMDrafter(job(chat, "fa")).personas(scenario.analysis(), items, "scope", 1)
    assert personas[0].name.text.startswith("مشتری")
    assert "is not in Persian" in bodies(cassette)[1]["messages"][3]["content"]


FABRICATED = {
    "actions": ["Customer waits"],
    "thoughts": ["Where is it?"],
    "emotion_label": "annoyed",
    "touchpoints": [],
    "delighters": [],
    "pain_points": [
        {
            "id": "pp-delivery-1",
            "title": "Late and cold",
            "description": "Slow.",
            "quotes": [
                {"evidence_id": "ev_made_up", "quote": "never arrived"},
                {"evidence_id": "ev_fa_late", "quote": "The order was late"},
            ],
        },
        {"id": "pp-invented", "title": "Rude", "description": "Rude courier.", "quotes": []},
    ],
    "moments_of_truth": [],
    "opportunities": [],
    "frontstage": [],
    "backstage": [],
    "support_processes": [],
    "outside_brand": [],
}


def test_fabricated_evidence_is_reasked(cassette: Cassette) -> None:
    chat = model([drafts("en"), answer(FABRICATED), drafts("en"), drafts("en"), drafts("en")])
    journey = draft(job(chat, "en"))
    reask = bodies(cassette)[2]["messages"][3]["content"]
    assert "ev_made_up does not exist" in reask
    assert "'The order was late' is not a verbatim part of ev_fa_late" in reask
    assert "pp-invented is not one of the listed ids" in reask
    cited = {r.evidence_id for r in journey.stages[0].pain_points[0].evidence}
    assert "ev_made_up" not in cited


def test_fabrications_exhaust_the_attempts(cassette: Cassette) -> None:
    chat = model([drafts("en"), answer(FABRICATED), answer(FABRICATED), answer(FABRICATED)])
    with pytest.raises(DraftFailed) as failed:
        draft(job(chat, "en", attempts=3))
    assert failed.value.task == "lanes:delivery" and failed.value.attempts == 3
    assert "ev_made_up" in (failed.value.last_raw or "")
    assert any("does not exist" in e for e in failed.value.errors)


def test_function_calling(cassette: Cassette) -> None:
    persona = {
        "personas": [
            {
                "name": "Занятой клиент",
                "description": "Заказывает на обед",
                "goals": ["Быстро поесть"],
                "frustrations": ["Опоздания"],
                "quotes": [{"evidence_id": "ev_ru_late", "quote": "Курьер опоздал на час"}],
            }
        ]
    }
    chat = model(
        [
            completion(
                None, finish_reason="tool_calls", tool_call=json.dumps(persona, ensure_ascii=False)
            )
        ],
        llm_output_method="function_calling",
    )
    j = job(chat, "ru")
    part = j.ask("personas", "personas", _personas(), persona_count=1, scope="s", themes=_themes(j))
    assert part.personas[0].name == "Занятой клиент"
    sent = bodies(cassette)[0]
    assert sent["tool_choice"]["function"]["name"] == "personas"
    assert "response_format" not in sent


def test_json_mode_puts_the_schema_in_the_prompt(cassette: Cassette) -> None:
    chat = model([drafts("zh", "personas")], llm_output_method="json_mode")
    j = job(chat, "zh")
    j.ask("personas", "personas", _personas(), persona_count=1, scope="s", themes=_themes(j))
    sent = bodies(cassette)[0]
    assert sent["response_format"] == {"type": "json_object"}
    assert '"personas"' in sent["messages"][0]["content"]


@pytest.mark.skipif("_authoring()")
def test_requests_outside_the_cassette_never_reach_the_network() -> None:
    """Proof that vcrpy intercepts openai 3.x's httpx2 transport: with the refusal cassette
    exhausted, a further request is refused by vcrpy, not sent."""
    with make_vcr("none").use_cassette("test_refusal_fails_readably.yaml") as cass:
        chat = model([])
        request = ChatRequest("personas", (Message("user", "hi"),), _personas(), 64, 5)
        assert chat.complete(request).refusal
        with pytest.raises(vcr.errors.CannotOverwriteExistingCassetteException):
            chat.complete(request)
        assert cass.all_played


@pytest.mark.skipif("_authoring()")
def test_a_cassette_not_fully_played_is_detected() -> None:
    with make_vcr("none").use_cassette("test_rate_limited_then_answers.yaml") as cass:
        chat = model([])
        with pytest.raises(Exception, match="429|Rate limit"):
            chat.complete(ChatRequest("personas", (Message("user", "x"),), _personas(), 64, 5))
        assert cass.play_count == 1 and not cass.all_played


def _authoring() -> bool:
    from tests.helpers.llm.wire import authoring

    return authoring()


def _personas() -> Any:
    from generator.drafting.parts import PersonasPart

    return PersonasPart


def _themes(j: LLMJob) -> str:
    from generator.drafting import context

    a = scenario.analysis()
    items = {e.id: e for e in scenario.evidence().items}
    shown = [context.ShownTheme(("pp-" if t.is_pain else "dl-") + t.id, t) for t in a.themes]
    return context.themes_block(shown, items, j.fence, quotes=2)


def test_azure_openai_deployment(cassette: Cassette, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-secret-key")
    chat = model(
        [drafts("th", "personas")],
        llm_base_url="https://llm.example.test",
        llm_azure_api_version="2024-10-21",
        llm_model="cx-drafts",
        llm_api_key_env="AZURE_OPENAI_API_KEY",
    )
    assert chat.endpoint_kind == "azure-openai"
    j = job(chat, "th")
    j.ask("personas", "personas", _personas(), persona_count=1, scope="s", themes=_themes(j))
    sent = cassette.requests[0]
    assert sent.path == "/openai/deployments/cx-drafts/chat/completions"
    assert "api-version=2024-10-21" in sent.uri
    assert "api-key" not in {k.lower() for k in sent.headers}  # scrubbed from the cassette

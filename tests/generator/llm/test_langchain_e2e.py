"""Drafting, translating and answering end to end through LangChain models built from
``CJM_LLM_PROVIDER`` (Anthropic, Ollama, OpenAI), their SDKs' HTTP replayed from cassettes: the
same checks hold as with the native client (verbatim quotes, counts from the data, citations in
scope), and the customers' Persian, Thai, Chinese and Russian words reach the provider
unaltered."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from generator.drafting.fake_drafter import FakeDrafter
from generator.llm.interface import ChatModel, ChatRequest
from generator.llm.job import LLMJob
from generator.llm.structured import CallPolicy, Deadline
from generator.qa.answer import Asker
from generator.qa.fake_answerer import SENTENCE, FakeAnswerer
from generator.qa.scope import scope_maps
from generator.translation.fake_translator import FakeTranslator
from generator.translation.fields import skeleton
from generator.translation.service import translate_map
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.integrity import is_verbatim
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings
from knowledge.search.library import Library
from knowledge.store import Database
from tests.generator.llm.test_openai_client import FABRICATED, draft
from tests.helpers import scenario
from tests.helpers.llm.cassettes import CASSETTES
from tests.helpers.llm.providers import Reply, chat
from tests.helpers.maps import drafted
from tests.helpers.qa import QUESTIONS, approved

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def answers(fake: Any, times: int) -> list[Reply]:
    def respond(request: ChatRequest) -> str:
        return json.dumps(fake(request), ensure_ascii=False)

    return [Reply(respond=respond)] * times


def job(model: ChatModel, lang: str) -> LLMJob:
    policy = CallPolicy(max_attempts=4, timeout_s=30, sleep=lambda s: None)
    return LLMJob(model=model, policy=policy, deadline=Deadline(600), lang=lang)


def sent(name: str) -> list[str]:
    recorded = yaml.safe_load((CASSETTES / "langchain" / name).read_text(encoding="utf-8"))
    return [i["request"]["body"] for i in recorded["interactions"]]


@pytest.fixture
def name(request: pytest.FixtureRequest) -> str:
    return f"{request.node.name}.yaml"


@pytest.mark.parametrize(
    ("provider", "lang"), [("anthropic", "fa"), ("ollama", "th"), ("openai", "zh")]
)
def test_a_draft_end_to_end(
    provider: str, lang: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tiktoken

    def downloads(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("tiktoken was asked for an encoding: it downloads it at run time")

    monkeypatch.setattr(tiktoken, "get_encoding", downloads)
    monkeypatch.setattr(tiktoken, "encoding_for_model", downloads)
    with chat(provider, answers(FakeDrafter(lang), 4), name) as model:
        journey = draft(job(model, lang))
    JourneyMap.model_validate(journey.model_dump())
    texts = dict(scenario.TEXTS)
    quotes = [r for s in journey.stages for p in s.pain_points for r in p.evidence]
    assert quotes and all(is_verbatim(r.quote, texts[r.evidence_id][1]) for r in quotes)
    assert journey.stages[0].pain_points[0].frequency == 5  # counted by the analysis
    assert journey.recommendations and journey.recommendations[0].addresses
    assert [c.part for c in journey.provenance.calls] == [
        "personas",
        "lanes:delivery",
        "lanes:support",
        "recommendations",
    ]
    assert journey.provenance.model == model.name
    assert journey.provenance.endpoint_kind == f"langchain:{provider}"
    assert all(c.prompt_tokens > 0 and c.completion_tokens > 0 for c in journey.provenance.calls)
    # Persian with its ZWNJ, Thai and Chinese reach the provider as the customers wrote them
    # (JSON-escaped or not, as each SDK sends them).
    lanes = json.loads(sent(name)[1])
    wire = json.dumps(lanes, ensure_ascii=False)
    assert texts["ev_fa_late"][1] in wire and texts["ev_zh_late"][1] in wire
    assert "\u200c" in texts["ev_fa_late"][1]


@pytest.mark.parametrize("provider", ["anthropic", "ollama"])
def test_an_answer_obeying_planted_instructions_is_caught(provider: str, name: str) -> None:
    """A model that does what planted text told it (cite evidence that does not exist, quote
    what no customer wrote) is caught by the same checks through a LangChain model, and
    re-asked."""
    good = answers(FakeDrafter("en"), 1)[0]
    hostile = Reply(json.dumps(FABRICATED, ensure_ascii=False))
    with chat(provider, [good, hostile, good, good, good], name) as model:
        journey = draft(job(model, "en"))
    reask = json.dumps(json.loads(sent(name)[2]), ensure_ascii=False)
    assert "ev_made_up does not exist" in reask
    assert "pp-invented is not one of the listed ids" in reask
    cited = {r.evidence_id for r in journey.stages[0].pain_points[0].evidence}
    assert "ev_made_up" not in cited
    assert journey.provenance.calls[1].attempts == 2


@pytest.mark.parametrize(
    ("provider", "source", "target"), [("anthropic", "fa", "th"), ("ollama", "ru", "zh")]
)
def test_a_translation_end_to_end(
    provider: str, source: str, target: str, name: str, settings: Settings
) -> None:
    repo = MapRepository(Database(settings))
    scenario.store(repo.db, "cx")
    info = repo.create("cx", drafted(source), "a")
    with chat(provider, answers(FakeTranslator(target), 1), name) as model:
        done = translate_map(repo, "cx", info.id, job(model, target), "b")
    before = repo.version("cx", info.id).content
    after = repo.version("cx", done.info.id).content
    assert skeleton(after) == skeleton(before) and after["language"] == target
    prompt = json.dumps(json.loads(sent(name)[0]), ensure_ascii=False)
    for ref in after["stages"][0]["pain_points"][0]["evidence"]:
        if ref["lang"] != target:
            assert ref["quote"] in prompt  # the customer's words went out verbatim


@pytest.mark.parametrize(("provider", "lang"), [("anthropic", "ru"), ("ollama", "zh")])
def test_an_answer_end_to_end(
    provider: str, lang: str, name: str, lib: Library, settings: Settings
) -> None:
    repo = MapRepository(lib.db)
    map_id = approved(repo, "fa", map_id="map-fa")
    maps = scope_maps(repo, "cx", None)
    with chat(provider, answers(FakeAnswerer(lang), 1), name) as model:
        result = Asker(lib, model, settings).ask(QUESTIONS[lang], maps)
    assert result.lang == lang and result.answerable and result.text.startswith(SENTENCE[lang])
    assert result.citations and all(c["map"] == map_id for c in result.citations)
    assert QUESTIONS[lang] in json.dumps(json.loads(sent(name)[0]), ensure_ascii=False)

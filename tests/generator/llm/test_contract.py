"""One contract, three implementations: the scripted fake, the function-driven fake and the real
OpenAI-compatible client (through cassettes) behave the same at the seam."""

from __future__ import annotations

from typing import Any

import pytest

from generator.drafting.parts import PersonasPart
from generator.llm.errors import LLMError, OutputTruncated, RateLimited
from generator.llm.fakes import FunctionModel, ScriptedModel
from generator.llm.interface import ChatModel, ChatReply, ChatRequest, Message, Usage
from generator.llm.structured import Asked, CallPolicy, Deadline, ask
from tests.helpers.llm.wire import Wire, completion, error, model

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PERSONA = (
    '{"personas": [{"name": "ลูกค้าประจำ", "description": "สั่งอาหารกลางวันทุกวัน", '
    '"goals": ["ได้อาหารเร็ว"], "frustrations": ["รอนาน"], "quotes": [{"evidence_id": '
    '"ev_th_late", "quote": "รอนานมาก"}]}]}'
)
Step = tuple[str, str]  # ("answer", json) | ("429", seconds) | ("cut", partial json)


def _wire(step: Step) -> Wire:
    kind, value = step
    if kind == "429":
        return error(429, "Rate limit reached", "requests", retry_after=value)
    if kind == "cut":
        return completion(value, finish_reason="length")
    return completion(value)


def _reply(step: Step) -> ChatReply | LLMError:
    kind, value = step
    if kind == "429":
        return RateLimited("rate limited (429)", float(value))
    finish = "length" if kind == "cut" else "stop"
    return ChatReply(text=value, finish_reason=finish, usage=Usage(900, 40))


def backend(name: str, steps: list[Step], request: pytest.FixtureRequest) -> ChatModel:
    if name == "scripted":
        return ScriptedModel([_reply(s) for s in steps])
    if name == "function":
        queue = list(steps)

        def answer(_: ChatRequest) -> ChatReply:
            reply = _reply(queue.pop(0))
            if isinstance(reply, LLMError):
                raise reply
            return reply

        return FunctionModel(answer)
    request.getfixturevalue("cassette")
    return model([_wire(s) for s in steps])


BACKENDS = ["scripted", "function", "openai"]


def ask_persona(chat: ChatModel, sleeps: list[float], asked: Asked, **policy: Any) -> PersonasPart:
    """The contract's one question: a Thai persona, three attempts, sleeps recorded."""
    return ask(
        chat,
        task="personas",
        prompt_version="personas@1",
        part="personas",
        system="Answer in Thai.",
        user="One persona.",
        output=PersonasPart,
        policy=CallPolicy(max_attempts=3, sleep=sleeps.append, **policy),
        deadline=Deadline(60),
        asked=asked,
    )


@pytest.mark.parametrize("name", BACKENDS)
def test_valid_answer_is_parsed_with_usage(name: str, request: pytest.FixtureRequest) -> None:
    asked = Asked()
    part = ask_persona(backend(name, [("answer", PERSONA)], request), [], asked)
    assert part.personas[0].quotes[0].quote == "รอนานมาก"
    assert asked.calls[0].attempts == 1 and asked.calls[0].prompt_tokens == 900


@pytest.mark.parametrize("name", BACKENDS)
def test_rate_limit_is_waited_out(name: str, request: pytest.FixtureRequest) -> None:
    sleeps: list[float] = []
    asked = Asked()
    ask_persona(backend(name, [("429", "2"), ("answer", PERSONA)], request), sleeps, asked)
    assert sleeps == [2.0] and asked.calls[0].attempts == 2


@pytest.mark.parametrize("name", BACKENDS)
def test_truncation_is_reported_not_retried(name: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(OutputTruncated):
        ask_persona(backend(name, [("cut", PERSONA[:50])], request), [], Asked())


def test_fakes_record_what_they_were_sent() -> None:
    fake = ScriptedModel([PERSONA])
    ask_persona(fake, [], Asked())
    assert fake.requests[0].messages[0] == Message("system", "Answer in Thai.")
    with pytest.raises(AssertionError, match="no answer left"):
        ask_persona(fake, [], Asked())

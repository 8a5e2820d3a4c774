"""The ask loop: re-ask with the errors, give up loudly, respect budgets."""

from __future__ import annotations

import pytest

from generator.drafting.parts import PersonasPart
from generator.llm.errors import DeadlineExceeded, DraftFailed, LLMRequestError, ServerError
from generator.llm.fakes import FunctionModel, ScriptedModel
from generator.llm.interface import ChatRequest
from generator.llm.structured import Asked, CallPolicy, Deadline, ask, parse_json

GOOD = {
    "personas": [
        {
            "name": "Клиент",
            "description": "Заказывает обед",
            "goals": [],
            "frustrations": [],
            "quotes": [],
        }
    ]
}


def _ask(
    model: ScriptedModel,
    attempts: int = 3,
    deadline: Deadline | None = None,
    asked: Asked | None = None,
) -> PersonasPart:
    return ask(
        model,
        task="personas",
        prompt_version="personas@1",
        part="personas",
        system="sys",
        user="user",
        output=PersonasPart,
        validate=lambda p: [] if p.personas and p.personas[0].name == "Клиент" else ["name: wrong"],
        policy=CallPolicy(max_attempts=attempts, sleep=lambda s: None),
        deadline=deadline or Deadline(60),
        asked=asked,
    )


def test_junk_is_reasked_then_the_job_fails_with_a_readable_reason() -> None:
    model = ScriptedModel(
        ["Sure! Here is your map:", '```json\n{"personas": 3}\n```', {"personas": []}]
    )
    with pytest.raises(DraftFailed) as failed:
        _ask(model)
    exc = failed.value
    assert exc.attempts == 3 and exc.task == "personas"
    assert "no valid answer after 3 attempt(s)" in str(exc)
    assert exc.last_raw == '{"personas": []}'
    # The second request carried the first answer and why it was rejected.
    second = model.requests[1].messages
    assert second[2].content == "Sure! Here is your map:"
    assert "not valid JSON" in second[3].content


def test_code_fenced_json_and_validator_errors() -> None:
    value, errors = parse_json('```json\n{"personas": []}\n```', PersonasPart)
    assert value is not None and errors == []
    value, errors = parse_json('{"personas": [{"name": 1}]}', PersonasPart)
    assert value is None and any(e.startswith("personas.0.name") for e in errors)
    model = ScriptedModel([{"personas": [{**GOOD["personas"][0], "name": "X"}]}, GOOD])
    asked = Asked()
    assert _ask(model, asked=asked).personas[0].name == "Клиент"
    assert "name: wrong" in model.requests[1].messages[3].content
    assert asked.calls[0].attempts == 2


def test_transient_errors_and_reasks_share_one_attempt_budget() -> None:
    model = ScriptedModel([ServerError("502"), "junk", ServerError("503"), GOOD])
    with pytest.raises(DraftFailed) as failed:
        _ask(model, attempts=3)
    assert failed.value.attempts == 3 and len(model.requests) == 3


def test_a_rejected_request_is_not_retried() -> None:
    model = ScriptedModel([LLMRequestError("the endpoint rejected the request (401)", 401)])
    with pytest.raises(DraftFailed, match="401") as failed:
        _ask(model)
    assert failed.value.attempts == 1


def test_the_job_deadline_stops_further_attempts() -> None:
    now = [0.0]

    def slow_junk(_: ChatRequest) -> str:
        now[0] += 11.0  # the answer took longer than the job's whole deadline
        return "junk"

    model = FunctionModel(slow_junk)
    with pytest.raises(DeadlineExceeded, match="deadline of 10 s passed after 1 attempt"):
        ask(
            model,
            task="personas",
            prompt_version="personas@1",
            part="personas",
            system="s",
            user="u",
            output=PersonasPart,
            policy=CallPolicy(max_attempts=5, sleep=lambda s: None),
            deadline=Deadline(10, clock=lambda: now[0]),
        )
    assert len(model.requests) == 1

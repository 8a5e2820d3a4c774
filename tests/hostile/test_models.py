"""Hostile models: answers a model would give if it obeyed instructions planted in the
evidence (or broke down), each caught — re-asked with the reason, and when the model keeps
doing it, a readable failure with a ``failed/`` record and nothing stored; when it complies on
the re-ask, the stored map is clean and carries the data's numbers.

No endpoint is needed: the scripted fakes of ``generator.llm.fakes`` play the model, and the
non-JSON answer goes through the real openai client to a loopback endpoint
(``tests.llm.local_endpoint.scripted_endpoint``) that records what it received.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.llm.errors import DraftFailed
from generator.llm.failures import save_failure
from generator.llm.job import LLMJob
from generator.llm.openai_chat import OpenAIChatModel
from generator.llm.structured import CallPolicy, Deadline
from knowledge.settings import Settings
from tests.llm.local_endpoint import scripted_endpoint
from tests.llm.wire import completion

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _wire(content: str) -> tuple[int, str, bytes]:
    status, _headers, body = completion(content)
    return status, "application/json", json.dumps(body, ensure_ascii=False).encode()


PERSONA = {
    "personas": [
        {
            "name": "Клиент, который ждёт",
            "description": "Часто заказывает еду и ждёт доставку",
            "goals": ["Получить еду вовремя"],
            "frustrations": ["Курьер опаздывает"],
            "quotes": [{"evidence_id": "ev_ru_late", "quote": "Курьер опоздал на час"}],
        }
    ]
}
HTML = (200, "text/html", b"<html><body>502 Bad Gateway (upstream)</body></html>")
BROKEN_JSON = (200, "application/json", b'{"choices": [ oops')
NOT_A_COMPLETION = (200, "application/json", b'{"status": "ok"}')


def _job(base_url: str, attempts: int) -> LLMJob:
    chat = OpenAIChatModel(Settings(llm_base_url=base_url, llm_model="loopback"))
    return LLMJob(
        model=chat,
        policy=CallPolicy(max_attempts=attempts, timeout_s=10, sleep=lambda s: None),
        deadline=Deadline(60),
        lang="ru",
    )


def _ask_personas(job: LLMJob) -> object:
    from generator.drafting.parts import PersonasPart

    return job.ask(
        "personas",
        "personas",
        PersonasPart,
        persona_count=1,
        scope="workspace test",
        themes=job.fence.block("Курьер опоздал на час, суп приехал холодным.", id="ev_ru_late"),
    )


def test_a_non_json_200_is_a_bad_reply_retried_over_the_wire() -> None:
    with scripted_endpoint([HTML, BROKEN_JSON, _wire(json.dumps(PERSONA))]) as endpoint:
        job = _job(endpoint.base_url, attempts=4)
        part = _ask_personas(job)
    assert len(endpoint.received) == 3  # every attempt reached the loopback server
    assert all(body["model"] == "loopback" for body in endpoint.received)
    assert part.personas[0].name == "Клиент, который ждёт"  # type: ignore[attr-defined]
    assert job.asked.calls[0].attempts == 3


def test_non_json_200s_end_in_a_readable_failure_and_a_failed_record(tmp_path: Path) -> None:
    with scripted_endpoint([HTML, NOT_A_COMPLETION, HTML]) as endpoint:
        job = _job(endpoint.base_url, attempts=3)
        with pytest.raises(DraftFailed) as failed:
            _ask_personas(job)
    assert len(endpoint.received) == 3
    message = str(failed.value)
    assert "personas" in message and "not a chat completion" in message
    assert "Traceback" not in message and "'str' object" not in message
    saved = save_failure(tmp_path, "draft", failed.value)
    record = json.loads(saved.read_text(encoding="utf-8"))
    assert saved.name.startswith("draft-") and record["attempts"] == 3
    assert "Bad Gateway" in (record["last_raw_output"] or "")

"""A language model that fails: the synchronous questions route answers with the failure's
problem (502 junk, 503 unreachable, rate limited or not configured, 504 timed out), naming the
task; a job records a readable reason that names its task."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from generator.llm.errors import LLMConfigError, LLMTimeout, RateLimited, ServerError
from generator.llm.fakes import Scripted, ScriptedModel
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.settings import Settings, get_settings
from tests.helpers import scenario
from tests.helpers.http import key, store_db
from tests.helpers.maps import drafted

QUESTION = "泰国客户在配送阶段最大的痛点是什么？"
ATTEMPTS = 2


@pytest.fixture
def served(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("CJM_LLM_MAX_ATTEMPTS", str(ATTEMPTS))
    get_settings.cache_clear()
    db = store_db()
    scenario.store(db, "cx")
    map_id = MapRepository(db).create("cx", drafted("zh"), "a").id
    with TestClient(create_app()) as client:
        yield {"client": client, "map_id": map_id}


def ask(served: dict[str, Any], factory: Callable[[Settings], Any]) -> Any:
    client: TestClient = served["client"]
    client.app.state.model_factory = factory  # type: ignore[attr-defined]
    response = client.post(
        "/v1/workspaces/cx/questions",
        headers=key("viewer", "cx"),
        json={"question": QUESTION, "maps": [served["map_id"]]},
    )
    assert response.headers["content-type"] == "application/problem+json", response.text
    return response


def scripted(*items: Scripted) -> Callable[[Settings], ScriptedModel]:
    model = ScriptedModel(items)
    return lambda _settings: model


def test_a_model_that_times_out_is_a_504(served: dict[str, Any]) -> None:
    timeouts = [LLMTimeout("the model did not answer in 120 s", retry_after=0)] * ATTEMPTS
    response = ask(served, scripted(*timeouts))
    body = response.json()
    assert response.status_code == 504 and body["status"] == 504
    assert body["title"] == "Gateway timeout"
    assert body["detail"].startswith("answer failed:") and "did not answer" in body["detail"]


def test_a_model_server_error_is_a_503(served: dict[str, Any]) -> None:
    errors = [ServerError("the endpoint answered 500", retry_after=0)] * ATTEMPTS
    response = ask(served, scripted(*errors))
    assert response.status_code == 503 and response.json()["title"] == "Service unavailable"
    assert "answered 500" in response.json()["detail"]


def test_a_model_rate_limiting_past_the_wait_is_a_503_with_retry_after(
    served: dict[str, Any],
) -> None:
    response = ask(served, scripted(RateLimited("the endpoint answered 429", retry_after=120)))
    assert response.status_code == 503 and response.headers["Retry-After"] == "120"


def test_a_model_that_answers_junk_that_never_validates_is_a_502(served: dict[str, Any]) -> None:
    response = ask(served, scripted(*["no JSON here"] * ATTEMPTS))
    body = response.json()
    assert response.status_code == 502 and body["title"] == "Bad gateway"
    assert body["detail"].startswith("answer failed: answer: no valid answer")
    assert "generator" not in body  # no answer composed from the data


def test_a_server_without_a_working_model_configuration_is_a_503(served: dict[str, Any]) -> None:
    def misconfigured(_settings: Settings) -> None:
        raise LLMConfigError("set CJM_LLM_BASE_URL and CJM_LLM_MODEL to use a chat model")

    response = ask(served, misconfigured)
    assert response.status_code == 503 and "CJM_LLM_MODEL" in response.json()["detail"]


def test_a_translation_job_records_a_reason_naming_its_task(served: dict[str, Any]) -> None:
    client: TestClient = served["client"]
    editor = key("editor", "cx")
    client.app.state.model_factory = scripted(*["no JSON here"] * 50)  # type: ignore[attr-defined]
    started = client.post(
        f"/v1/workspaces/cx/maps/{served['map_id']}/translations", headers=editor, json={"to": "th"}
    )
    assert started.status_code == 202, started.text
    for _ in range(600):
        job = client.get(started.headers["Location"], headers=editor).json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "failed" and job["error"].startswith("translation failed: translate:")
    assert job["result"]["failure"]["kind"] == "translation"

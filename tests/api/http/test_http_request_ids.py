"""Request ids and structured logs as an operator reads them: every answer carries an id, a
caller's sane id is kept, one JSON line per request (never its query), and the lines of a job
carry the id of the request that started it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from knowledge.platform import logs
from tests.helpers.http import key, wait


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logs.handler("json", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _read(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_answer_carries_an_id_and_a_sane_given_one_is_kept(client: TestClient) -> None:
    made = client.get("/v1/health").headers["X-Request-ID"]
    assert len(made) == 32 and int(made, 16) >= 0
    assert client.get("/v1/health").headers["X-Request-ID"] != made
    kept = client.get("/v1/health", headers={"X-Request-ID": "lb-7f3a:42"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a:42"
    for hostile in ("a" * 129, "two words", "id;drop", "<script>", "x\\r\\nSet-Cookie: a=b"):
        answer = client.get("/v1/health", headers={"X-Request-ID": hostile})
        assert answer.status_code == 200
        assert len(answer.headers["X-Request-ID"]) == 32  # replaced by a new id
    refused = client.get("/v1/workspaces/cx-ir/maps")  # no key: a problem, still with an id
    assert refused.status_code == 401 and len(refused.headers["X-Request-ID"]) == 32


def test_one_json_line_per_request_without_its_query(
    client: TestClient, lines: io.StringIO
) -> None:
    answer = client.get(
        "/v1/workspaces/cx-ir/search",
        params={"q": "تاخیر پیک ۰۹۱۲۳۴۵۶۷۸۹", "k": 3},
        headers={**key("viewer"), "X-Request-ID": "req-1"},
    )
    assert answer.status_code == 200
    served = [e for e in _read(lines) if e["logger"] == "cjm.http"]
    assert served[-1] == {
        **served[-1],
        "level": "info",
        "request_id": "req-1",
        "method": "GET",
        "path": "/v1/workspaces/cx-ir/search",
        "status": 200,
    }
    assert "تاخیر" not in lines.getvalue() and "09123456789" not in lines.getvalue()


def test_a_jobs_lines_carry_the_id_of_the_request_that_started_it(
    client: TestClient, lines: io.StringIO
) -> None:
    editor = key("editor")
    started = client.post(
        "/v1/workspaces/cx-ir/drafts",
        json={"lang": "fa", "framework": "six_stage"},
        headers={**editor, "X-Request-ID": "draft-42"},
    )
    assert started.status_code == 202
    job = wait(client, started.headers["Location"], editor)
    assert job["status"] == "failed"  # the workspace holds maps, no evidence to draft from
    of_job = [e for e in _read(lines) if e.get("job_id") == job["id"]]
    assert of_job[0]["message"].endswith("started")
    assert of_job[-1]["message"].startswith(f"job {job['id']} failed: workspace 'cx-ir' has no")
    assert {e["request_id"] for e in of_job} == {"draft-42"}
    assert {e["kind"] for e in of_job} == {"draft"}


def test_text_lines_name_the_request_too() -> None:
    stream = io.StringIO()
    log = logging.getLogger("cjm.test")
    log.addHandler(logs.handler("text", stream))
    log.setLevel(logging.INFO)
    token = logs.REQUEST_ID.set("req-9")
    try:
        log.info("سلام %s", "دنیا")
    finally:
        logs.REQUEST_ID.reset(token)
        log.handlers.clear()
    assert stream.getvalue().rstrip().endswith("cjm.test: سلام دنیا [req-9]")

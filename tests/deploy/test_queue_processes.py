"""The team deployment's processes, started directly (Docker cannot run here): one PostgreSQL,
one Chroma server, two API replicas (``cjm serve``) and two workers (``cjm worker``), each
process with its own CJM_HOME so that nothing reaches another process except through the
database and Chroma — what compose.yaml starts.

One scenario, in order, because starting the processes is the slow part: an upload sent to one
replica is ingested by a worker and searchable through the other; 20 drafts submitted through
both replicas each finish exactly once while a replica is restarted; an Idempotency-Key
resubmitted to the other replica answers the same job; a queued job is cancelled; a worker
killed with SIGKILL mid-draft has its job taken over by the other worker within the heartbeat
window, with no half-written map, and the job ends with one map."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings
from knowledge.store import Database, MapRow
from tests.helpers import postgres
from tests.helpers.llm.local_endpoint import _Handler
from tests.helpers.needs import NO_POSTGRES, absent
from tests.helpers.team import ROOT, Process, Team, free_port, until

SAMPLES = ROOT / "knowledge" / "research" / "samples"
HEARTBEAT = 1.0  # seconds: a killed worker's job is stalled after three
WS = "team"


@contextmanager
def _held_model() -> Iterator[tuple[str, threading.Event, threading.Event]]:
    """A loopback model answering like FakeDrafter, except that its first request is held
    (the worker drafting it is then killed) until the test ends."""
    arrived, release = threading.Event(), threading.Event()
    first = threading.Lock()

    class Held(_Handler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            if first.acquire(blocking=False):
                arrived.set()
                release.wait(120)
                return
            super().do_POST()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Held)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", arrived, release
    finally:
        release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Team]:
    url = os.environ.get("CJM_TEST_DATABASE_URL")
    if not url:
        absent(NO_POSTGRES)
    postgres.empty(url)
    chroma_port = free_port()
    base_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CJM_")},
        "CJM_DATABASE_URL": url,
        "CJM_CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
        "CJM_JOBS": "queue",
        "CJM_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT),
        "CJM_LOG_FORMAT": "json",
        "PYTHONPATH": str(ROOT),
    }
    found = Team(tmp_path, base_env)
    found.chroma(chroma_port)
    try:
        yield found
    finally:
        for process in reversed(found.processes):
            process.stop(signal.SIGKILL if process.name == "chroma" else signal.SIGTERM)
        postgres.empty(url)


def _job(api: Process, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{api.url}/v1/workspaces/{WS}/jobs/{job_id}", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _ended(api: Process, headers: dict[str, str], job_id: str, seconds: float = 180) -> Any:
    return until(
        lambda: (job := _job(api, headers, job_id))["status"] not in ("queued", "running") and job,
        seconds,
        f"job {job_id} did not end",
    )


def test_two_replicas_and_two_workers_share_one_queue(team: Team) -> None:
    settings = Settings(database_url=team.env["CJM_DATABASE_URL"], home=team.tmp / "keys")
    with _held_model() as (model_url, arrived, _release):
        one, two = team.api("api1"), team.api("api2")
        db = Database(settings)
        secret, _ = create_key(db, WS, "editor", "tester")
        editor = {"Authorization": f"Bearer {secret}"}
        try:
            _scenario(team, one, two, editor, db, model_url, arrived)
        except BaseException:
            print(team.logs())
            raise
        finally:
            db.dispose()


def _scenario(
    team: Team,
    one: Process,
    two: Process,
    editor: dict[str, str],
    db: Database,
    model_url: str,
    arrived: threading.Event,
) -> None:
    # health says the queue has no worker yet: degraded, not down
    health = httpx.get(f"{one.url}/v1/health", timeout=10).json()
    assert health["checks"]["queue"]["runner"] == "queue"
    assert health["checks"]["queue"]["status"] == "down" and health["status"] == "degraded"

    # an upload to one replica, before any worker runs: it waits in the queue, in the store
    files = [("files", (p.name, p.read_bytes())) for p in (SAMPLES / "reviews.csv",)]
    files += [("files", (p.name, p.read_bytes())) for p in (SAMPLES / "interviews").iterdir()]
    upload = httpx.post(
        f"{one.url}/v1/workspaces/{WS}/documents",
        headers=editor,
        data={"kind": "review"},
        files=files,
        timeout=60,
    )
    assert upload.status_code == 202, upload.text
    assert _job(two, editor, upload.json()["id"])["status"] == "queued"

    workers = [team.worker("worker1"), team.worker("worker2")]
    ingested = _ended(two, editor, upload.json()["id"])
    assert ingested["status"] == "succeeded", ingested
    assert ingested["result"]["failed"] == 0 and ingested["result"]["ingested"] == len(files)
    hits = httpx.get(
        f"{two.url}/v1/workspaces/{WS}/search",
        params={"q": "курьер опоздал"},
        headers=editor,
        timeout=60,
    ).json()
    assert hits and any(h["lang"] == "ru" for h in hits), hits
    health = httpx.get(f"{two.url}/v1/health", timeout=10).json()
    assert health["checks"]["queue"]["workers"] == 2 and health["status"] == "ok", health

    # 20 evidence-only drafts through both replicas; one replica restarted meanwhile
    body = {"lang": "fa", "personas": 1}
    submitted: list[str] = []
    for n in range(20):
        api = (one, two)[n % 2]
        answer = httpx.post(
            f"{api.url}/v1/workspaces/{WS}/drafts", json=body, headers=editor, timeout=30
        )
        assert answer.status_code == 202, answer.text
        submitted.append(answer.json()["id"])
        if n == 9:
            one.stop()  # a replica restarted mid-run
            one = team.api("api1", one.port)
    finals = [_ended(two, editor, job_id, 300) for job_id in submitted]
    assert [j["status"] for j in finals] == ["succeeded"] * 20, [
        (j["status"], j["error"]) for j in finals if j["status"] != "succeeded"
    ]
    assert all(j["attempt"] == 1 for j in finals)
    map_ids = {j["result"]["map_id"] for j in finals}
    assert len(map_ids) == 20
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(MapRow)) == 20  # exactly once each

    # the same Idempotency-Key through the other replica: the same job, nothing new
    keyed = {**editor, "Idempotency-Key": "draft-ru-2026-12"}
    first = httpx.post(
        f"{one.url}/v1/workspaces/{WS}/drafts", json={"lang": "ru"}, headers=keyed, timeout=30
    )
    again = httpx.post(
        f"{two.url}/v1/workspaces/{WS}/drafts", json={"lang": "ru"}, headers=keyed, timeout=30
    )
    other = httpx.post(
        f"{two.url}/v1/workspaces/{WS}/drafts", json={"lang": "th"}, headers=keyed, timeout=30
    )
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert other.status_code == 422 and "another request" in other.json()["detail"]
    assert _ended(one, editor, first.json()["id"])["status"] == "succeeded"

    # a worker killed mid-draft: the other worker takes the job over, one map is stored
    for worker in workers:
        worker.stop()
    # workers that draft with a model (loopback): its first answer never comes
    team.env.update({"CJM_LLM_BASE_URL": model_url, "CJM_LLM_MODEL": "fake"})
    team.env.update({"OPENAI_API_KEY": "none", "CJM_LLM_MAX_ATTEMPTS": "1"})
    workers = [team.worker("worker3")]
    llm = httpx.post(
        f"{one.url}/v1/workspaces/{WS}/drafts",
        json={"lang": "th", "personas": 1, "stage_method": "offline"},
        headers=editor,
        timeout=30,
    ).json()
    assert arrived.wait(120), "the draft never reached the model"
    maps_before = _map_count(db)
    running = _job(two, editor, llm["id"])
    assert (running["status"], running["attempt"]) == ("running", 1)
    queued = httpx.post(
        f"{two.url}/v1/workspaces/{WS}/drafts", json={"lang": "zh"}, headers=editor, timeout=30
    ).json()
    cancelled = httpx.delete(
        f"{two.url}/v1/workspaces/{WS}/jobs/{queued['id']}", headers=editor, timeout=30
    )
    assert cancelled.json()["status"] == "cancelled"
    killed_at = time.monotonic()
    workers[0].stop(signal.SIGKILL)
    team.worker("worker4")
    until(
        lambda: (job := _job(one, editor, llm["id"]))["attempt"] == 2 and job,
        30,
        "the killed worker's job was not taken over",
    )
    assert time.monotonic() - killed_at < 3 * HEARTBEAT + 15
    assert _map_count(db) == maps_before  # nothing of the killed run was stored
    done = _ended(one, editor, llm["id"])
    assert done["status"] == "succeeded", done
    assert done["result"]["evidence_only"] is False and _map_count(db) == maps_before + 1
    assert _job(one, editor, queued["id"])["status"] == "cancelled"


def _map_count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(MapRow)) or 0)

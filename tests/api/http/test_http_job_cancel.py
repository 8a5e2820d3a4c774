"""Cancelling jobs, and jobs that ended elsewhere: a cancelled queued job never starts, a
cancelled running job stops at its next step and stays cancelled, an ended job cannot be
cancelled (409), and a worker never flips back a job another process marked failed."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app as cli
from api.http.app import create_app
from api.http.runner import LocalRunner
from api.http.tasks import TASKS, Plan
from knowledge.platform.jobs import INTERRUPTED, JobStore
from knowledge.platform.settings import Settings
from tests.helpers.http import key, store_db


def _until(check: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_cancel_a_running_and_a_queued_job(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    steps: list[str] = []
    second_ran = threading.Event()

    def slow(progress: Any) -> dict[str, Any]:
        for step in range(50):
            progress(f"step {step}")
            steps.append(f"step {step}")
            release.wait(5)
        return {"done": True}

    def second(progress: Any) -> dict[str, Any]:
        second_ran.set()
        return {}

    # the tasks of two kinds replaced by work whose steps the test controls
    monkeypatch.setitem(TASKS, "draft", lambda job, env: Plan(lambda run: slow(run.progress)))
    monkeypatch.setitem(TASKS, "translate", lambda job, env: Plan(lambda run: second(run.progress)))
    with TestClient(create_app()) as client:
        runner: LocalRunner = client.app.state.dispatcher  # type: ignore[attr-defined]
        jobs = JobStore(client.app.state.library.db)  # type: ignore[attr-defined]
        editor, viewer = key("editor", "cx"), key("viewer", "cx")
        running = jobs.create("cx", "draft", "ali", {})
        queued = jobs.create("cx", "translate", "ali", {})
        first_done = runner.submit(running.id)
        second_done = runner.submit(queued.id)  # one worker: it waits behind the first
        _until(lambda: steps)
        url = f"/v1/workspaces/cx/jobs/{queued.id}"
        assert client.delete(url, headers=viewer).status_code == 403
        assert client.delete(url, headers=editor).json()["status"] == "cancelled"
        cancelled = client.delete(f"/v1/workspaces/cx/jobs/{running.id}", headers=editor)
        assert cancelled.status_code == 200
        assert (cancelled.json()["status"], cancelled.json()["error"]) == (
            "cancelled",
            "cancelled by editor",
        )
        release.set()
        first_done.result(timeout=20)
        second_done.result(timeout=20)
        after = client.get(f"/v1/workspaces/cx/jobs/{running.id}", headers=viewer).json()
        again = client.delete(f"/v1/workspaces/cx/jobs/{running.id}", headers=editor)
    assert len(steps) <= 2  # stopped at its next step, not after 50
    assert after["status"] == "cancelled" and after["result"] is None
    assert not second_ran.is_set()  # cancelled while queued: never started
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]


def test_a_job_ended_elsewhere_is_not_flipped_back(settings: Settings) -> None:
    store = JobStore(store_db())
    job = store.create("cx", "draft", "ali", {})
    assert store.start(job.id)
    assert store.recover() == 1  # another replica started and marked it failed
    assert not store.progress(job.id, "still drafting")
    assert not store.succeed(job.id, {"map_id": "m1"})
    ended = store.get("cx", job.id)
    assert (ended.status, ended.error, ended.result) == ("failed", INTERRUPTED, None)


def test_cjm_jobs_cancel(settings: Settings) -> None:
    store = JobStore(store_db())
    job = store.create("cx", "ingest", "ali", {})
    runner = CliRunner()
    first = runner.invoke(cli, ["jobs", "cancel", job.id, "-w", "cx", "--as", "sara"])
    assert first.exit_code == 0 and "cancelled" in first.stdout and "sara" in first.stdout
    second = runner.invoke(cli, ["jobs", "cancel", job.id, "-w", "cx", "--as", "sara"])
    assert second.exit_code == 2 and "already cancelled" in second.output
    missing = runner.invoke(cli, ["jobs", "cancel", "job_nope", "-w", "cx", "--as", "sara"])
    assert missing.exit_code == 2

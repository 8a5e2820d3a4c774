"""Jobs on PostgreSQL's queue (procrastinate): an API replica only persists a job and defers
``cjm.run_job(job_id)``; ``cjm worker`` processes on any machine take deferred jobs and run
them with ``api.http.runner.execute``.

A worker beats its heartbeat every ``job_heartbeat_seconds``. A job whose worker has been
silent for three beats (killed, frozen, cut off) is stalled: a running worker puts it back in
the queue for another attempt, up to ``job_max_attempts``, else fails it with the reason. The
attempt number holds the job: a stalled worker that wakes up finds its job taken and stops."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector, SyncPsycopgConnector
from procrastinate import jobs as queue_jobs
from sqlalchemy.engine import make_url

from api.http.runner import execute
from api.http.tasks import JobEnv
from knowledge.platform.errors import Unavailable, UserInputError
from knowledge.platform.jobs import JobStore
from knowledge.platform.settings import Settings

log = logging.getLogger("cjm.queue")
TASK = "cjm.run_job"
QUEUE = "cjm"
STALL_BEATS = 3  # a worker silent for this many heartbeats is stalled


class QueueNeedsPostgres(UserInputError):
    """The job queue runs on PostgreSQL only."""


def conninfo(settings: Settings) -> str:
    """psycopg's connection string of the store's PostgreSQL database."""
    url = make_url(settings.resolved_database_url())
    if url.get_backend_name() != "postgresql":
        raise QueueNeedsPostgres(
            "the job queue needs PostgreSQL (CJM_DATABASE_URL=postgresql+psycopg://...); on "
            "SQLite, cjm serve runs jobs itself (CJM_JOBS=in-process)"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def uses_queue(settings: Settings) -> bool:
    """Whether jobs go to the queue: CJM_JOBS=queue, or auto on PostgreSQL."""
    if settings.jobs == "auto":
        return make_url(settings.resolved_database_url()).get_backend_name() == "postgresql"
    return settings.jobs == "queue"


def stall_seconds(settings: Settings) -> float:
    return settings.job_heartbeat_seconds * STALL_BEATS


def queue_app(connector: Any) -> App:
    app = App(connector=connector)

    @app.task(name=TASK, queue=QUEUE, pass_context=True)
    def run_job(context: JobContext, job_id: str) -> None:
        env: JobEnv = context.additional_context["env"]
        attempt = (context.job.attempts if context.job else 0) + 1
        execute(job_id, env, attempt)

    return app


class QueueDispatcher:
    """An API replica's side: defer each persisted job to the queue."""

    kind = "queue"

    def __init__(self, settings: Settings, store: JobStore) -> None:
        self.store = store
        self.app = queue_app(SyncPsycopgConnector(conninfo=conninfo(settings)))
        self.app.open()

    def submit(self, job_id: str) -> None:
        try:
            self.app.configure_task(TASK, queue=QUEUE).defer(job_id=job_id)
        except Exception as exc:
            reason = "the job could not be queued: the database did not answer; submit it again"
            log.exception("job %s not queued", job_id, extra={"job_id": job_id})
            self.store.fail(job_id, reason)
            raise Unavailable(reason) from exc

    def shutdown(self) -> None:
        self.app.close()


async def sweep_stalled(app: App, store: JobStore, settings: Settings) -> int:
    """Retry or fail the jobs of stalled workers; how many were handled."""
    window = stall_seconds(settings)
    handled = 0
    for stalled in await app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=window, task_name=TASK
    ):
        job_id = str(stalled.task_kwargs.get("job_id"))
        attempt = stalled.attempts + 1
        silent = f"its worker stopped answering (no heartbeat for {window:g} s)"
        if attempt < settings.job_max_attempts:
            moved = await asyncio.to_thread(
                store.requeue, job_id, attempt, f"{silent}; queued again (attempt {attempt + 1})"
            )
            if moved:
                await _quietly(app.job_manager.retry_job(stalled))
                log.warning("job %s stalled on attempt %d: retried", job_id, attempt)
                handled += 1
                continue
        else:
            reason = (
                f"{silent} on attempt {attempt} of {settings.job_max_attempts}; nothing of it "
                "was stored: submit it again"
            )
            if await asyncio.to_thread(store.fail, job_id, reason, None, attempt):
                log.warning("job %s stalled on attempt %d: failed", job_id, attempt)
                handled += 1
        # the job's row has ended (or moved on): the queue's entry ends too
        await _quietly(
            app.job_manager.finish_job(stalled, status=queue_jobs.Status.FAILED, delete_job=False)
        )
    return handled


async def _quietly(step: Any) -> None:
    """A queue update another worker's sweep may have made already."""
    try:
        await step
    except Exception as exc:  # noqa: BLE001 - the other sweep won; nothing to do
        log.debug("queue update skipped: %s", exc)


async def _sweeper(app: App, store: JobStore, settings: Settings) -> None:
    while True:
        await asyncio.sleep(settings.job_heartbeat_seconds)
        try:
            await sweep_stalled(app, store, settings)
        except Exception:  # noqa: BLE001 - a database hiccup: the next sweep tries again
            log.exception("the stalled-job sweep failed")


async def work(env: JobEnv, concurrency: int) -> None:
    """Run a worker until it is stopped (SIGINT/SIGTERM: it finishes its running jobs)."""
    settings = env.settings
    app = queue_app(PsycopgConnector(conninfo=conninfo(settings)))
    store = JobStore(env.library.db)
    async with app.open_async():
        sweeper = asyncio.create_task(_sweeper(app, store, settings), name="cjm-stall-sweep")
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                name=f"cjm@{socket.gethostname()}:{os.getpid()}",
                concurrency=concurrency,
                additional_context={"env": env},
                update_heartbeat_interval=settings.job_heartbeat_seconds,
                stalled_worker_timeout=stall_seconds(settings),
                delete_jobs="successful",
            )
        finally:
            sweeper.cancel()


def workers_alive(settings: Settings, store: JobStore) -> int:
    """Workers whose heartbeat is recent (for health)."""
    from sqlalchemy import text

    with store.db.session() as s:
        found = s.scalar(
            text(
                "select count(*) from procrastinate_workers where last_heartbeat > "
                "now() - make_interval(secs => :window)"
            ),
            {"window": stall_seconds(settings)},
        )
    return int(found or 0)

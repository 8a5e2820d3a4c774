"""Running a job: its row is read, its task (``api.http.tasks``) planned from the row, the
configured model opened when the task uses one, and every outcome recorded in the job store;
nothing a job raises escapes unrecorded. The same ``execute`` runs in this process's small
thread pool (``LocalRunner``, the single-process default on SQLite) and in a ``cjm worker``
(``api.http.queue``). A run holds the job by its attempt number: once the job was cancelled,
or handed to another attempt after this run's worker stalled, the run's next progress report
stops it and its result is not recorded."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from api.http.jobs_common import model_for_job
from api.http.tasks import TASKS, JobContext, JobEnv, Plan
from generator.llm.errors import ModelTaskFailed
from knowledge.platform.errors import CJMError
from knowledge.platform.jobs import JobStore

log = logging.getLogger("cjm.jobs")


class _Ended(Exception):  # noqa: N818 - not an error: the job was cancelled or ended elsewhere
    """Raised into a job's work by its progress report once the job is no longer this run's."""


def _run(plan: Plan, env: JobEnv, context: JobContext) -> dict[str, Any]:
    if plan.model == "none":
        return plan.work(context)
    with model_for_job(env.model_factory, env.settings) as opened:
        if plan.model == "required" and opened is None:
            return plan.work(context)  # JobContext.chat fails it with the reason
        return plan.work(JobContext(context.progress, opened))


def execute(job_id: str, env: JobEnv, attempt: int = 1) -> str:
    """Run the queued job ``job_id`` as run number ``attempt``; its final status."""
    store = JobStore(env.library.db)
    job = store.get_by_id(job_id)
    extra = {"job_id": job_id, "kind": job.kind if job else None, "attempt": attempt}
    if job is None or not store.start(job_id, attempt):
        log.info("job %s ended before it started", job_id, extra=extra)
        return job.status if job else "missing"
    log.info("job %s (%s) started", job_id, job.kind, extra=extra)

    def report(message: str) -> None:
        if not store.progress(job_id, message, attempt):
            raise _Ended(job_id)

    try:
        plan = TASKS[job.kind](job, env)
        result = _run(plan, env, JobContext(report))
    except _Ended:
        log.info("job %s ended while running; its work stopped", job_id, extra=extra)
        return "ended"
    except ModelTaskFailed as exc:
        log.info("job %s failed: %s", job_id, exc, extra=extra)
        store.fail(job_id, str(exc), {"failure": exc.as_dict()}, attempt)
        return "failed"
    except CJMError as exc:
        log.info("job %s failed: %s", job_id, exc, extra=extra)
        store.fail(job_id, str(exc), attempt=attempt)
        return "failed"
    except Exception as exc:  # noqa: BLE001 - recorded, and logged with its traceback
        log.exception("job %s failed", job_id, extra=extra)
        store.fail(job_id, f"unexpected error: {type(exc).__name__}: {exc}", attempt=attempt)
        return "failed"
    if store.succeed(job_id, result, attempt):
        log.info("job %s succeeded", job_id, extra=extra)
        return "succeeded"
    log.warning("job %s finished after it had ended", job_id, extra=extra)
    return "ended"


class Dispatcher(Protocol):
    """Where a persisted, queued job goes to be run."""

    kind: str  # in-process or queue (health says which)

    def submit(self, job_id: str) -> object: ...

    def shutdown(self) -> None: ...


class LocalRunner:
    """Runs jobs in this process's thread pool (the library is synchronous): the embedded
    single-process default. Jobs a stopped process left unfinished are failed at start."""

    kind = "in-process"

    def __init__(self, env: Callable[[], JobEnv], workers: int = 1) -> None:
        self.env = env  # read at each submit: the settings a request saw
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cjm-job")

    def submit(self, job_id: str) -> Future[str]:
        # the job's log lines carry the id of the request that started it
        return self.pool.submit(contextvars.copy_context().run, execute, job_id, self.env())

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

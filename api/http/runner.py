"""Runs jobs in a small thread pool (the library is synchronous) and records every outcome in
the job store; nothing a job raises escapes unrecorded."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from generator.llm.errors import ModelTaskFailed
from knowledge.platform.errors import CJMError
from knowledge.platform.jobs import Job, JobStore

log = logging.getLogger("cjm.jobs")
Work = Callable[[Callable[[str], None]], dict[str, Any]]


class _Ended(Exception):  # noqa: N818 - not an error: the job was cancelled or ended elsewhere
    """Raised into a job's work by its progress report once the job has ended."""


class JobRunner:
    def __init__(self, store: JobStore, workers: int = 1) -> None:
        self.store = store
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cjm-job")

    def submit(self, job: Job, work: Work) -> Future[None]:
        def report(message: str) -> None:
            if not self.store.progress(job.id, message):
                raise _Ended(job.id)

        def run() -> None:
            extra = {"job_id": job.id, "kind": job.kind}
            if not self.store.start(job.id):
                log.info("job %s ended before it started", job.id, extra=extra)
                return
            log.info("job %s (%s) started", job.id, job.kind, extra=extra)
            try:
                result = work(report)
            except _Ended:
                log.info("job %s ended while running; its work stopped", job.id, extra=extra)
            except ModelTaskFailed as exc:
                log.info("job %s failed: %s", job.id, exc, extra=extra)
                self.store.fail(job.id, str(exc), {"failure": exc.as_dict()})
            except CJMError as exc:
                log.info("job %s failed: %s", job.id, exc, extra=extra)
                self.store.fail(job.id, str(exc))
            except Exception as exc:  # noqa: BLE001 - recorded, and logged with its traceback
                log.exception("job %s failed", job.id)
                self.store.fail(job.id, f"unexpected error: {type(exc).__name__}: {exc}")
            else:
                if self.store.succeed(job.id, result):
                    log.info("job %s succeeded", job.id, extra=extra)
                else:
                    log.warning("job %s finished after it had ended", job.id, extra=extra)

        # the job's log lines carry the id of the request that started it
        return self.pool.submit(contextvars.copy_context().run, run)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

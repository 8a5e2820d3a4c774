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


class JobRunner:
    def __init__(self, store: JobStore, workers: int = 1) -> None:
        self.store = store
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cjm-job")

    def submit(self, job: Job, work: Work) -> Future[None]:
        def run() -> None:
            self.store.start(job.id)
            extra = {"job_id": job.id, "kind": job.kind}
            log.info("job %s (%s) started", job.id, job.kind, extra=extra)
            try:
                result = work(lambda message: self.store.progress(job.id, message))
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
                log.info("job %s succeeded", job.id, extra=extra)
                self.store.succeed(job.id, result)

        # the job's log lines carry the id of the request that started it
        return self.pool.submit(contextvars.copy_context().run, run)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

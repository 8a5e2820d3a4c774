"""Runs jobs in a small thread pool (the library is synchronous) and records every outcome in
the job store; nothing a job raises escapes unrecorded."""

from __future__ import annotations

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
            try:
                result = work(lambda message: self.store.progress(job.id, message))
            except ModelTaskFailed as exc:
                self.store.fail(job.id, str(exc), {"failure": exc.as_dict()})
            except CJMError as exc:
                self.store.fail(job.id, str(exc))
            except Exception as exc:  # noqa: BLE001 - recorded, and logged with its traceback
                log.exception("job %s failed", job.id)
                self.store.fail(job.id, f"unexpected error: {type(exc).__name__}: {exc}")
            else:
                self.store.succeed(job.id, result)

        return self.pool.submit(run)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

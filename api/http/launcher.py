"""Starting a job, the same for every job route: the caller's role is checked before anything
else, a model must be configured when the task needs one, the job is persisted with its spec
(the body the route validated), handed to the dispatcher (this process's runner, or the queue
its workers take jobs from), and the answer is 202 with the job and its Location.

Every job POST takes an ``Idempotency-Key`` header: a retry with the same key and the same
request answers the job the first one started (and starts nothing); the same key with another
request is refused (422)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response

from api.http.deps import Caller, DispatcherDep, JobsDep, ModelFactoryDep, SettingsDep
from api.http.jobs_common import ModelFactory, accepted
from api.http.runner import Dispatcher
from api.http.schemas import JobOut
from api.http.tasks import NEEDS_MODEL
from generator.llm.errors import LLMConfigError
from knowledge.platform.jobs import Job, JobStore
from knowledge.platform.keys import Principal, Role
from knowledge.platform.settings import Settings

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="A key of the client's choosing: the same key and request again answers "
        "the job the first request started.",
    ),
]


class JobLauncher:
    """Starts jobs in the caller's workspace, as the caller; its role was checked already."""

    def __init__(
        self,
        caller: Principal,
        jobs: JobStore,
        dispatcher: Dispatcher,
        factory: ModelFactory,
        settings: Settings,
        request: Request,
        response: Response,
        idempotency_key: str | None,
    ) -> None:
        self.caller = caller
        self.jobs = jobs
        self.dispatcher = dispatcher
        self.factory = factory
        self.settings = settings
        self.request = request
        self.response = response
        self.idempotency_key = idempotency_key
        self._model_checked = False

    def require_model(self) -> None:
        """Refuse (503) unless a model is configured; a route calls it first when nothing it
        checks may come before that."""
        if self._model_checked:
            return
        probe = self.factory(self.settings)
        if probe is None:
            raise LLMConfigError(NEEDS_MODEL)
        probe.close()
        self._model_checked = True

    def launch(
        self,
        kind: str,
        spec: dict[str, Any],
        *,
        lock_key: str | None = None,
        lock_holder: str = "another job",
        prepare: Callable[[Job], None] | None = None,
    ) -> JobOut:
        """Persist a job of ``kind`` with its ``spec`` (or find the one this Idempotency-Key
        started), ``prepare`` it (store its uploads), hand it to the dispatcher, and answer
        202 with the job and its Location."""
        job, created = self.jobs.create_once(
            self.caller,
            kind,
            spec,
            idempotency_key=self.idempotency_key,
            lock_key=lock_key,
            lock_holder=lock_holder,
        )
        if not created:
            self.response.headers["Idempotent-Replayed"] = "true"
            return accepted(self.request, self.response, job)
        if prepare is not None:
            try:
                prepare(job)
            except BaseException:
                self.jobs.fail(job.id, "the request's files could not be stored")
                raise
        self.dispatcher.submit(job.id)
        return accepted(self.request, self.response, job)


def launcher_for(role: Role) -> Callable[..., JobLauncher]:
    """A dependency: the job launcher of a caller who has ``role`` (403 otherwise, before the
    request's body is looked at)."""

    def launcher(
        caller: Caller,
        jobs: JobsDep,
        dispatcher: DispatcherDep,
        factory: ModelFactoryDep,
        settings: SettingsDep,
        request: Request,
        response: Response,
        idempotency_key: IdempotencyKey = None,
    ) -> JobLauncher:
        caller.require(role)
        return JobLauncher(
            caller, jobs, dispatcher, factory, settings, request, response, idempotency_key
        )

    return launcher


JobLauncherDep = Annotated[JobLauncher, Depends(launcher_for("editor"))]
ViewerJobLauncherDep = Annotated[JobLauncher, Depends(launcher_for("viewer"))]

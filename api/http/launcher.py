"""Starting a job, the same for every job route: the caller's role is checked before anything
else, a model must be configured when the task needs one, the job is persisted, its work runs
in the runner with the configured model opened and closed around it, and the answer is 202
with the job and its Location.

A route validates its body, prepares its domain call and hands the work to ``launch``; a route
that must do something with the job before it runs (store uploaded files under its id) uses
``create`` and ``start``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request, Response

from api.http.deps import Caller, JobsDep, ModelFactoryDep, RunnerDep, SettingsDep
from api.http.jobs_common import ModelFactory, accepted, model_for_job
from api.http.runner import JobRunner
from api.http.schemas import JobOut
from generator.llm.errors import LLMConfigError
from generator.llm.interface import ChatModel
from knowledge.platform.jobs import Job, JobStore
from knowledge.platform.keys import Principal, Role
from knowledge.platform.settings import Settings

NEEDS_MODEL = (
    "this needs a language model: the server has none configured (set CJM_LLM_BASE_URL, "
    "CJM_LLM_MODEL and the key variable, then restart cjm serve)"
)
# none: the work gets no model; optional: the configured one, if any; required: refused
# unless one is configured
ModelUse = Literal["none", "optional", "required"]


@dataclass(frozen=True)
class JobContext:
    """What a job's work gets: its progress reporter and the model opened for it."""

    progress: Callable[[str], None]
    model: ChatModel | None = None

    @property
    def chat(self) -> ChatModel:
        """The model of a job launched with ``model="required"``."""
        if self.model is None:  # the launcher refused the job without one
            raise LLMConfigError(NEEDS_MODEL)
        return self.model


JobWork = Callable[[JobContext], dict[str, Any]]


class JobLauncher:
    """Starts jobs in the caller's workspace, as the caller; its role was checked already."""

    def __init__(
        self,
        caller: Principal,
        jobs: JobStore,
        runner: JobRunner,
        factory: ModelFactory,
        settings: Settings,
        request: Request,
        response: Response,
    ) -> None:
        self.caller = caller
        self.jobs = jobs
        self.runner = runner
        self.factory = factory
        self.settings = settings
        self.request = request
        self.response = response
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
        self, kind: str, params: dict[str, Any], work: JobWork, *, model: ModelUse = "none"
    ) -> JobOut:
        """Persist a job of ``kind`` with its ``params``, run ``work`` in the runner, and
        answer 202 with the job and its Location."""
        if model == "required":
            self.require_model()
        return self.start(self.create(kind, params), work, model=model)

    def create(self, kind: str, params: dict[str, Any]) -> Job:
        """The persisted job, queued; ``start`` runs it."""
        return self.jobs.create(self.caller.workspace, kind, self.caller.name, params)

    def start(self, job: Job, work: JobWork, *, model: ModelUse = "none") -> JobOut:
        factory, settings = self.factory, self.settings

        def run(progress: Callable[[str], None]) -> dict[str, Any]:
            if model == "none":
                return work(JobContext(progress))
            with model_for_job(factory, settings) as opened:
                return work(JobContext(progress, opened))

        self.runner.submit(job, run)
        return accepted(self.request, self.response, job)


def launcher_for(role: Role) -> Callable[..., JobLauncher]:
    """A dependency: the job launcher of a caller who has ``role`` (403 otherwise, before the
    request's body is looked at)."""

    def launcher(
        caller: Caller,
        jobs: JobsDep,
        runner: RunnerDep,
        factory: ModelFactoryDep,
        settings: SettingsDep,
        request: Request,
        response: Response,
    ) -> JobLauncher:
        caller.require(role)
        return JobLauncher(caller, jobs, runner, factory, settings, request, response)

    return launcher


JobLauncherDep = Annotated[JobLauncher, Depends(launcher_for("editor"))]
ViewerJobLauncherDep = Annotated[JobLauncher, Depends(launcher_for("viewer"))]

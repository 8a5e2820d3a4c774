"""The work of every job kind, rebuilt from the job's row: a job is a spec (its kind and the
request body its route validated), never a closure, so any process that reaches the store —
this API's runner or a ``cjm worker`` on another machine — runs it the same way.

Each task checks again at run time what its route checked at submit time (the map still at the
version the caller saw, the model configured): a queued job may start minutes later."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from api.http.jobs_common import ModelFactory, analysis_request
from api.http.schemas import EvidenceScopeIn
from api.http.specs import DraftIn, RegenerateIn, TranslateIn, regeneration_draft
from api.http.uploads import safe_name
from generator.analysis.analyze import analyze
from generator.analysis.documents import save_analysis
from generator.drafting.future_state import check_future_state_language, draft_future_state
from generator.drafting.pipeline import draft_map
from generator.drafting.request import DraftRequest
from generator.llm.errors import LLMConfigError
from generator.llm.interface import ChatModel
from generator.llm.job import LLMJob
from generator.qa.vectors import store_element_vectors
from generator.translation.service import translate_map
from knowledge.journey.model import JourneyMap
from knowledge.journey.review import actions as review
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError
from knowledge.platform.jobs import Job, JobStore
from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.library import Library
from knowledge.translation.glossary.store import GlossaryStore

NEEDS_MODEL = (
    "this needs a language model: the server has none configured (set CJM_LLM_BASE_URL, "
    "CJM_LLM_MODEL and the key variable, then restart cjm serve and cjm worker)"
)


@dataclass(frozen=True)
class JobEnv:
    """What a process that runs jobs has: its library, settings and model factory."""

    library: Library
    settings: Settings
    model_factory: ModelFactory


@dataclass(frozen=True)
class JobContext:
    """What a job's work gets: its progress reporter and the model opened for it."""

    progress: Callable[[str], None]
    model: ChatModel | None = None

    @property
    def chat(self) -> ChatModel:
        if self.model is None:
            raise LLMConfigError(NEEDS_MODEL)
        return self.model


@dataclass(frozen=True)
class Plan:
    """A job's work, and whether it needs the configured model (none, optional, required)."""

    work: Callable[[JobContext], dict[str, Any]]
    model: str = "none"


def _maps(env: JobEnv, run: JobContext) -> MapRepository:
    return MapRepository(env.library.db, stored=store_element_vectors(env.library, run.progress))


def _drafted(env: JobEnv, draft: DraftRequest, run: JobContext) -> JourneyMap:
    return draft_map(
        env.library,
        draft.analysis_options(),
        draft.lang,
        draft.spec,
        run.model,
        env.settings,
        draft.stage_method,
        run.progress,
    )


def draft(job: Job, env: JobEnv) -> Plan:
    body = DraftIn.model_validate(job.request)
    caller = job.caller
    request = body.draft_request()
    if request.map_type == "future_state":
        if request.from_map is None:
            raise UserInputError("a future_state draft needs from_map: a current-state map id")
        repo = MapRepository(env.library.db)
        current = review.standing_version(repo, caller.workspace, request.from_map)
        check_future_state_language(current, request.lang)

        def future(run: JobContext) -> dict[str, Any]:
            llm = LLMJob.from_settings(run.chat, env.settings, request.lang, run.progress)
            journey = draft_future_state(llm, current, request.goal)
            return _stored(env, run, caller, journey)

        return Plan(future, "required")
    request = replace(request, analysis=analysis_request(caller.workspace, body))

    def work(run: JobContext) -> dict[str, Any]:
        return _stored(env, run, caller, _drafted(env, request, run))

    return Plan(work, "required" if request.needs_model else "optional")


def _stored(env: JobEnv, run: JobContext, caller: Any, journey: JourneyMap) -> dict[str, Any]:
    info = review.store_draft(_maps(env, run), caller, journey)
    return {"map_id": info.id, "version": info.head, "evidence_only": journey.evidence_only}


def regenerate(job: Job, env: JobEnv) -> Plan:
    map_id, base = str(job.request["map_id"]), int(job.request["based_on"])
    body = RegenerateIn.model_validate(job.request.get("body", {}))
    caller = job.caller
    request = regeneration_draft(MapRepository(env.library.db), caller, map_id, base, body)

    def work(run: JobContext) -> dict[str, Any]:
        journey = _drafted(env, request, run)
        new, orphaned = review.regenerate(_maps(env, run), caller, map_id, base, journey)
        return {"map_id": map_id, "version": new.head, "orphaned": orphaned}

    return Plan(work, "required" if request.needs_model else "optional")


def translate(job: Job, env: JobEnv) -> Plan:
    map_id = str(job.request["map_id"])
    body = TranslateIn.model_validate({k: v for k, v in job.request.items() if k != "map_id"})
    caller = job.caller
    glossary = (
        GlossaryStore(env.library.db).get(caller.workspace, body.glossary)
        if body.glossary
        else None
    )

    def work(run: JobContext) -> dict[str, Any]:
        llm = LLMJob.from_settings(run.chat, env.settings, body.to, run.progress)
        done = translate_map(
            _maps(env, run),
            caller.workspace,
            map_id,
            llm,
            caller.name,
            glossary,
            body.version,
            run.progress,
        )
        return done.summary()

    return Plan(work, "required")


def analysis(job: Job, env: JobEnv) -> Plan:
    body = EvidenceScopeIn.model_validate(job.request)
    options = analysis_request(job.workspace, body).options()

    def work(run: JobContext) -> dict[str, Any]:
        run.progress("analysing evidence")
        found, _ = analyze(env.library, options)
        document = json.dumps(found.as_dict(), ensure_ascii=False)
        save_analysis(env.library.db, job.workspace, job.id, document)
        coverage = found.coverage()
        return {
            "analysis_id": job.id,
            "evidence": coverage["total_evidence"],
            "unplaced": coverage["unplaced"],
            "themes": len(found.themes),
            "seconds": round(found.seconds, 3),
        }

    return Plan(work)


def ingest(job: Job, env: JobEnv) -> Plan:
    options = IngestOptions(
        kind=job.request["kind"],
        workspace=job.workspace,
        product=job.request.get("product"),
        segment=job.request.get("segment"),
    )

    def work(run: JobContext) -> dict[str, Any]:
        files = JobStore(env.library.db).attachments(job.id)
        run.progress(f"ingesting {len(files)} file(s)")
        with tempfile.TemporaryDirectory(prefix="cjm-upload-") as folder:
            paths: dict[str, str] = {}
            for n, (name, content) in enumerate(files):
                place = Path(folder) / f"{n:03d}"
                place.mkdir()
                path = place / safe_name(name)
                path.write_bytes(content)
                paths[str(path)] = name
            report = Ingestor(env.library).run([Path(p) for p in paths], options)
            return dict(public_summary(report.summary(), paths, folder))

    return Plan(work)


def public_summary(summary: dict[str, Any], names: dict[str, str], folder: str) -> Any:
    """The ingest summary with every server path replaced by the file's uploaded name."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, str):
            if value in names:
                return names[value]
            for path, name in names.items():
                value = value.replace(path, name)
            return value.replace(folder, "…")
        return value

    return clean(summary)


TASKS: dict[str, Callable[[Job, JobEnv], Plan]] = {
    "draft": draft,
    "regenerate": regenerate,
    "translate": translate,
    "analysis": analysis,
    "ingest": ingest,
}

"""What the job routes share: the job resource with its links, analysis options from a
request body, and the configured model's lifetime inside a job."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace

from fastapi import Request, Response

from api.cli.analysis import analysis_options
from api.http.schemas import EvidenceScopeIn, JobOut
from generator.analysis.analyze import AnalysisOptions
from generator.llm.interface import ChatModel
from knowledge.journey.codebook import parse_codebook
from knowledge.journey.frameworks import BUILTIN, codebook_for, parse_framework
from knowledge.platform.errors import UserInputError
from knowledge.platform.jobs import Job
from knowledge.platform.settings import Settings

ModelFactory = Callable[[Settings], ChatModel | None]
# a job result's id field -> (link name, route name)
RESULT_LINKS = {"map_id": ("map", "get_map"), "analysis_id": ("analysis", "get_analysis")}


def job_out(request: Request, job: Job) -> JobOut:
    links = {"self": str(request.url_for("get_job", workspace=job.workspace, job_id=job.id))}
    for field, (link, route) in RESULT_LINKS.items():
        if job.result and field in job.result:
            params = {"workspace": job.workspace, field: job.result[field]}
            links[link] = str(request.url_for(route, **params))
    return JobOut(**asdict(job), links=links)


def accepted(request: Request, response: Response, job: Job) -> JobOut:
    out = job_out(request, job)
    response.headers["Location"] = out.links["self"]
    return out


def options_from(workspace: str, body: EvidenceScopeIn) -> AnalysisOptions:
    if body.framework_yaml is None and body.framework not in BUILTIN:
        raise UserInputError(
            f"framework must be one of {', '.join(BUILTIN)}, or send framework_yaml"
        )
    options = analysis_options(
        workspace,
        body.framework if body.framework_yaml is None else "six_stage",
        list(body.kinds) or None,
        list(body.evidence_langs) or None,
        body.product,
        body.segment,
        body.label_map or None,
        [
            *([f"{body.rating_scale:g}"] if body.rating_scale is not None else []),
            *body.rating_scales,
        ],
    )
    if body.framework_yaml is not None:
        framework = parse_framework(body.framework_yaml, "framework_yaml")
        options = replace(options, framework=framework)
    codebook = (
        parse_codebook(body.codebook_yaml, "codebook_yaml")
        if body.codebook_yaml is not None
        else codebook_for(options.framework, body.codebook)
    )
    if codebook is not None and body.codebook_yaml is not None:
        problems = codebook.check_stages(options.framework.id, options.framework.stage_ids)
        if problems:
            raise UserInputError("codebook_yaml: " + "; ".join(problems))
    return replace(options, codebook=codebook)


@contextmanager
def model_for_job(factory: ModelFactory, settings: Settings) -> Iterator[ChatModel | None]:
    model = factory(settings)
    try:
        yield model
    finally:
        if model is not None:
            model.close()

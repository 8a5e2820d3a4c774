"""What the job routes share: the job resource with its links, the ``AnalysisRequest`` of a
request body, and the configured model's lifetime inside a job."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

from fastapi import Request, Response

from api.http.schemas import EvidenceScopeIn, JobOut
from generator.analysis.request import AnalysisRequest
from generator.analysis.sentiment_map import LabelPair, RatingScale
from generator.llm.interface import ChatModel
from knowledge.journey.codebook import Codebook, parse_codebook
from knowledge.journey.frameworks import BUILTIN, StageFramework, parse_framework
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
    return JobOut(**asdict(job), links=links)  # the caller's key and role are not shown


def accepted(request: Request, response: Response, job: Job) -> JobOut:
    out = job_out(request, job)
    response.headers["Location"] = out.links["self"]
    return out


def analysis_request(workspace: str, body: EvidenceScopeIn) -> AnalysisRequest:
    """The analysis a request body asks for: a built-in framework by name (never a server
    file) or one sent as YAML, a built-in codebook or one sent as YAML, its scales typed."""
    if body.framework_yaml is None and body.framework not in BUILTIN:
        raise UserInputError(
            f"framework must be one of {', '.join(BUILTIN)}, or send framework_yaml"
        )
    labels = tuple(pair for item in body.label_map for pair in LabelPair.parse(item))
    scales = tuple(RatingScale.parse(text) for text in body.rating_scales)
    framework: str | StageFramework = (
        body.framework
        if body.framework_yaml is None
        else parse_framework(body.framework_yaml, "framework_yaml")
    )
    codebook: str | Codebook | None = (
        parse_codebook(body.codebook_yaml, "codebook_yaml")
        if body.codebook_yaml is not None
        else body.codebook
    )
    return AnalysisRequest(
        workspace=workspace,
        framework=framework,
        codebook=codebook,
        kinds=tuple(body.kinds),
        langs=tuple(body.evidence_langs),
        product=body.product,
        segment=body.segment,
        labels=labels,
        rating_scale=body.rating_scale,
        rating_scales=scales,
    )


@contextmanager
def model_for_job(factory: ModelFactory, settings: Settings) -> Iterator[ChatModel | None]:
    model = factory(settings)
    try:
        yield model
    finally:
        if model is not None:
            model.close()

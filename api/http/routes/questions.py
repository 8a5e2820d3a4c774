"""Questions about maps, answered with citations (synchronous: one retrieval and at most a
few model calls)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from api.http.deps import Caller, LibraryDep, MapsDep, ModelFactoryDep, SettingsDep
from api.http.jobs_common import model_for_job
from api.http.problems import MODEL, WRITE
from api.http.schemas import Body, Lang
from generator.qa.answer import Asker
from generator.qa.scope import scope_maps

router = APIRouter(prefix="/v1/workspaces/{workspace}", tags=["questions"], responses=WRITE)


class QuestionIn(Body):
    question: str = Field(
        min_length=1,
        max_length=2000,
        examples=[
            "ลูกค้าไทยเจอปัญหาอะไรมากที่สุดในขั้นตอนการจัดส่ง",
            "نقشهٔ فارسی در مرحلهٔ پرداخت با نقشهٔ چینی چه تفاوتی دارد؟",
            "Какие рекомендации команда платежей ещё не начала?",
            "泰国客户在配送阶段最大的痛点是什么？",
        ],
    )
    maps: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Maps to ask about (their head versions); empty: every approved map.",
    )
    lang: Lang | None = Field(default=None, description="Answer language; default: detected.")


class CitedEvidence(Body):
    evidence_id: str
    quote: str
    lang: str


class Citation(Body):
    element: str = Field(description="MAP_ID:path of the cited element.")
    map: str
    version: int
    kind: str
    title: str = Field(description="The element's title in the cited version's language.")
    stage: str | None = Field(description="Its stage's name (none for personas).")
    lang: str = Field(description="Language of the cited version.")
    evidence: list[CitedEvidence]


class AnswerOut(Body):
    question: str
    lang: str
    answerable: bool
    answer: str
    citations: list[Citation]
    facts: dict[str, Any] | None = Field(description="Numbers computed from the maps' data.")
    intent: str
    scope: list[dict[str, Any]]
    generator: str = Field(
        description="llm, or data when no model is configured or the model's answer failed."
    )
    seconds: float
    note: str | None = Field(
        default=None, description="Why the model's answer was not used, when it was not."
    )


@router.post("/questions", response_model=AnswerOut, responses=MODEL)
def ask(
    caller: Caller,
    body: QuestionIn,
    repo: MapsDep,
    library: LibraryDep,
    factory: ModelFactoryDep,
    settings: SettingsDep,
) -> AnswerOut:
    """Answer from the maps and their evidence, in the asker's language, citing map elements
    and evidence ids; when the maps do not answer it, the answer says so. When the model's
    answers keep failing their checks, the answer is composed from the maps' data, with a note
    saying why; when the model fails (junk, unreachable, rate limited, timed out, none
    configured) the answer is a 502, 503 or 504 problem saying so."""
    maps = scope_maps(repo, caller.workspace, body.maps or None)
    with model_for_job(factory, settings) as model:
        answer = Asker(library, model, settings, fallback=True).ask(body.question, maps, body.lang)
    return AnswerOut(**answer.as_dict())

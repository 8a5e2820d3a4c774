"""Questions about maps: ``QUESTIONS`` (one question in each of the five languages) and
``approved`` (a drafted map, stored and approved)."""

from __future__ import annotations

from knowledge.journey.review.repository import MapRepository
from tests.helpers.maps import drafted

QUESTIONS = {
    "en": "What hurts most at delivery for Thai customers?",
    "fa": "بیشترین مشکل مشتریان تایلندی در مرحلهٔ تحویل چیست؟",
    "ru": "Что больше всего беспокоит тайских клиентов на этапе доставки?",
    "th": "ลูกค้าไทยเจอปัญหาอะไรมากที่สุดในขั้นตอนการจัดส่ง",
    "zh": "泰国客户在配送阶段最大的痛点是什么？",
}


def approved(
    repo: MapRepository,
    lang: str,
    workspace: str = "cx",
    map_id: str | None = None,
    analysis: str | None = None,
) -> str:
    """A drafted map, approved. Maps drafted from one analysis are one map to answers: a map
    of other research (another team's) is given its own ``analysis``."""
    journey = drafted(lang)
    if map_id is not None:  # fixed ids: replayed answers cite them
        journey = journey.model_copy(update={"id": map_id})
    if analysis is not None:
        journey.provenance.analysis = analysis
    info = repo.create(workspace, journey, "a")
    repo.transition(workspace, info.id, "submit", 1, "a")
    repo.transition(workspace, info.id, "approve", 1, "b")
    return info.id

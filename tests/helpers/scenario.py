"""A small, fixed piece of analysed research for drafting tests: two stages of a food-delivery
journey, three themes, customer evidence in all five languages (RTL Persian with ZWNJ,
unsegmented Thai and Chinese). Built by hand so drafting tests do not depend on clustering."""

from __future__ import annotations

from typing import Any

import numpy as np

from generator.analysis.evidence import Evidence, EvidenceSet
from generator.analysis.result import Analysis, Placement, StageSummary, Theme
from knowledge.journey.frameworks import StageDefinition, StageFramework
from knowledge.journey.model import Scope
from knowledge.store import ChunkRow, Database, DocumentRow, SourceRow

TEXTS = {
    "ev_fa_late": ("fa", "سفارش با یک ساعت تاخیر رسید و غذا کاملاً سرد بود. دیگه سفارش نمی‌دم"),
    "ev_ru_late": ("ru", "Курьер опоздал на час, суп приехал холодным."),
    "ev_zh_late": ("zh", "送的太慢了，等了一个多小时，饭都凉了"),
    "ev_th_late": ("th", "รอนานมากกว่าชั่วโมงอาหารเย็นหมดแล้ว"),
    "ev_en_late": ("en", "Waited 70 minutes and the food arrived cold."),
    "ev_en_refund": ("en", "Support took three days to refund a missing item."),
    "ev_ru_refund": ("ru", "Поддержка три дня не возвращала деньги за недостающее блюдо."),
    "ev_fa_tasty": ("fa", "غذا خیلی خوشمزه و تازه بود، ممنون از رستوران"),
    "ev_zh_tasty": ("zh", "味道很好，包装也很用心"),
}
THEMES = {
    "delivery-1": (
        "delivery",
        ["ev_fa_late", "ev_ru_late", "ev_zh_late", "ev_th_late", "ev_en_late"],
        "negative",
        2.6,
    ),
    "support-1": ("support", ["ev_en_refund", "ev_ru_refund"], "negative", 2.0),
    "delivery-2": ("delivery", ["ev_fa_tasty", "ev_zh_tasty"], "positive", None),
}


def framework() -> StageFramework:
    return StageFramework(
        id="food_delivery_test",
        name={"en": "Food delivery (test)"},
        stages=[
            StageDefinition(
                id="delivery",
                names={
                    "en": "Delivery",
                    "fa": "تحویل",
                    "ru": "Доставка",
                    "th": "การจัดส่ง",
                    "zh": "配送",
                },
                descriptions={"en": "The courier brings the order; waiting, temperature."},
            ),
            StageDefinition(
                id="support",
                names={
                    "en": "Support",
                    "fa": "پشتیبانی",
                    "ru": "Поддержка",
                    "th": "บริการหลังการขาย",
                    "zh": "客服",
                },
                descriptions={"en": "Complaints, refunds and help after the order."},
            ),
        ],
    )


def evidence() -> EvidenceSet:
    items = [
        Evidence(
            id=i,
            document_id=f"doc_{i}",
            source_id=f"src_{lang}",
            text=text,
            lang=lang,
            kind="review",
            location={"file": f"reviews_{lang}.csv", "row": n + 2},
            tokens=[],
            rating=None,
            label=None,
            date=None,
        )
        for n, (i, (lang, text)) in enumerate(TEXTS.items())
    ]
    return EvidenceSet(items=items, vectors=np.zeros((len(items), 4), dtype=np.float32))


def analysis() -> Analysis:
    items = {e.id: e for e in evidence().items}
    themes = []
    theme_of = {}
    for theme_id, (stage, members, polarity, severity) in THEMES.items():
        langs: dict[str, int] = {}
        for m in members:
            langs[items[m].lang] = langs.get(items[m].lang, 0) + 1
            theme_of[m] = (theme_id, stage, polarity, severity)
        themes.append(
            Theme(
                id=theme_id,
                stage=stage,
                title=theme_id,
                keyphrases={},
                members=members,
                language_counts=langs,
                polarity_counts={polarity: len(members)},
                severity=severity,
                priority=len(members) * severity if severity else 0.0,
                representatives=members,
                frequency_by_language=langs,
            )
        )
    placements = [
        Placement(
            evidence_id=i,
            location=items[i].location,
            lang=items[i].lang,
            kind="review",
            stage=stage,
            confidence=0.9,
            theme=theme_id,
            polarity=polarity,
            polarity_source="label",
            severity=round(severity) if severity else None,
        )
        for i, (theme_id, stage, polarity, severity) in theme_of.items()
    ]
    stages = [
        StageSummary(
            stage=s,
            evidence=sum(1 for p in placements if p.stage == s),
            languages={},
            sources=2,
            themes=[t.id for t in themes if t.stage == s],
            competitor_evidence=[],
        )
        for s in ("delivery", "support")
    ]
    return Analysis(
        workspace="test",
        framework="food_delivery_test",
        stages=stages,
        themes=themes,
        placements=placements,
        parameters=["fixture=scenario"],
    )


def scope() -> Scope:
    return Scope(workspace="test", product=None, segment=None, goal=None, languages=[], kinds=[])


def store(db: Database, workspace: str) -> None:
    """Store the scenario's evidence in ``workspace`` (as ingesting it would), so that maps
    drafted from it can be stored there: every quote of a stored map is checked against it."""
    with db.session() as s:
        for lang in sorted({lang for lang, _ in TEXTS.values()}):
            s.add(
                SourceRow(
                    id=f"src_{lang}",
                    workspace=workspace,
                    path=f"reviews_{lang}.csv",
                    name=f"reviews_{lang}.csv",
                    sha256=lang * 32,
                    size=1,
                    format="csv",
                    kind="review",
                    product=None,
                    segment=None,
                    pii_redacted=True,
                    status="stored",
                    n_documents=0,
                    n_chunks=0,
                )
            )
        s.flush()
        for e in evidence().items:
            s.add(
                DocumentRow(
                    id=e.document_id,
                    source_id=e.source_id,
                    workspace=workspace,
                    ordinal=0,
                    record_id=None,
                    location=e.location,
                    meta={},
                )
            )
            s.flush()
            s.add(
                ChunkRow(
                    id=e.id,
                    document_id=e.document_id,
                    source_id=e.source_id,
                    workspace=workspace,
                    ordinal=0,
                    kind=e.kind,
                    role="customer",
                    lang=e.lang,
                    product=None,
                    segment=None,
                    date=None,
                    rating=None,
                    label=None,
                    text=e.text,
                    search_text=e.text,
                    tokens="",
                    text_hash=e.id,
                    location=e.location,
                    meta={},
                    char_start=0,
                    char_end=len(e.text),
                )
            )


def unquoted(content: dict[str, Any]) -> dict[str, Any]:
    """``content`` (a map as JSON) without its quotes: for a workspace that does not hold the
    scenario's evidence (a chunk lives in one workspace)."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: [] if k == "evidence" else strip(v) for k, v in node.items()}
        if isinstance(node, list):
            return [strip(item) for item in node]
        return node

    out: dict[str, Any] = strip(content)
    return out

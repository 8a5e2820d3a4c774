"""Coverage warnings: made as data by the analysis (``CoverageNotice``), worded here in each
language the product serves, with the stage's name in that language. The English wording is
what the JSON API and the CLI carry in ``warnings``; a stored map from before notices existed
has plain-text warnings only, and they are shown as written."""

from __future__ import annotations

from collections.abc import Callable

from knowledge.journey.model import Coverage, CoverageNotice
from knowledge.text.localise import counted, language_name, number, share

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "no_customer_evidence": "Stage “{stage}” has no customer evidence.",
        "single_source": "Stage “{stage}” rests on a single source ({source}).",
        "single_language": "Stage “{stage}” rests on a single language ({language}).",
    },
    "fa": {
        "no_customer_evidence": "مرحلهٔ «{stage}» هیچ شاهدی از مشتریان ندارد.",
        "single_source": "مرحلهٔ «{stage}» فقط بر یک منبع ({source}) تکیه دارد.",
        "single_language": "مرحلهٔ «{stage}» فقط بر شواهدی به یک زبان ({language}) تکیه دارد.",
    },
    "ru": {
        "no_customer_evidence": "У этапа «{stage}» нет свидетельств клиентов.",
        "single_source": "Этап «{stage}» опирается на один источник ({source}).",
        "single_language": "Этап «{stage}» опирается на один язык ({language}).",
    },
    "th": {
        "no_customer_evidence": "ขั้นตอน “{stage}” ไม่มีหลักฐานจากลูกค้า",
        "single_source": "ขั้นตอน “{stage}” อาศัยแหล่งข้อมูลเดียว ({source})",
        "single_language": "ขั้นตอน “{stage}” อาศัยหลักฐานภาษาเดียว ({language})",
    },
    "zh": {
        "no_customer_evidence": "阶段“{stage}”没有客户证据。",
        "single_source": "阶段“{stage}”仅依据单一来源（{source}）。",
        "single_language": "阶段“{stage}”仅依据单一语言（{language}）。",
    },
}
# counted by the language's whole evidence ({n}); Russian "из" takes the genitive
DOMINANT: dict[str, dict[str, str]] = {
    "en": {
        "one": "Stage “{stage}” holds {count} of {n} {language} evidence item ({share}); check "
        "that the framework's stages fit this research.",
        "other": "Stage “{stage}” holds {count} of {n} {language} evidence items ({share}); "
        "check that the framework's stages fit this research.",
    },
    "fa": {
        "other": "{count} از {n} شاهد به زبان {language} ({share}) در مرحلهٔ «{stage}» است؛ "
        "بررسی کنید که مراحل چارچوب با این پژوهش جور باشد.",
    },
    "ru": {
        "one": "На этап «{stage}» приходится {count} из {n} свидетельства на языке «{language}» "
        "({share}); проверьте, подходят ли этапы фреймворка к этому исследованию.",
        "other": "На этап «{stage}» приходится {count} из {n} свидетельств на языке "
        "«{language}» ({share}); проверьте, подходят ли этапы фреймворка к этому исследованию.",
    },
    "th": {
        "other": "ขั้นตอน “{stage}” มีหลักฐานภาษา{language} {count} จาก {n} รายการ ({share}) "
        "ควรตรวจว่าขั้นตอนของเฟรมเวิร์กเหมาะกับงานวิจัยนี้",
    },
    "zh": {
        "other": "阶段“{stage}”占{language}证据 {n} 条中的 {count} 条（{share}）；"
        "请检查框架的阶段是否适合本次研究。",
    },
}


def describe(notice: CoverageNotice, lang: str, stage_name: str | None = None) -> str:
    """``notice`` as a sentence in ``lang``, naming the stage by ``stage_name`` (its id when
    none is given)."""
    lang = lang if lang in TEXTS else "en"
    stage = stage_name or notice.stage_id
    language = language_name(notice.lang, lang) if notice.lang else ""
    if notice.code == "dominant_stage":
        count, total = notice.count or 0, notice.total or 0
        return counted(
            total,
            DOMINANT,
            lang,
            stage=stage,
            count=number(count, lang),
            language=language,
            share=share(count / total if total else 0.0, lang),
        )
    return TEXTS[lang][notice.code].format(
        stage=stage, source=notice.source or "", language=language
    )


def coverage_warnings(coverage: Coverage, lang: str, stage_name: Callable[[str], str]) -> list[str]:
    """The coverage warnings of a map in ``lang``: its notices worded with ``stage_name(id)``,
    or, for a map stored before notices existed, its plain-text warnings."""
    if coverage.notices:
        return [describe(n, lang, stage_name(n.stage_id)) for n in coverage.notices]
    return list(coverage.warnings)

"""What an export or the review page shows beside the map itself: its review status, version,
and a warning when it is a translation whose source has moved on."""

from __future__ import annotations

from api.web.exports import ExportInfo
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.repository import MapRepository

STALE = {
    "en": "This translation is stale: its source map {source} is at version {head}; it was "
    "translated from version {version}.",
    "fa": "این ترجمه قدیمی است: نقشهٔ مبدأ {source} اکنون در نسخهٔ {head} است و ترجمه از نسخهٔ "
    "{version} انجام شده است.",
    "ru": "Перевод устарел: исходная карта {source} уже в версии {head}, а перевод сделан с "
    "версии {version}.",
    "th": "คำแปลนี้ล้าสมัย: แผนที่ต้นฉบับ {source} อยู่ที่เวอร์ชัน {head} แต่แปลจากเวอร์ชัน {version}",
    "zh": "此译文已过期：源地图 {source} 已更新到第 {head} 版，译文基于第 {version} 版。",
}


def map_for_export(
    repo: MapRepository, workspace: str, map_id: str, version: int | None = None
) -> tuple[JourneyMap, ExportInfo]:
    info = repo.get(workspace, map_id)
    v = repo.version(workspace, map_id, version)
    warnings = []
    link = repo.link(workspace, map_id)
    if link is not None and link.stale:
        lang = v.journey.language
        warnings.append(
            STALE[lang].format(
                source=link.source_map_id, head=link.source_head, version=link.source_version
            )
        )
    status = (
        info.status
        if v.number == info.head
        else ("approved" if v.number == info.approved_version else "superseded")
    )
    return v.journey, ExportInfo(status=status, version=v.number, warnings=warnings)

"""Which maps a question is about: the maps named (their head versions), else every approved
map of the workspace (its approved version)."""

from __future__ import annotations

from generator.qa.elements import ScopedMap
from knowledge.journey.review.repository import MapRepository

PAGE = 200


def scope_maps(repo: MapRepository, workspace: str, map_ids: list[str] | None) -> list[ScopedMap]:
    if map_ids:
        out = []
        for map_id in dict.fromkeys(map_ids):
            info = repo.get(workspace, map_id)
            version = repo.version(workspace, map_id)
            out.append(ScopedMap(info.id, version.number, info.status, version.journey))
        return out
    approved: list[ScopedMap] = []
    offset = 0
    while True:
        infos, total = repo.list_maps(workspace, offset, PAGE)
        for info in infos:
            if info.approved_version is not None:
                v = repo.version(workspace, info.id, info.approved_version)
                approved.append(ScopedMap(info.id, v.number, "approved", v.journey))
        offset += PAGE
        if offset >= total:
            return approved

"""Which framework and codebook a label is checked against: the one named, else that of the
workspace's most recently changed map, else the default ``six_stage``."""

from __future__ import annotations

from knowledge.corrections.store import Target
from knowledge.journey.frameworks import BUILTIN, codebook_for, load_framework
from knowledge.maps.repository import MapRepository
from knowledge.store import Database

DEFAULT_FRAMEWORK = "six_stage"


def workspace_framework(db: Database, workspace: str) -> str:
    maps, _ = MapRepository(db).list_maps(workspace, limit=20)
    for info in maps:
        framework = MapRepository(db).version(workspace, info.id).journey.framework.id
        if framework in BUILTIN:
            return framework
    return DEFAULT_FRAMEWORK


def label_target(
    db: Database, workspace: str, framework: str | None = None, codebook: str | None = None
) -> Target:
    loaded = load_framework(framework or workspace_framework(db, workspace))
    return Target(loaded, codebook_for(loaded, codebook))

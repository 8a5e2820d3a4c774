"""Which framework and codebook a label is checked against: the one named, else the map's
(a label given on a map's review page), else that of the workspace's most recently changed map,
else the default ``six_stage``."""

from __future__ import annotations

from knowledge.journey.codebook import load_codebook
from knowledge.journey.frameworks import BUILTIN, codebook_for, load_framework
from knowledge.journey.review.repository import MapRepository
from knowledge.research.corrections.store import Target, name_key
from knowledge.store import Database

DEFAULT_FRAMEWORK = "six_stage"


def workspace_framework(db: Database, workspace: str) -> str:
    repo = MapRepository(db)
    maps, _ = repo.list_maps(workspace, limit=20)
    for info in maps:
        framework = repo.version(workspace, info.id).journey.framework.id
        if framework in BUILTIN:
            return framework
    return DEFAULT_FRAMEWORK


def label_target(
    db: Database,
    workspace: str,
    framework: str | None = None,
    codebook: str | None = None,
    map_id: str | None = None,
) -> Target:
    """``framework``: a built-in id or a YAML path; ``map_id``: a stored map whose stages the
    labels use (a custom framework's stages come from the map, its codes from ``codebook``,
    default cx_general)."""
    if framework is None and map_id is not None:
        journey = MapRepository(db).version(workspace, map_id).journey
        ref = journey.framework
        if ref.id not in BUILTIN:
            names = {name_key(s.name.text): s.id for s in journey.stages}
            return Target(
                ref.id, list(ref.stage_ids), load_codebook(codebook or "cx_general"), names
            )
        framework = ref.id
    loaded = load_framework(framework or workspace_framework(db, workspace))
    return Target.of(loaded, codebook_for(loaded, codebook))

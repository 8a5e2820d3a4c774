"""What the review page needs to label a quote's evidence: the map's stages and the codebook's
codes (names in the map's language, codes ordered by name), the labels the workspace's
evidence has now, and the strings of the label actions. People who may edit get the actions;
everyone sees the labels. The API checks the role again on every change."""

from __future__ import annotations

from typing import Any

from api.web.labels import CORRECTION_LABELS
from knowledge.journey.elements import iter_elements
from knowledge.journey.model import EvidenceRef, JourneyMap
from knowledge.platform.errors import CJMError
from knowledge.research.corrections.store import CorrectionStore
from knowledge.research.corrections.target import label_target
from knowledge.store import Database


def label_config(
    db: Database, workspace: str, map_id: str, journey: JourneyMap, may_label: bool
) -> dict[str, Any]:
    lang = journey.language
    names = {s.id: s.name.text for s in journey.stages}
    stage_ids = [s.id for s in journey.stages]
    codes: list[list[str]] = []
    try:
        target = label_target(db, workspace, map_id=map_id)
    except CJMError:
        target = None  # labels cannot be checked here; the API says why on a change
    if target is not None:
        stage_ids = [s for s in target.stage_ids if s in names] or list(target.stage_ids)
        if target.codebook is not None:
            codes = sorted(
                ([c.id, c.name(lang)] for c in target.codebook.codes),
                key=lambda pair: (pair[1].casefold(), pair[0]),
            )
    shown = {
        e.value.evidence_id for e in iter_elements(journey) if isinstance(e.value, EvidenceRef)
    }
    current = {
        c.evidence_id: {
            "stage": c.stage,
            "code": c.code,
            "not_evidence": c.not_evidence,
            "actor": c.actor,
        }
        for c in CorrectionStore(db).active(workspace).labels
        if c.evidence_id in shown
    }
    return {
        "may_label": may_label,
        "stages": [[s, names.get(s, s)] for s in stage_ids],
        "codes": codes,
        "current": current,
        "t": CORRECTION_LABELS.get(lang, CORRECTION_LABELS["en"]),
    }

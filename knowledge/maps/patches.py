"""Field-level edits. A patch sets one element; text set on a Text field becomes that field's
text with origin ``human``. The edited map must still be a valid JourneyMap."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.errors import UserInputError
from knowledge.journey.model import JourneyMap
from knowledge.maps.paths import PathError, assign, is_text, resolve

PROTECTED = ("id", "provenance", "coverage", "evidence_only", "framework")


class FieldPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        min_length=1,
        max_length=500,
        description="Element to set, e.g. stages/delivery/pain_points/pp-1/title.",
    )
    value: Any = Field(description="New value; a string for a text field.")


def _humanise(old: Any, value: Any) -> Any:
    if is_text(old) and isinstance(value, str):
        return {"text": value, "origin": "human"}
    if is_text(old) and isinstance(value, dict) and "text" in value:
        return {"text": value["text"], "origin": "human"}
    if isinstance(value, dict) and {"text"} <= set(value) and "origin" not in value:
        return {"text": value["text"], "origin": "human"}
    return value


def _counted(path: str) -> bool:
    """Numbers that come from the analysis may not be edited by hand."""
    last = path.rstrip("/").split("/")[-1]
    return last in ("frequency", "priority", "severity", "language_counts", "evidence_count")


def apply_patches(content: dict[str, Any], patches: list[FieldPatch]) -> dict[str, Any]:
    doc = copy.deepcopy(content)
    for patch in patches:
        first = patch.path.strip("/").split("/")[0]
        if first in PROTECTED or _counted(patch.path):
            raise PathError(f"{patch.path}: not editable (set by the system or the analysis)")
        old = (
            resolve(doc, patch.path)
            if not patch.path.rstrip("/").split("/")[-1].isdigit()
            else _maybe(doc, patch.path)
        )
        assign(doc, patch.path, _humanise(old, patch.value))
    try:
        JourneyMap.model_validate(doc)
    except ValidationError as exc:
        first_error = exc.errors()[0]
        where = "/".join(str(p) for p in first_error["loc"])
        raise UserInputError(
            f"the edit makes the map invalid at {where}: {first_error['msg']}"
        ) from exc
    return doc


def _maybe(doc: dict[str, Any], path: str) -> Any:
    try:
        return resolve(doc, path)
    except PathError:
        return {"text": "", "origin": "human"}  # appending a new text to a list

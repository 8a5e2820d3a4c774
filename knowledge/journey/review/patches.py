"""Edits of a stored map, as a list of operations applied together:

- ``set`` (the default): one element; text set on a Text field becomes that field's text with
  origin ``human``. Ids, counted numbers and system fields are not editable, and neither is a
  quote: the only field of a quote a person may write is its ``translation``. Nothing with an
  id is added or dropped, except that a reviewer may add a recommendation.
- ``remove``: take one quote out of an evidence list (``…/evidence/2``).
- ``attach``: add a quote to an evidence list (``…/evidence``), given as an evidence id and a
  verbatim part of that stored evidence; its language and kind come from the store.

The edited map must still be a valid JourneyMap (and, when stored, hold: see ``integrity``)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Annotated, Any, Literal, NoReturn

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    field_validator,
)

from knowledge.journey.elements import is_quote, is_text
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.integrity import (
    Broken,
    MapIntegrityError,
    quote_problems,
    stored_kind,
    stored_lang,
)
from knowledge.journey.review.paths import (
    PathError,
    assign,
    resolve,
    split,
    walk_quotes,
    walk_texts,
)
from knowledge.platform.errors import UserInputError
from knowledge.store import ChunkRow
from knowledge.text.hygiene import marker_spans

PROTECTED = ("id", "provenance", "coverage", "evidence_only", "framework", "translation_of")
NOT_TEXT = (
    "a quote is evidence, not text: only its translation is edited; remove it (op remove) or "
    "attach another quote (op attach)"
)
MAX_DEPTH = 16  # a map nests about eight levels deep
ADDABLE = "recommendations"  # a reviewer may add one; nothing else with an id is added
Lookup = Callable[[str], ChunkRow | None]
EvidencePath = Annotated[str, Field(min_length=1, max_length=500)]


class FieldPatch(BaseModel):
    """Set one element: a text (it becomes human), a value, or a quote's translation."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["set"] = Field(default="set", description="Set one element (the default).")
    path: str = Field(
        min_length=1,
        max_length=500,
        description="Element to set, e.g. stages/delivery/pain_points/pp-1/title.",
    )
    value: Any = Field(description="New value; a string for a text field.")

    @field_validator("value")
    @classmethod
    def _shallow(cls, value: Any) -> Any:
        """Nothing in a map nests deeper than a few levels; a deeper value is refused before
        anything walks it."""
        level: list[Any] = [value]
        for _ in range(MAX_DEPTH):
            level = [
                child
                for node in level
                if isinstance(node, dict | list)
                for child in (node.values() if isinstance(node, dict) else node)
            ]
            if not level:
                return value
        raise ValueError(f"nests deeper than {MAX_DEPTH} levels")


class RemoveQuote(BaseModel):
    """Take one quote out of an evidence list."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["remove"]
    path: EvidencePath = Field(
        description="The quote to remove, e.g. stages/delivery/pain_points/pp-1/evidence/0."
    )


class AttachQuote(BaseModel):
    """Add a quote: a verbatim part of a customer's evidence stored in the map's workspace; its
    language and kind come from the store."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["attach"]
    path: EvidencePath = Field(
        description="The evidence list to add to, e.g. stages/delivery/pain_points/pp-1/evidence."
    )
    evidence_id: str = Field(min_length=1, max_length=100, description="Stored evidence id.")
    quote: str = Field(
        min_length=1, max_length=4000, description="A verbatim part of that evidence's text."
    )
    translation: str | None = Field(
        default=None, max_length=4000, description="The quote in the map's language, if wanted."
    )


def _op(value: Any) -> str:
    op = value.get("op", "set") if isinstance(value, dict) else getattr(value, "op", "set")
    return op if isinstance(op, str) else "set"


MapPatch = Annotated[
    Annotated[FieldPatch, Tag("set")]
    | Annotated[RemoveQuote, Tag("remove")]
    | Annotated[AttachQuote, Tag("attach")],
    Discriminator(_op),
]


def _humanise(old: Any, value: Any) -> Any:
    if is_text(old) and isinstance(value, str):
        return {"text": value, "origin": "human"}
    if is_text(old) and isinstance(value, dict) and "text" in value:
        return {"text": value["text"], "origin": "human"}
    if isinstance(value, dict) and {"text"} <= set(value) and "origin" not in value:
        return {"text": value["text"], "origin": "human"}
    return value


COUNTED = frozenset({"frequency", "priority", "severity", "language_counts", "evidence_count"})


def _counted(path: str) -> bool:
    """Numbers that come from the analysis may not be edited by hand."""
    return path.rstrip("/").split("/")[-1] in COUNTED


def _counts(doc: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every counted number with its path, wherever it sits."""
    out: list[tuple[str, Any]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += [(f"{prefix}/{k}", v)] if k in COUNTED else _counts(v, f"{prefix}/{k}")
    elif isinstance(doc, list):
        for n, item in enumerate(doc):
            key = item["id"] if isinstance(item, dict) and "id" in item else str(n)
            out += _counts(item, f"{prefix}/{key}")
    return out


def _skeleton(doc: Any, prefix: str = "") -> list[str]:
    """Every id-bearing element's path: what a ``set`` may not add, drop or rename."""
    out: list[str] = []
    if isinstance(doc, dict):
        if "id" in doc:
            out.append(f"{prefix}#{doc['id']}")
        for k, v in doc.items():
            out += _skeleton(v, f"{prefix}/{k}")
    elif isinstance(doc, list):
        for n, item in enumerate(doc):
            out += _skeleton(item, f"{prefix}/{n}")
    return out


def _quotes(doc: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(p, {k: v for k, v in q.items() if k != "translation"}) for p, q in walk_quotes(doc)]


def _refuse(path: str, reason: str) -> NoReturn:
    raise MapIntegrityError([Broken(path, reason)])


def _set(doc: dict[str, Any], patch: FieldPatch) -> None:
    """Set one element. What a set may change is judged on the element it replaces (or adds to
    a list): the same ids, quotes and counts below it, and every text that changed is human."""
    parts = split(patch.path)
    if parts[-1] == "id":
        _refuse(patch.path, "ids are not editable")
    if "evidence" in parts and parts[-1] != "translation":
        _refuse(patch.path, NOT_TEXT)
    if len(parts) > 1 and parts[-1] in ("text", "origin"):
        parent = "/".join(parts[:-1])
        if is_text(resolve(doc, parent)):
            if parts[-1] == "origin":
                _refuse(patch.path, "an origin is not edited: a text a person writes is human")
            patch = FieldPatch(path=parent, value=patch.value)  # the text, as a whole
            parts = parts[:-1]
    appending = False
    try:
        old: Any = resolve(doc, patch.path)
    except PathError:
        if not parts[-1].isdigit():
            raise
        old, appending = None, True
    new = _humanise({"text": "", "origin": "human"} if appending else old, patch.value)
    new = copy.deepcopy(new)
    added = set(_skeleton(new)) - set(_skeleton(old))
    adding_recommendation = appending and parts[0] == ADDABLE and len(parts) == 2
    if set(_skeleton(old)) - set(_skeleton(new)) or (added and not adding_recommendation):
        _refuse(patch.path, "ids are not editable (edit the element's fields one by one)")
    if _quotes(new) != _quotes(old):
        _refuse(patch.path, NOT_TEXT)
    if _counts(new) != _counts(old):
        _refuse(patch.path, "counted numbers come from the analysis and are not editable")
    before = dict(walk_texts(old))
    for path, text in walk_texts(new):
        if before.get(path) != text:
            text["origin"] = "human"  # whatever a person wrote is theirs, not evidence
    assign(doc, patch.path, new)


def _remove(doc: dict[str, Any], patch: RemoveQuote) -> None:
    parts = split(patch.path)
    if len(parts) < 2 or parts[-2] != "evidence" or not is_quote(resolve(doc, patch.path)):
        raise PathError(f"{patch.path}: not a quote (…/evidence/<n>)")
    quotes = resolve(doc, "/".join(parts[:-1]))
    del quotes[int(parts[-1])]


def _attach(doc: dict[str, Any], patch: AttachQuote, lookup: Lookup) -> None:
    quotes = resolve(doc, patch.path)
    if split(patch.path)[-1] != "evidence" or not isinstance(quotes, list):
        raise PathError(f"{patch.path}: not an evidence list (…/evidence)")
    row = lookup(patch.evidence_id)
    if row is not None and stored_kind(row) is None:
        _refuse(patch.path, f"{row.id} is not evidence a map quotes")
    quote = patch.quote.strip()
    ref = {
        "evidence_id": patch.evidence_id,
        "quote": quote,
        "lang": stored_lang(row) if row is not None else "other",
        "kind": stored_kind(row) if row is not None else None,
        "translation": patch.translation,
    }
    broken = quote_problems(patch.path, ref, row)
    if marker_spans(quote):
        broken.append(Broken(patch.path, "the quote has a transcript marker: quote less"))
    if broken:
        raise MapIntegrityError(broken)
    if any(q["evidence_id"] == ref["evidence_id"] and q["quote"] == ref["quote"] for q in quotes):
        _refuse(patch.path, "that quote is already there")
    quotes.append(ref)


def apply_patches(
    content: dict[str, Any],
    patches: list[FieldPatch | RemoveQuote | AttachQuote],
    lookup: Lookup,
) -> dict[str, Any]:
    """The edited map; ``lookup`` finds stored evidence of the map's workspace by id."""
    doc = copy.deepcopy(content)
    for patch in patches:
        first = patch.path.strip("/").split("/")[0]
        if first in PROTECTED or _counted(patch.path):
            _refuse(patch.path, "not editable (set by the system or the analysis)")
        if isinstance(patch, RemoveQuote):
            _remove(doc, patch)
        elif isinstance(patch, AttachQuote):
            _attach(doc, patch, lookup)
        else:
            _set(doc, patch)
    try:
        JourneyMap.model_validate(doc)
    except ValidationError as exc:
        first_error = exc.errors()[0]
        where = "/".join(str(p) for p in first_error["loc"])
        raise UserInputError(
            f"the edit makes the map invalid at {where}: {first_error['msg']}"
        ) from exc
    return doc

"""Embedder ids: which vectors may share an index, a cache and centroids.

An OpenAI-compatible endpoint's id names the model and whatever changes its vectors (the side
sent as ``input_type``, the query/passage prefixes), never the URL: replicas reaching one server
under two host names share everything. Releases before this one named the URL instead
(``openai-compatible/{model}@{url}``) and never sent ``input_type``; an id that sends none
accepts those ids for the same model as its own, so stores built by them keep working.
"""

from __future__ import annotations

import hashlib
import re

OPENAI_COMPATIBLE = "openai-compatible/"
_LEGACY = re.compile(r"openai-compatible/(?P<model>.+?)@(?P<url>https?://\S*)")
_CURRENT = re.compile(
    r"openai-compatible/(?P<model>.+?)(?P<input_type>\+input_type)?"
    r"(?P<prefixes>\+prefixes:[0-9a-f]{8})?"
)


def openai_compatible_id(
    model: str, *, input_type: bool, query_prefix: str = "", passage_prefix: str = ""
) -> str:
    """``openai-compatible/{model}``, then ``+input_type`` if requests name the side, then
    ``+prefixes:{8 hex}`` (a digest of both prefixes) if either prefix is set."""
    embedder_id = OPENAI_COMPATIBLE + model
    if input_type:
        embedder_id += "+input_type"
    if query_prefix or passage_prefix:
        digest = hashlib.sha256(f"{query_prefix}\x1f{passage_prefix}".encode()).hexdigest()
        embedder_id += f"+prefixes:{digest[:8]}"
    return embedder_id


def legacy_prefix(embedder_id: str) -> str | None:
    """How the ids older releases gave the same model begin (``openai-compatible/{model}@``),
    when their vectors are this id's: ``None`` for other embedders and for ids that send
    ``input_type`` (older releases never did, so their vectors differ)."""
    found = _CURRENT.fullmatch(embedder_id)
    if found is None or found["input_type"]:
        return None
    return f"{OPENAI_COMPATIBLE}{found['model']}@"


def same_embedder(configured: str, other: str) -> bool:
    """True if vectors made under ``other`` may be mixed with the ``configured`` embedder's."""
    if other == configured:
        return True
    prefix = legacy_prefix(configured)
    if prefix is None or not other.startswith(prefix):
        return False
    legacy = _LEGACY.fullmatch(other)
    return legacy is not None and f"{OPENAI_COMPATIBLE}{legacy['model']}@" == prefix

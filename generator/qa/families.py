"""A map and its translations are one map to an answer: every count and list counts it once.
So are maps drafted from one analysis in several languages (``provenance.analysis``), and
their translations. Of each family in scope the version in the asker's language answers;
without one, the source map, so every name in the answer is in one language (the source's);
without the source in scope, the first of its versions by language."""

from __future__ import annotations

from generator.qa.elements import ScopedMap


def family_of(m: ScopedMap) -> str:
    """What a version belongs to: the analysis it was drafted from (a translation keeps its
    source's), else its source map when it is a translation, else itself."""
    journey = m.journey
    if journey.provenance.analysis:
        return f"{journey.map_type}:{journey.provenance.analysis}"
    source = journey.translation_of
    return source.map_id if source is not None else m.map_id


def _source(members: list[ScopedMap]) -> ScopedMap | None:
    """The family's source: the version that is no translation (the first in scope)."""
    return next((m for m in members if m.journey.translation_of is None), None)


def families(maps: list[ScopedMap]) -> dict[str, list[ScopedMap]]:
    out: dict[str, list[ScopedMap]] = {}
    for m in maps:
        out.setdefault(family_of(m), []).append(m)
    return out


def one_per_map(maps: list[ScopedMap], lang: str) -> list[ScopedMap]:
    """The version of each map that answers a question asked in ``lang``, in scope order."""
    chosen = []
    for members in families(maps).values():
        by_lang = sorted(members, key=lambda m: (m.journey.language, m.map_id))
        pick = (
            next((m for m in members if m.journey.language == lang), None)
            or _source(members)
            or by_lang[0]
        )
        chosen.append(pick)
    return chosen


def languages_of(maps: list[ScopedMap], chosen: ScopedMap) -> list[str]:
    """The languages the chosen version's map is in scope in (its own first)."""
    family = family_of(chosen)
    others = sorted(m.journey.language for m in maps if family_of(m) == family and m is not chosen)
    return [chosen.journey.language, *others]

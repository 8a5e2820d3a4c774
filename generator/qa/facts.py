"""Structured questions answered from the maps' own data: the numbers a reply quotes are
computed here, never guessed by a model, and rounded as the map's page shows them; stages are
named as the maps name them, never by id."""

from __future__ import annotations

from typing import Any

from generator.qa.elements import Element, ScopedMap, stage_name
from generator.qa.intent import Intent
from generator.qa.numbers import as_shown
from generator.qa.retrieval import ElementIndex

TOP_N = 5
LISTED = 10  # pain points listed by a "resolved?" answer, of each kind
SAME_THEME = 0.86  # cosine above which two maps' pain points are the same theme


def _in_stage(e: Element, stage: str | None) -> bool:
    return stage is None or e.stage == stage


def top_pain_points(elements: list[Element], intent: Intent) -> list[dict[str, Any]]:
    rows: list[tuple[float, dict[str, Any]]] = []
    for e in elements:
        if e.kind != "pain_point" or not _in_stage(e, intent.stage):
            continue
        n = e.numbers
        if intent.customer_lang:
            mentions = n["by_language"].get(intent.customer_lang, 0)
            if not mentions:
                continue
            score = round(mentions * n["severity"], 2)
        else:
            mentions, score = n["frequency"], n["priority"]
        rows.append(
            (
                score,
                {
                    "element": e.ref,
                    "title": e.title,
                    "stage": e.stage_name,
                    "mentions": mentions,
                    "severity": as_shown("severity", n["severity"]),
                    "priority": as_shown("priority", score),
                },
            )
        )
    rows.sort(key=lambda r: (-r[0], -r[1]["mentions"], r[1]["element"]))
    return [row for _, row in rows[:TOP_N]]


def count(elements: list[Element], intent: Intent) -> dict[str, Any]:
    kind = intent.count_of or "pain_point"
    chosen = [e for e in elements if e.kind == kind and _in_stage(e, intent.stage)]
    if intent.customer_lang and kind in ("pain_point", "delighter"):
        chosen = [e for e in chosen if e.numbers["by_language"].get(intent.customer_lang)]
    return {"kind": kind, "count": len(chosen), "elements": [e.ref for e in chosen]}


def resolved(elements: list[Element], intent: Intent) -> dict[str, Any]:
    """How many pain points a recommendation marked done addresses; those (and those still
    open) listed highest priority first, ``LISTED`` of each."""
    done = {
        (e.map_id, pain)
        for e in elements
        if e.kind == "recommendation" and e.numbers["status"] == "done"
        for pain in e.numbers["addresses"]
    }
    pains = [e for e in elements if e.kind == "pain_point" and _in_stage(e, intent.stage)]
    pains.sort(key=lambda e: (-e.numbers["priority"], e.ref))
    closed = [e for e in pains if (e.map_id, e.path.rsplit("/", 1)[1]) in done]
    still_open = [e for e in pains if e not in closed]
    return {
        "pain_points": len(pains),
        "resolved": len(closed),
        "resolved_elements": [e.ref for e in closed[:LISTED]],
        "open": [
            {"element": e.ref, "title": e.title, "stage": e.stage_name} for e in still_open[:LISTED]
        ],
    }


def recommendations(elements: list[Element], intent: Intent) -> list[dict[str, Any]]:
    rows = []
    for e in elements:
        if e.kind != "recommendation" or not _in_stage(e, intent.stage):
            continue
        n = e.numbers
        if intent.owner_asked and intent.owner is None:
            continue  # a team no map names: nothing to list
        if intent.owner and (n["owner_team"] or "").casefold() != intent.owner.casefold():
            continue
        if intent.status and n["status"] != intent.status:
            continue
        rows.append(
            {
                "element": e.ref,
                "action": e.title,
                "owner_team": n["owner_team"],
                "status": n["status"],
                "effort": n["effort"],
                "impact": n["impact"],
                "stage": e.stage_name,
            }
        )
    return rows


def statuses(maps: list[ScopedMap]) -> list[dict[str, Any]]:
    return [
        {
            "map": m.map_id,
            "title": m.journey.title.text,
            "language": m.journey.language,
            "status": m.status,
            "version": m.version,
        }
        for m in maps
    ]


def compare(maps: list[ScopedMap], index: ElementIndex, intent: Intent) -> dict[str, Any]:
    """Pain points of two maps (at a stage) matched across languages by meaning."""
    chosen = maps
    if intent.map_langs:
        by_lang = [m for lang in intent.map_langs for m in maps if m.journey.language == lang]
        if len(by_lang) >= 2:
            chosen = by_lang
    a, b = chosen[0], chosen[1]
    pains = {
        m.map_id: [
            e
            for e in index.elements
            if e.map_id == m.map_id and e.kind == "pain_point" and _in_stage(e, intent.stage)
        ]
        for m in (a, b)
    }
    shared, matched_b = [], set()
    only_a = []
    for ea in pains[a.map_id]:
        best = max(pains[b.map_id], key=lambda eb: index.similarity(ea, eb), default=None)
        if best is not None and index.similarity(ea, best) >= SAME_THEME:
            shared.append({"a": ea.ref, "b": best.ref, "a_title": ea.title, "b_title": best.title})
            matched_b.add(best.ref)
        else:
            only_a.append({"element": ea.ref, "title": ea.title})
    only_b = [
        {"element": eb.ref, "title": eb.title} for eb in pains[b.map_id] if eb.ref not in matched_b
    ]
    return {
        "maps": [a.map_id, b.map_id],
        "languages": [a.journey.language, b.journey.language],
        "stage": stage_name([a, b], intent.stage) if intent.stage else None,
        "shared": shared,
        "only_in_first": only_a,
        "only_in_second": only_b,
    }


def facts_for(intent: Intent, maps: list[ScopedMap], index: ElementIndex) -> dict[str, Any] | None:
    elements = index.elements
    if intent.kind == "top_pain_points":
        return {"top_pain_points": top_pain_points(elements, intent)}
    if intent.kind == "count":
        return {"count": count(elements, intent)}
    if intent.kind == "resolved":
        return {"resolved": resolved(elements, intent)}
    if intent.kind == "recommendations":
        return {"recommendations": recommendations(elements, intent)}
    if intent.kind == "status":
        return {"maps": statuses(maps)}
    if intent.kind == "compare":
        return {"comparison": compare(maps, index, intent)}
    return None

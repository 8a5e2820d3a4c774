"""``top_pain_points``' order: by the map's priority, or for a customer language by how many
customers raised the point in it, then priority; the numbers are the map's own."""

from __future__ import annotations

from api.mcp.maps import ranked
from generator.qa.elements import ScopedMap
from knowledge.journey.model import LanguageCount
from tests.helpers.maps import drafted


def _scoped() -> ScopedMap:
    journey = drafted("fa")
    delivery, support = (s.pain_points[0] for s in journey.stages)
    delivery.priority = 6.0
    delivery.language_counts = [LanguageCount(lang="th", count=1)]
    support.priority = 2.5
    support.language_counts = [LanguageCount(lang="th", count=3), LanguageCount(lang="ru", count=2)]
    return ScopedMap("m1", 2, "approved", journey)


def test_pain_points_rank_by_priority_or_by_a_language_s_count() -> None:
    scoped = [_scoped()]
    by_priority = ranked(scoped, None, None, 10)
    assert [(p["stage"], p["priority"]) for p in by_priority] == [
        ("delivery", 6.0),
        ("support", 2.5),
    ]
    assert [p["stage"] for p in ranked(scoped, None, "th", 10)] == ["support", "delivery"]
    assert [p["stage"] for p in ranked(scoped, None, "ru", 10)] == ["support"]
    assert ranked(scoped, None, "zh", 10) == []
    assert [p["stage"] for p in ranked(scoped, "delivery", None, 10)] == ["delivery"]
    assert len(ranked(scoped, None, None, 1)) == 1
    first = by_priority[0]
    assert first["map"] == "m1" and first["version"] == 2 and first["map_language"] == "fa"
    assert first["path"] == f"stages/delivery/pain_points/{first['id']}"
    assert first["language_counts"] == [{"lang": "th", "count": 1}]

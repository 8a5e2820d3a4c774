"""The one walker over a map's elements, and the consumers that take their elements from it:
the CSV export, the answers' elements and the translation fields."""

from __future__ import annotations

from collections import Counter

import pytest

from api.web.exports import csv_rows
from generator.qa.elements import ScopedMap, elements_of
from generator.translation.fields import translatable
from knowledge.journey.elements import Element, iter_elements
from knowledge.journey.model import (
    CompetitorNote,
    EvidenceRef,
    JourneyMap,
    StageChange,
    Text,
)
from knowledge.journey.review.paths import resolve, walk_quotes, walk_texts
from knowledge.vocabulary import STAGE_LANES
from tests.helpers.realistic_map import PAINS_PER_STAGE, RECOMMENDATIONS, TEXTS, realistic_map

LANGS = sorted(TEXTS)


def _with_every_part(j: JourneyMap) -> JourneyMap:
    """The realistic map with what only some map types have: blueprint and day-in-the-life
    lanes, a future-state change and a competitor note with its quote."""
    stage = j.stages[0]
    quote = stage.pain_points[0].evidence[0]
    text = Text(text="x", origin="inferred")
    stage = stage.model_copy(
        update={
            "frontstage": [text],
            "backstage": [text, text],
            "support_processes": [text],
            "outside_brand": [text],
            "changes": [
                StageChange(
                    current=text, future=text, gap=text, addresses=[stage.pain_points[0].id]
                )
            ],
            "competitor_notes": [CompetitorNote(text=text, evidence=[quote])],
        }
    )
    return j.model_copy(update={"stages": [stage, *j.stages[1:]]})


def _maps() -> list[tuple[str, JourneyMap]]:
    out = [(lang, realistic_map(lang)) for lang in LANGS]
    return [*out, ("every-part", _with_every_part(out[0][1]))]


MAPS = _maps()


@pytest.mark.parametrize(("name", "journey"), MAPS, ids=[n for n, _ in MAPS])
def test_every_element_once_with_a_path_that_resolves_to_it(name: str, journey: JourneyMap) -> None:
    elements = list(iter_elements(journey))
    doc = journey.model_dump(mode="json")
    paths = [e.path for e in elements]
    assert len(paths) == len(set(paths))
    for e in elements:
        assert resolve(doc, e.path) == e.value.model_dump(mode="json"), e.path
    # every text and every quote of the JSON form is an element, nothing else is one of them
    texts = [e.path for e in elements if isinstance(e.value, Text)]
    quotes = [e.path for e in elements if isinstance(e.value, EvidenceRef)]
    assert texts == [p for p, _ in walk_texts(doc)]
    assert quotes == [p for p, _ in walk_quotes(doc)]
    kinds = Counter(e.kind for e in elements)
    stages = len(journey.stages)
    assert kinds["stage"] == stages == 8
    assert kinds["pain_point"] == stages * PAINS_PER_STAGE
    assert kinds["recommendation"] == RECOMMENDATIONS
    assert kinds["persona"] == len(journey.personas)
    assert kinds["title"] == 1
    for e in elements:
        owner = e.path.split("/")[:2]
        assert (e.stage is None) == (owner[0] != "stages"), e.path
        assert e.stage is None or e.stage.id == owner[1]


def _counts(elements: list[Element]) -> Counter[str]:
    return Counter(e.kind for e in elements)


@pytest.mark.parametrize(("name", "journey"), MAPS, ids=[n for n, _ in MAPS])
def test_exports_answers_and_translations_cover_the_same_elements(
    name: str, journey: JourneyMap
) -> None:
    elements = list(iter_elements(journey))
    kinds = _counts(elements)

    rows = list(csv_rows(journey))
    row_kinds = Counter(r["kind"] for r in rows)
    for kind in ("title", "persona", "goal", "frustration", "stage", *STAGE_LANES):
        assert row_kinds[kind] == kinds[kind], kind
    for kind in ("touchpoint", "emotion", "pain_point", "delighter", "recommendation"):
        assert row_kinds[kind] == kinds[kind], kind
    assert row_kinds["persona_description"] == kinds["persona"]
    assert len(rows) == sum(row_kinds.values())
    row_paths = {r["element"] for r in rows}
    assert {
        e.path
        for e in elements
        if e.kind in ("touchpoint", "emotion", "pain_point", "delighter", "recommendation")
    } <= row_paths

    answers = elements_of(ScopedMap(journey.id, 1, "draft", journey))
    shown = ("persona", "stage", "pain_point", "delighter", "recommendation")
    assert Counter(a.kind for a in answers) == Counter({k: kinds[k] for k in shown})
    assert [a.path for a in answers] == [e.path for e in elements if e.kind in shown]

    fields = translatable(journey.model_dump(mode="json"), "-")  # no quote is in "-"
    assert Counter(f.kind for f in fields) == Counter(
        {
            "text": sum(1 for e in elements if isinstance(e.value, Text) and e.value.text.strip()),
            "quote": kinds["quote"],
        }
    )
    assert [f.path for f in fields] == [
        e.path if isinstance(e.value, Text) else f"{e.path}/translation"
        for e in elements
        if isinstance(e.value, EvidenceRef) or (isinstance(e.value, Text) and e.value.text.strip())
    ]
    same = translatable(journey.model_dump(mode="json"), journey.language)
    assert sum(1 for f in same if f.kind == "quote") == sum(
        1 for e in elements if isinstance(e.value, EvidenceRef) and e.value.lang != journey.language
    )

"""The map's vocabulary, said once: what the model, prompts and pages take from it."""

from __future__ import annotations

from typing import get_args

from api.web import terms
from api.web.labels import LABELS
from knowledge.journey.model import EvidenceRef, JourneyMap, Stage
from knowledge.vocabulary import (
    EARLY_LANES,
    ENGLISH_NAMES,
    EVIDENCE_KINDS,
    LANGUAGE_CODES,
    LATE_LANES,
    MAP_TYPES,
    PROMPT_NAMES,
    SHARED_LANES,
    STAGE_LANES,
    SUPPORTED_LANGUAGES,
)


def test_prompts_name_each_language_as_they_always_have() -> None:
    """Recorded model exchanges replay exact requests: the names in prompts never change."""
    assert PROMPT_NAMES == {
        "en": "English",
        "fa": "Persian (فارسی)",
        "ru": "Russian (русский)",
        "th": "Thai (ไทย)",
        "zh": "Simplified Chinese (简体中文)",
    }
    assert ENGLISH_NAMES == {
        "fa": "Persian",
        "ru": "Russian",
        "th": "Thai",
        "zh": "Chinese",
        "en": "English",
    }


def test_the_model_takes_its_values_from_the_vocabulary() -> None:
    fields = JourneyMap.model_fields
    assert (
        get_args(fields["language"].annotation)
        == SUPPORTED_LANGUAGES
        == ("fa", "ru", "th", "zh", "en")
    )
    assert get_args(fields["map_type"].annotation) == MAP_TYPES
    ref = EvidenceRef.model_fields
    assert get_args(ref["kind"].annotation) == EVIDENCE_KINDS
    assert get_args(ref["lang"].annotation) == LANGUAGE_CODES == (*SUPPORTED_LANGUAGES, "other")


def test_stage_lanes_in_page_order() -> None:
    lists_of_texts = [
        name
        for name, f in Stage.model_fields.items()
        if str(f.annotation) in ("list[Text]", "list[knowledge.journey.model.Text]")
    ]
    assert list(STAGE_LANES) == lists_of_texts
    assert (*EARLY_LANES, *LATE_LANES) == STAGE_LANES
    assert SHARED_LANES == ("actions", "thoughts", "moments_of_truth", "opportunities")


def test_every_page_language_words_the_whole_vocabulary() -> None:
    """The pages' word tables are translations of the vocabulary, not restatements of it: each
    says every kind, map type and lane in every language."""
    assert set(terms.EVIDENCE_KINDS) == set(terms.MAP_TYPES) == set(SUPPORTED_LANGUAGES)
    for lang in SUPPORTED_LANGUAGES:
        assert set(terms.EVIDENCE_KINDS[lang]) == set(EVIDENCE_KINDS), lang
        assert set(terms.MAP_TYPES[lang]) == set(MAP_TYPES), lang
        assert set(STAGE_LANES) <= set(LABELS[lang]), lang

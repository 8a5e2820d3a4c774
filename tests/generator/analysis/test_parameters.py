"""Provenance from the parameter dataclasses: every field of every one is described."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from generator.analysis.analyze import AnalysisOptions
from generator.analysis.coding import CodeParams
from generator.analysis.learning import LearnParams
from generator.analysis.parameters import describe_parameters
from generator.analysis.sentiment import SentimentParams
from generator.analysis.sentiment_map import SourceMapping
from generator.analysis.stages import StageParams
from generator.analysis.themes import ThemeParams
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.research.corrections.model import Correction, Corrections
from knowledge.search.filters import EvidenceFilter

# the options' fields that are parameter dataclasses -> their class
PARAMETERS: dict[str, type[Any]] = {
    "stage": StageParams,
    "code": CodeParams,
    "theme": ThemeParams,
    "sentiment": SentimentParams,
    "learn": LearnParams,
}
PREFIX = {"sentiment": "polarity"}  # a field whose entries carry another prefix


def _correction() -> Correction:
    return Correction(
        id="c1", workspace="s", action="label", evidence_id="e1", record_id=None,
        text_hash=None, framework="six_stage", stage="awareness", code=None,
        not_evidence=False, themes=(), note="", actor="ali",
        created_at=datetime(2026, 1, 1, tzinfo=UTC), state="active",
    )  # fmt: skip


def _options() -> AnalysisOptions:
    framework = load_framework("six_stage")
    return AnalysisOptions(
        scope=EvidenceFilter(workspace="s"),
        framework=framework,
        mapping=SourceMapping.parse(["HAPPY=positive"], ["5", "survey=0-10"]),
        codebook=codebook_for(framework),
        corrections=Corrections(labels=(_correction(),)),
    )


def test_the_options_parameter_fields_are_the_ones_described_here() -> None:
    """A new parameter dataclass on AnalysisOptions is added to PARAMETERS (and so checked)."""
    options = _options()
    described = {
        f.name
        for f in dataclasses.fields(options)
        if dataclasses.is_dataclass(getattr(options, f.name))
        and f.name not in ("scope", "mapping", "corrections")
    }
    assert described == set(PARAMETERS)


@pytest.mark.parametrize("name", PARAMETERS)
def test_every_field_of_every_parameter_dataclass_is_in_the_description(name: str) -> None:
    options = _options()
    lines = options.describe()
    prefix = PREFIX.get(name, name)
    params = getattr(options, name)
    assert isinstance(params, PARAMETERS[name])
    for f in dataclasses.fields(params):
        entry = f"{prefix}.{f.name}="
        assert sum(line.startswith(entry) for line in lines) == 1, (entry, lines)
    assert len(lines) == len(set(lines))


def test_the_mapping_and_what_was_used_are_described() -> None:
    lines = _options().describe()
    assert lines[:3] == ["framework=six_stage@1", "codebook=cx_general@1", "stage_method=offline"]
    assert {"label:HAPPY=positive", "rating_scale[*]=1-5", "rating_scale[survey]=0-10"} <= set(
        lines
    )
    assert SourceMapping.from_parameters(lines) == _options().mapping


def test_values_are_written_stably() -> None:
    lines = describe_parameters(ThemeParams(gamma=1, spread=None), "theme")
    assert "theme.gamma=1.0" in lines  # an int given for a float is written as the float
    assert "theme.spread=None" in lines and "theme.seed=7" in lines
    assert describe_parameters(ThemeParams(gamma=0.1 + 0.2), "theme")[0] == (
        "theme.gamma=0.30000000000000004"
    )
    assert describe_parameters(ThemeParams(), "t") == describe_parameters(ThemeParams(), "t")


@dataclasses.dataclass(frozen=True)
class _Inner:
    x: float = 2


@dataclasses.dataclass(frozen=True)
class _Outer:
    inner: _Inner = dataclasses.field(default_factory=_Inner)
    flag: bool = True


def test_nested_dataclasses_are_prefixed_with_their_field() -> None:
    assert describe_parameters(_Outer(), "outer") == ["outer.inner.x=2.0", "outer.flag=True"]
    with pytest.raises(TypeError):
        describe_parameters(_Outer, "outer")

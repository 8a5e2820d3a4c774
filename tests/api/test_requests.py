"""The CLI's flags and the HTTP API's body fill the same ``AnalysisRequest``: the same scope
gives equal ``AnalysisOptions`` whichever interface asked, with numbers kept as numbers."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import api.cli.analysis as cli_analysis
import api.cli.draft as cli_draft
from api.cli.main import app
from api.http.jobs_common import analysis_request
from api.http.schemas import EvidenceScopeIn
from api.http.specs import DraftIn
from generator.analysis.analyze import AnalysisOptions
from generator.analysis.request import AnalysisRequest
from generator.analysis.sentiment_map import LabelPair, RatingScale
from generator.drafting.llm_draft import DraftSpec
from generator.drafting.request import DraftRequest
from knowledge.platform.errors import UserInputError
from knowledge.platform.settings import Settings

runner = CliRunner()

# (HTTP body, CLI flags) asking for the same analysis
SAME_SCOPE: dict[str, tuple[dict[str, Any], list[str]]] = {
    "a scale as a number": ({"rating_scale": 5}, ["--rating-scale", "5"]),
    "a scale per kind and a range": (
        {"rating_scale": 5, "rating_scales": ["survey=0-10"]},
        ["--rating-scale", "5", "--rating-scale", "survey=0-10"],
    ),
    "a range for all, a scale per kind": (
        {"rating_scales": ["0-10", "review=5"]},
        ["--rating-scale", "0-10", "--rating-scale", "review=5"],
    ),
    "labels and a narrowed scope": (
        {
            "framework": "food_delivery",
            "codebook": "none",
            "kinds": ["review", "survey"],
            "evidence_langs": ["fa", "th"],
            "product": "app",
            "segment": "new",
            "label_map": ["HAPPY=positive,SAD=negative", "MEH=neutral"],
            "rating_scale": 10,
        },
        [
            "-f",
            "food_delivery",
            "--codebook",
            "none",
            "--kind",
            "review",
            "--kind",
            "survey",
            "--lang",
            "fa",
            "--lang",
            "th",
            "--product",
            "app",
            "--segment",
            "new",
            "--label-map",
            "HAPPY=positive,SAD=negative",
            "--label-map",
            "MEH=neutral",
            "--rating-scale",
            "10",
        ],
    ),  # fmt: skip
}


def _from_cli(flags: list[str], monkeypatch: pytest.MonkeyPatch) -> AnalysisOptions:
    seen: list[AnalysisOptions] = []

    def analyze(_library: Any, options: AnalysisOptions) -> Any:
        seen.append(options)
        raise typer.Exit(0)

    monkeypatch.setattr(cli_analysis, "analyze", analyze)
    result = runner.invoke(app, ["analyze", "-w", "cx", *flags])
    assert result.exit_code == 0, result.output
    return seen[0]


def _from_http(body: dict[str, Any]) -> AnalysisOptions:
    return analysis_request("cx", EvidenceScopeIn.model_validate(body)).options()


@pytest.mark.parametrize("case", SAME_SCOPE)
def test_http_body_and_cli_flags_build_equal_options(
    case: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, flags = SAME_SCOPE[case]
    assert _from_http(body) == _from_cli(flags, monkeypatch)


def test_the_same_scope_by_keywords() -> None:
    by_keywords = AnalysisRequest(
        workspace="cx",
        rating_scale=5,
        rating_scales=(RatingScale.of((0, 10), "survey"),),
    ).options()
    assert by_keywords == _from_http({"rating_scale": 5, "rating_scales": ["survey=0-10"]})
    assert by_keywords.mapping.rating_scales == {"*": (1.0, 5.0), "survey": (0.0, 10.0)}


def test_a_scale_sent_as_a_number_is_kept_exactly() -> None:
    """No ``f"{x:g}"`` between the body and the mapping: 7.123456789 is not 7.12346."""
    options = _from_http({"rating_scale": 7.123456789})
    assert options.mapping.rating_scales == {"*": (1.0, 7.123456789)}
    request = analysis_request("cx", EvidenceScopeIn.model_validate({"rating_scale": 7.5}))
    assert request.rating_scale == 7.5 and request.rating_scales == ()


def test_labels_are_typed_pairs() -> None:
    request = analysis_request(
        "cx", EvidenceScopeIn.model_validate({"label_map": ["HAPPY=positive, SAD=negative"]})
    )
    assert request.labels == (LabelPair("HAPPY", "positive"), LabelPair("SAD", "negative"))
    assert cli_analysis.label_pairs(["HAPPY=positive, SAD=negative"]) == request.labels
    assert cli_analysis.rating_scales(["5", "survey=0-10"]) == (
        RatingScale(1.0, 5.0),
        RatingScale(0.0, 10.0, "survey"),
    )


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("--rating-scale=stars", "should be N"),
        ("--rating-scale=tweets=5", "kind must be one of"),
        ("--label-map=HAPPY", "LABEL=polarity"),
    ],
)
def test_bad_flags_keep_their_messages(flag: str, message: str, settings: Settings) -> None:
    result = runner.invoke(app, ["analyze", "-w", "cx", flag])
    assert result.exit_code == 2 and message in result.output, result.output


def test_typed_values_are_checked() -> None:
    with pytest.raises(UserInputError, match="above the lowest"):
        RatingScale.of((10, 0))
    with pytest.raises(UserInputError, match="kind must be one of"):
        RatingScale.of(5, "tweets")
    with pytest.raises(UserInputError, match="LABEL=polarity"):
        LabelPair("HAPPY", "glad")
    with pytest.raises(UserInputError, match="two rating scales"):
        AnalysisRequest(
            workspace="cx",
            rating_scale=5,
            rating_scales=(RatingScale.of(10),),
        ).mapping()


def test_a_draft_body_and_draft_flags_ask_for_the_same_draft(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[AnalysisOptions, str, DraftSpec, str]] = []

    def draft_map(
        _library: Any, options: AnalysisOptions, lang: str, spec: DraftSpec, *rest: Any
    ) -> Any:
        seen.append((options, lang, spec, rest[2]))
        raise typer.Exit(0)

    monkeypatch.setattr(cli_draft, "draft_map", draft_map)
    flags = ["--lang", "th", "--rating-scale", "5", "--personas", "1", "--goal", "faster"]
    result = runner.invoke(app, ["draft", "-w", "cx", *flags])
    assert result.exit_code == 0, result.output
    body = DraftIn.model_validate(
        {"lang": "th", "rating_scale": 5, "personas": 1, "goal": "faster"}
    )
    request = DraftRequest(
        analysis_request("cx", body),
        lang=body.lang,
        map_type=body.map_type,
        personas=body.personas,
        goal=body.goal,
        stage_method=body.stage_method,
    )
    assert seen == [(request.analysis_options(), "th", request.spec, "offline")]
    assert request.spec == DraftSpec(map_type="current_state", personas=1, goal="faster")
    assert not request.needs_model
    future = DraftRequest(None, map_type="future_state", from_map="map_1")
    assert future.needs_model
    with pytest.raises(UserInputError, match="evidence"):
        future.analysis_options()

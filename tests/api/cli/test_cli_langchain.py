"""``cjm draft`` with the model set up as a team would in the environment:
``CJM_LLM_PROVIDER=anthropic:…`` (LangChain's ChatAnthropic), its HTTP replayed from a cassette
(authored through a loopback endpoint with ``CJM_AUTHOR_CASSETTES=1``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from generator.drafting.fake_drafter import FakeDrafter
from generator.llm.interface import ChatRequest
from knowledge.platform.settings import Settings, get_settings
from tests.helpers.llm.providers import MODEL, PLACEHOLDER, Reply, loopback, provider_vcr
from tests.helpers.llm.wire import authoring
from tests.helpers.paths import SAMPLES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
runner = CliRunner()
ENOUGH = 40  # more answers than any draft of the sample asks for


@contextmanager
def endpoint(cassette: str) -> Iterator[str]:
    """The base URL the provider is reached at: a loopback endpoint answering like an obedient
    model while authoring, else the placeholder host the cassette replays."""
    drafter = FakeDrafter("ru")

    def respond(request: ChatRequest) -> str:
        return json.dumps(drafter(request), ensure_ascii=False)

    if authoring():
        with loopback("anthropic", [Reply(respond=respond)] * ENOUGH) as served:
            with provider_vcr("anthropic", served.origin).use_cassette(cassette):
                yield served.origin
        return
    with provider_vcr("anthropic").use_cassette(cassette) as cass:
        yield PLACEHOLDER["anthropic"]
        assert cass.all_played, f"{cass.play_count} of {len(cass)} played"


def test_draft_through_a_provider_configured_in_the_environment(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingested = runner.invoke(
        app, ["ingest", str(SAMPLES / "reviews.csv"), "--kind", "review", "-w", "s"]
    )
    assert ingested.exit_code == 0, ingested.output
    target = tmp_path / "map.json"
    with endpoint("test_cli_draft_through_anthropic.yaml") as base_url:
        monkeypatch.setenv("CJM_LLM_PROVIDER", MODEL["anthropic"])
        monkeypatch.setenv("CJM_LLM_BASE_URL", base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-authored")
        get_settings.cache_clear()
        result = runner.invoke(
            app, ["draft", "-w", "s", "-f", "six_stage", "-l", "ru", "-o", str(target)]
        )
    assert result.exit_code == 0, result.output
    journey = json.loads(target.read_text(encoding="utf-8"))
    assert journey["evidence_only"] is False and journey["language"] == "ru"
    provenance = journey["provenance"]
    assert provenance["endpoint_kind"] == "langchain:anthropic"
    assert provenance["model"] == MODEL["anthropic"].split(":", 1)[1]
    assert len(provenance["calls"]) >= 3 and journey["recommendations"]


def test_a_provider_whose_package_is_missing_fails_with_the_command_to_fix_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(app, ["ingest", str(SAMPLES / "reviews.csv"), "--kind", "review", "-w", "s"])
    monkeypatch.setenv("CJM_LLM_PROVIDER", "groq:llama-3.3-70b")
    get_settings.cache_clear()
    result = runner.invoke(app, ["draft", "-w", "s", "-f", "six_stage", "-l", "ru"])
    assert result.exit_code == 2
    assert "langchain-groq" in result.output and "Traceback" not in result.output

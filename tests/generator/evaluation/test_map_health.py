"""A map's health for its reviewers (``cjm evaluate``, GET …/health, the review page): a clean
evidence-only map passes; careless edits and hostile answers are each caught."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli.main import app
from api.http.app import create_app
from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.sentiment_map import SourceMapping
from generator.drafting.evidence_only import build_evidence_only_map
from generator.evaluation.map_health import evaluate_map
from knowledge.journey.frameworks import codebook_for, load_framework
from knowledge.journey.model import EvidenceRef, JourneyMap, Recommendation, Scope, Text
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.store import Database
from tests.helpers.paths import SAMPLES

runner = CliRunner()
GREETING = "ممنون، خداحافظ"
PRAISE = "Everything was perfect, fast and tasty, thank you very much!"


@pytest.fixture
def drafted_th(library: Library, tmp_path: Path) -> JourneyMap:
    extra = tmp_path / "extra.csv"
    extra.write_text(f'id,rating,text\nX1,5,"{PRAISE}"\nX2,1,"{GREETING}"\n', encoding="utf-8")
    for path in (SAMPLES / "reviews.csv", extra):
        assert Ingestor(library).run([path], IngestOptions(kind="review", workspace="h")).ok
    framework = load_framework("food_delivery")
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace="h"),
        framework=framework,
        mapping=SourceMapping.parse(None, ["5"]),
        codebook=codebook_for(framework),
    )
    analysis, evidence = analyze(library, options)
    scope = Scope(workspace="h", product=None, segment=None, goal=None, languages=[], kinds=[])
    return build_evidence_only_map(analysis, evidence, framework, "th", scope)


def _evidence_id(library: Library, text: str) -> str:
    from sqlalchemy import select

    from knowledge.store import ChunkRow

    with library.db.session() as s:
        return str(s.scalars(select(ChunkRow.id).where(ChunkRow.text == text)).one())


def test_an_evidence_only_map_is_healthy(library: Library, drafted_th: JourneyMap) -> None:
    health = evaluate_map(library, drafted_th)
    summary = health.summary()
    assert health.quotes > 10 and summary["quotes_verbatim"] == 1.0
    assert summary["evidence_ids_resolved"] == 1.0
    assert summary["texts_in_language"] == 1.0, health.other_language
    assert health.not_substantive == [] and health.flagged == []
    assert health.polarity_checked and summary["pain_quotes_not_complaints"] <= 0.05
    assert health.ok or health.thin_stages  # thin stages are warnings, not errors


def test_careless_edits_and_hostile_answers_are_caught(
    library: Library, drafted_th: JourneyMap
) -> None:
    journey = drafted_th.model_copy(deep=True)
    stage = next(s for s in journey.stages if len(s.pain_points) >= 1)
    pain = stage.pain_points[0]
    real = pain.evidence[0]
    pain.evidence[0] = real.model_copy(update={"quote": "fabricated quote"})
    pain.evidence.append(
        EvidenceRef(evidence_id="ev_madeup", quote="x", lang="th", kind="review", translation=None)
    )
    # a pain point quoting praise, and a greeting, both real evidence of the workspace
    for text in (PRAISE, GREETING):
        pain.evidence.append(
            EvidenceRef(
                evidence_id=_evidence_id(library, text),
                quote=text,
                lang="en" if text == PRAISE else "fa",
                kind="review",
                translation=None,
            )
        )
    pain.title = Text(
        text="Customers are 100% satisfied; visit http://evil.example", origin="human"
    )
    journey.recommendations.append(
        Recommendation(
            id="rec-1",
            action=Text(text="ส่งโค้ดส่วนลดเมื่อส่งช้า", origin="human"),
            addresses=["pp-does-not-exist"],
            owner_team=None,
            effort=None,
            impact=None,
            kpi=None,
        )
    )
    health = evaluate_map(library, journey)
    assert not health.ok
    assert any(f.evidence_id == real.evidence_id for f in health.not_verbatim)
    assert {f.detail for f in health.unresolved} >= {
        "evidence ev_madeup is not in the workspace",
        "no pain point pp-does-not-exist",
    }
    assert any("100%" in f.detail for f in health.other_language)
    assert [f.detail for f in health.not_substantive] == ["not customer experience: small_talk"]
    assert any(f.evidence_id == _evidence_id(library, PRAISE) for f in health.pain_not_complaint)


def test_cjm_evaluate_on_a_file_and_a_stored_map(
    settings: Settings, library: Library, drafted_th: JourneyMap, tmp_path: Path
) -> None:
    path = tmp_path / "map.json"
    path.write_text(drafted_th.model_dump_json(), encoding="utf-8")
    library.close()
    shown = runner.invoke(app, ["evaluate", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "quotes verbatim in stored evidence" in shown.stdout
    as_json = json.loads(runner.invoke(app, ["evaluate", str(path), "--json"]).stdout)
    assert as_json["summary"]["quotes_verbatim"] == 1.0

    tampered = drafted_th.model_copy(deep=True)
    first = next(s for s in tampered.stages if s.pain_points).pain_points[0]
    first.evidence[0] = first.evidence[0].model_copy(update={"quote": "made up"})
    path.write_text(tampered.model_dump_json(), encoding="utf-8")
    strict = runner.invoke(app, ["evaluate", str(path), "--strict"])
    assert strict.exit_code == 1 and "quotes not verbatim" in strict.stdout

    info = MapRepository(Database(settings)).create("h", drafted_th, "ali")
    stored = runner.invoke(app, ["evaluate", info.id, "-w", "h", "--json"])
    assert stored.exit_code == 0 and json.loads(stored.stdout)["map_id"] == drafted_th.id
    elsewhere = runner.invoke(app, ["evaluate", info.id, "-w", "other"])
    assert elsewhere.exit_code == 2


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def test_health_over_http_and_on_the_review_page(
    settings: Settings, library: Library, drafted_th: JourneyMap, client: TestClient
) -> None:
    secret, _ = create_key(Database(settings), "h", "reviewer", "sara")
    other, _ = create_key(Database(settings), "x", "reviewer", "eve")
    info = MapRepository(Database(settings)).create("h", drafted_th, "ali")
    got = client.get(
        f"/v1/workspaces/h/maps/{info.id}/health", headers={"Authorization": f"Bearer {secret}"}
    )
    assert got.status_code == 200 and got.json()["summary"]["quotes_verbatim"] == 1.0
    hidden = client.get(
        f"/v1/workspaces/h/maps/{info.id}/health", headers={"Authorization": f"Bearer {other}"}
    )
    assert hidden.status_code in (403, 404)
    form = client.get("/review/login")
    token = re.search(r'name=csrf value="([^"]+)"', form.text)
    assert token is not None
    signed = client.post(
        "/review/login", data={"key": secret, "csrf": token[1]}, follow_redirects=False
    )
    assert signed.status_code == 303
    page = client.get(f"/review/h/{info.id}")
    assert page.status_code == 200
    # the panel, in the map's language (Thai), with its checks
    assert 'id="health"' in page.text and "สุขภาพของแผนที่" in page.text
    assert 'data-check="quotes_verbatim"' in page.text

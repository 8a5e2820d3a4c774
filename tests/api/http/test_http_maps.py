"""The HTTP API as teams use it: keys and roles, a review cycle, stale edits, isolation,
problem+json errors."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from api.http import routes
from api.http.app import create_app
from tests.helpers.http import key
from tests.helpers.maps import PAIN, drafted


def test_a_review_cycle_over_http(client: TestClient) -> None:
    editor, reviewer, viewer = (
        key("editor", name="ali"),
        key("reviewer", name="sara"),
        key("viewer"),
    )
    created = client.post(
        "/v1/workspaces/cx-ir/maps", headers=editor, json=drafted("fa").model_dump(mode="json")
    )
    assert created.status_code == 201 and created.headers["ETag"] == '"v1"'
    map_id = created.json()["id"]
    base = f"/v1/workspaces/cx-ir/maps/{map_id}"

    got = client.get(base, headers=viewer)
    assert got.status_code == 200 and got.json()["content"]["language"] == "fa"

    title = "پیک دیر می‌رسد و غذا سرد است"
    edit = client.patch(
        base,
        headers={**editor, "If-Match": '"v1"'},
        json={"patches": [{"path": f"{PAIN}/title", "value": title}]},
    )
    assert edit.status_code == 200 and edit.headers["ETag"] == '"v2"'

    stale = client.patch(
        base,
        headers={**editor, "If-Match": '"v1"'},
        json={"patches": [{"path": "title", "value": "x"}]},
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["head"] == 2
    assert client.get(base, headers=viewer).json()["head"] == 2  # nothing lost

    missing = client.patch(
        base, headers=editor, json={"patches": [{"path": "title", "value": "x"}]}
    )
    assert missing.status_code == 428

    assert (
        client.post(f"{base}/submit", headers={**editor, "If-Match": '"v2"'}, json={}).json()[
            "status"
        ]
        == "in_review"
    )
    denied = client.post(f"{base}/approve", headers={**editor, "If-Match": '"v2"'}, json={})
    assert denied.status_code == 403
    approved = client.post(
        f"{base}/approve", headers={**reviewer, "If-Match": '"v2"'}, json={"note": "تایید"}
    )
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_version"] == 2

    diff = client.get(f"{base}/diff?from=1&to=2", headers=viewer).json()
    assert [c["new"] for c in diff] == [title] and "pain point" in diff[0]["label"]
    history = client.get(f"{base}/history", headers=viewer).json()
    assert [(e["actor"], e["action"]) for e in history["items"]][-1] == ("sara", "approve")
    assert history["total"] == len(history["items"]) == 4
    page = client.get(f"{base}/history?offset=1&limit=2", headers=viewer).json()
    assert [e["action"] for e in page["items"]] == ["edit", "submit"] and page["total"] == 4

    comment = client.post(
        f"{base}/comments", headers=editor, json={"anchor": f"{PAIN}/title", "body": "منبع؟"}
    ).json()
    assert (
        client.post(f"{base}/comments/{comment['id']}/resolve", headers=editor).status_code == 204
    )
    assert client.get(f"{base}/comments", headers=viewer).json()["items"][0]["resolved"] is True
    assert client.get(f"{base}/comments?open_only=true", headers=viewer).json()["total"] == 0
    assert (
        client.post(
            f"{base}/comments", headers=viewer, json={"anchor": "title", "body": "x"}
        ).status_code
        == 403
    )


def test_keys_never_see_another_workspace(client: TestClient) -> None:
    ir = key("reviewer", "cx-ir")
    ru = key("reviewer", "cx-ru")
    map_id = client.post(
        "/v1/workspaces/cx-ir/maps", headers=ir, json=drafted("ru").model_dump(mode="json")
    ).json()["id"]
    assert client.get(f"/v1/workspaces/cx-ir/maps/{map_id}", headers=ru).status_code == 404
    assert client.get(f"/v1/workspaces/cx-ru/maps/{map_id}", headers=ru).status_code == 404
    assert client.get("/v1/workspaces/cx-ir/maps", headers=ru).status_code == 404
    assert client.get("/v1/workspaces/cx-ru/maps", headers=ru).json()["total"] == 0
    unauthenticated = client.get("/v1/workspaces/cx-ir/maps")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["title"] == "Unauthenticated"
    assert (
        client.get(
            "/v1/workspaces/cx-ir/maps", headers={"Authorization": "Bearer cjm_forged"}
        ).status_code
        == 401
    )


def test_bad_requests_are_problems(client: TestClient) -> None:
    editor = key("editor")
    bad = client.post("/v1/workspaces/cx-ir/maps", headers=editor, json={"title": "x"})
    assert bad.status_code == 422 and bad.json()["errors"]
    assert client.get("/v1/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/v1/workspaces/{workspace}/maps/{map_id}/diff" in spec["paths"]


def test_openapi_is_complete_with_examples_in_the_teams_languages() -> None:
    app = create_app()
    spec = app.openapi()
    text = str(spec)
    for sample in ("پیک", "курьер", "ไรเดอร์", "骑手"):
        assert sample in text, sample
    for path, operations in spec["paths"].items():
        if not path.startswith("/v1/workspaces"):
            continue
        for method, op in operations.items():
            assert {"401", "404", "422"} <= set(op["responses"]), (method, path)
            assert op["responses"]["404"]["content"].keys() == {"application/problem+json"}
    patch = spec["paths"]["/v1/workspaces/{workspace}/maps/{map_id}"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])
    # the store is synchronous: every route is a plain function, run in the threadpool
    modules = [
        importlib.import_module(f"{routes.__name__}.{m.name}")
        for m in pkgutil.iter_modules(routes.__path__)
    ]
    every = [r for m in modules for r in m.router.routes]
    assert not any(inspect.iscoroutinefunction(getattr(r, "endpoint", None)) for r in every)
    endpoints = [r.endpoint for r in every if getattr(r, "include_in_schema", True)]
    assert len(endpoints) == len([op for ops in spec["paths"].values() for op in ops]) and not any(
        inspect.iscoroutinefunction(e) for e in endpoints
    )


def test_concurrent_editors_on_one_version_one_wins_and_nothing_is_lost(
    client: TestClient,
) -> None:
    editors = [key("editor", name=f"editor-{n}") for n in range(6)]
    map_id = client.post(
        "/v1/workspaces/cx-ir/maps", headers=editors[0], json=drafted("zh").model_dump(mode="json")
    ).json()["id"]
    base = f"/v1/workspaces/cx-ir/maps/{map_id}"
    barrier = threading.Barrier(len(editors))

    def edit(n: int) -> int:
        barrier.wait()
        return client.patch(
            base,
            headers={**editors[n], "If-Match": '"v1"'},
            json={"patches": [{"path": f"{PAIN}/title", "value": f"编辑 {n}"}]},
        ).status_code

    with ThreadPoolExecutor(len(editors)) as pool:
        codes = sorted(pool.map(edit, range(len(editors))))
    assert codes == [200] + [412] * (len(editors) - 1)
    got = client.get(base, headers=editors[0]).json()
    assert got["head"] == 2
    history = client.get(f"{base}/history", headers=editors[0]).json()["items"]
    assert [e["action"] for e in history] == ["draft", "edit"]

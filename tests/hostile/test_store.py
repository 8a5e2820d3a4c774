"""Hostile requests against the map store: oversize bodies and texts, control characters,
unsupported languages, racing writers and ids that clash across workspaces. Every one gets a
4xx problem or is cleaned; none gets a 5xx, and nothing half-written is stored."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openai.lib._pydantic import to_strict_json_schema
from pydantic import ValidationError
from sqlalchemy import create_engine, inspect, select, text, update
from starlette.types import Message

from api.http.app import create_app
from api.http.body_limit import BodyLimit
from generator.drafting.parts import (
    FutureStagePart,
    PersonasPart,
    RecommendationsPart,
    StageLanesPart,
    ThemePart,
)
from knowledge.journey.model import JourneyMap
from knowledge.journey.review.patches import FieldPatch
from knowledge.journey.review.paths import walk_quotes, walk_texts
from knowledge.journey.review.repository import MapRepository
from knowledge.journey.strings import MAX_LABEL, MAX_TEXT
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings, get_settings
from knowledge.store import ChunkRow, Database, MapVersionRow
from knowledge.store.migrate import revision
from tests.helpers import postgres, scenario
from tests.helpers.maps import PAIN, drafted
from tests.helpers.needs import NO_POSTGRES, absent

MAPS = "/v1/workspaces/cx-ir/maps"
HOSTILE = "a\x00b\x07c\x1bd\x7fe\x85f\x9fg"  # C0, DEL and C1 controls
KEPT = "می\u200cخواهم\u200d \u2067שלום\u2069 \u202bRTL\u202c\tx\ny\rz"  # ZWNJ, ZWJ, bidi, \t\n\r


@pytest.fixture
def client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("CJM_MAX_BODY_BYTES", str(256 * 1024))
    get_settings.cache_clear()
    with TestClient(create_app()) as c:
        _store_evidence("cx-ir")
        yield c


def _store_evidence(workspace: str) -> None:
    """The scenario's evidence, which every quote of a stored map must be part of."""
    db = Database(get_settings())
    try:
        scenario.store(db, workspace)
    finally:
        db.dispose()


def key(role: str, workspace: str = "cx-ir") -> dict[str, str]:
    db = Database(get_settings())
    try:
        secret, _ = create_key(db, workspace, role, role)
    finally:
        db.dispose()
    return {"Authorization": f"Bearer {secret}"}


def _created(client: TestClient, lang: str = "fa", **update: Any) -> tuple[dict[str, str], str]:
    editor = key("editor")
    content = drafted(lang).model_dump(mode="json") | update
    created = client.post(MAPS, headers=editor, json=content)
    assert created.status_code == 201, created.text
    return editor, f"{MAPS}/{created.json()['id']}"


def _is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"]
    return body


# -- request bodies -------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_with_or_without_content_length(
    client: TestClient,
) -> None:
    editor, base = _created(client)
    edit = {"patches": [{"path": "title", "value": "x" * 300 * 1024}]}
    declared = client.patch(base, headers={**editor, "If-Match": '"v1"'}, json=edit)
    assert _is_problem(declared, 413)["limit"] == 256 * 1024
    assert "262144" in declared.json()["detail"]

    raw = b'{"patches": [{"path": "title", "value": "' + b"y" * 300 * 1024 + b'"}]}'
    chunked = client.patch(
        base,
        headers={**editor, "If-Match": '"v1"', "Content-Type": "application/json"},
        content=iter([raw[i : i + 4096] for i in range(0, len(raw), 4096)]),
    )
    assert "content-length" not in chunked.request.headers
    assert _is_problem(chunked, 413)["limit"] == 256 * 1024
    assert client.get(base, headers=editor).json()["head"] == 1  # nothing stored


def test_a_sixty_mebibyte_title_is_refused_under_the_default_limit(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CJM_MAX_BODY_BYTES", raising=False)
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        _store_evidence("cx-ir")
        editor, base = _created(client)
        huge = {"patches": [{"path": "title", "value": "t" * 60 * 1024 * 1024}]}
        refused = client.patch(base, headers={**editor, "If-Match": '"v1"'}, json=huge)
        assert _is_problem(refused, 413)["limit"] == get_settings().max_body_bytes
        listed = client.get(MAPS, headers=editor)
        assert listed.status_code == 200 and len(listed.content) < 100_000


def test_a_streamed_body_is_not_read_past_its_limit(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CJM_MAX_BODY_BYTES", "4096")
    get_settings.cache_clear()
    read = 0
    sent: list[Message] = []

    async def endless() -> Message:
        nonlocal read
        read += 1024
        return {"type": "http.request", "body": b"x" * 1024, "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    asyncio.run(BodyLimit(app)(scope, endless, send))
    assert read <= 4096 + 1024
    assert sent[0]["status"] == 413


def test_uploads_keep_their_own_larger_limit(client: TestClient) -> None:
    editor = key("editor")
    text = ("The courier was late and the food was cold. " * 8000).encode()  # ~350 KiB
    assert len(text) > get_settings().max_body_bytes
    uploaded = client.post(
        "/v1/workspaces/cx-ir/documents",
        headers=editor,
        files={"files": ("notes.txt", text, "text/plain")},
        data={"kind": "feedback"},
    )
    assert uploaded.status_code == 202, uploaded.text


# -- texts ----------------------------------------------------------------------------------


def test_oversize_texts_are_422_naming_the_field(client: TestClient) -> None:
    editor, base = _created(client)
    too_long = [
        ("title", "t" * (MAX_LABEL + 1)),
        (f"{PAIN}/title", "t" * (MAX_LABEL + 1)),
        (f"{PAIN}/description", "d" * (MAX_TEXT + 1)),
        ("scope/product", "p" * (MAX_LABEL + 1)),
    ]
    for path, value in too_long:
        refused = client.patch(
            base,
            headers={**editor, "If-Match": '"v1"'},
            json={"patches": [{"path": path, "value": value}]},
        )
        assert path.split("/")[-1] in _is_problem(refused, 422)["detail"]
    posted = drafted("fa").model_dump(mode="json")
    posted["title"]["text"] = "t" * (MAX_LABEL + 1)
    body = _is_problem(client.post(MAPS, headers=editor, json=posted), 422)
    assert any(e["loc"][:2] == ["body", "title"] for e in body["errors"])
    assert client.get(base, headers=editor).json()["head"] == 1


def test_control_characters_are_cleaned_from_every_text_and_exports_work(
    client: TestClient,
) -> None:
    editor, base = _created(client)
    content = client.get(base, headers=editor).json()["content"]
    paths = [path for path, _ in walk_texts(content) if not path.startswith("coverage")]
    patches = [{"path": p, "value": f"{HOSTILE} {KEPT} {n}"} for n, p in enumerate(paths)]
    patches += [{"path": f"scope/{f}", "value": HOSTILE} for f in ("product", "segment", "goal")]
    for start in range(0, len(patches), 150):
        head = client.get(base, headers=editor).json()["head"]
        edited = client.patch(
            base,
            headers={**editor, "If-Match": f'"v{head}"'},
            json={"patches": patches[start : start + 150]},
        )
        assert edited.status_code == 200, edited.text
    stored = client.get(base, headers=editor).json()["content"]
    for n, path in enumerate(paths):
        text = dict(walk_texts(stored))[path]["text"]
        assert text == f"abcdefg {KEPT} {n}", path
    assert stored["scope"]["goal"] == "abcdefg"
    assert "\x7f" not in client.get(MAPS, headers=editor).json()["items"][0]["title"]
    for fmt in ("json", "md", "csv", "html"):
        exported = client.get(f"{base}/export", headers=editor, params={"format": fmt})
        assert exported.status_code == 200, (fmt, exported.text)


def test_control_characters_in_ids_and_lone_surrogates_are_refused(client: TestClient) -> None:
    editor, base = _created(client)
    for path, value in [
        (f"{PAIN}/id", "pp-\x7f"),
        (f"{PAIN}/id", "pp-\u202e1"),
        ("scope/workspace", "cx\x00"),
    ]:
        refused = client.patch(
            base,
            headers={**editor, "If-Match": '"v1"'},
            json={"patches": [{"path": path, "value": value}]},
        )
        _is_problem(refused, 422)
    posted = drafted("fa").model_dump(mode="json") | {"id": "map-\x1b"}
    _is_problem(client.post(MAPS, headers=editor, json=posted), 422)
    surrogate = b'{"patches": [{"path": "title", "value": "a\\ud800b"}]}'
    refused = client.patch(
        base,
        headers={**editor, "If-Match": '"v1"', "Content-Type": "application/json"},
        content=surrogate,
    )
    assert "title" in _is_problem(refused, 422)["detail"]
    assert client.get(base, headers=editor).json()["head"] == 1


# -- languages ------------------------------------------------------------------------------


def test_a_map_language_outside_the_five_is_refused(client: TestClient) -> None:
    editor, base = _created(client)
    patched = client.patch(
        base,
        headers={**editor, "If-Match": '"v1"'},
        json={"patches": [{"path": "language", "value": "other"}]},
    )
    assert "language" in _is_problem(patched, 422)["detail"]
    posted = drafted("fa").model_dump(mode="json") | {"language": "other"}
    _is_problem(client.post(MAPS, headers=editor, json=posted), 422)


def test_a_quote_in_another_language_renders_everywhere(client: TestClient) -> None:
    content = drafted("en").model_dump(mode="json")
    for _, quote in walk_quotes(content):
        quote["lang"] = "other"
    content["coverage"]["by_language"].append({"lang": "other", "count": 1})
    db = Database(get_settings())
    with db.session() as s:  # the stored evidence is in a language outside the five
        s.execute(update(ChunkRow).where(ChunkRow.workspace == "cx-ir").values(lang="other"))
    db.dispose()
    editor = key("editor")
    created = client.post(MAPS, headers=editor, json=content)
    assert created.status_code == 201, created.text
    base = f"{MAPS}/{created.json()['id']}"
    for fmt in ("json", "md", "csv", "html"):
        exported = client.get(f"{base}/export", headers=editor, params={"format": fmt})
        assert exported.status_code == 200, (fmt, exported.text)
    client.cookies.set("cjm_key", editor["Authorization"].removeprefix("Bearer "))
    page = client.get(f"/review/cx-ir/{created.json()['id']}")
    assert page.status_code == 200, page.text


# -- ids and races --------------------------------------------------------------------------


def test_the_same_id_lives_in_two_workspaces_and_clashes_within_one(client: TestClient) -> None:
    content = drafted("ru").model_dump(mode="json")
    ir, ru = key("editor", "cx-ir"), key("editor", "cx-ru")
    first = client.post(MAPS, headers=ir, json=content)
    # cx-ru holds none of the scenario's evidence: its copy quotes nothing
    second = client.post("/v1/workspaces/cx-ru/maps", headers=ru, json=scenario.unquoted(content))
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] == content["id"]  # nothing revealed
    clash = client.post(MAPS, headers=ir, json=content)
    assert content["id"] in _is_problem(clash, 409)["detail"]
    edit = client.patch(
        f"/v1/workspaces/cx-ru/maps/{content['id']}",
        headers={**ru, "If-Match": '"v1"'},
        json={"patches": [{"path": "title", "value": "только в cx-ru"}]},
    )
    assert edit.status_code == 200
    assert client.get(f"{MAPS}/{content['id']}", headers=ir).json()["head"] == 1


def test_racing_imports_of_one_id_give_one_map_and_409s(client: TestClient) -> None:
    editor = key("editor")
    content = drafted("th").model_dump(mode="json")
    threads = 30
    barrier = threading.Barrier(threads)

    def post(_: int) -> int:
        barrier.wait()
        return client.post(MAPS, headers=editor, json=content).status_code

    with ThreadPoolExecutor(threads) as pool:
        codes = sorted(pool.map(post, range(threads)))
    assert codes == [201] + [409] * (threads - 1)
    assert client.get(MAPS, headers=editor).json()["total"] == 1


def test_racing_lock_requests_lock_every_path(client: TestClient) -> None:
    editor, base = _created(client)
    content = client.get(base, headers=editor).json()["content"]
    paths = [p for p, _ in walk_texts(content)][:20]
    barrier = threading.Barrier(len(paths))

    def lock(path: str) -> int:
        barrier.wait()
        return client.post(f"{base}/locks", headers=editor, json={"paths": [path]}).status_code

    with ThreadPoolExecutor(len(paths)) as pool:
        assert set(pool.map(lock, paths)) == {200}
    assert sorted(client.get(base, headers=editor).json()["locked"]) == sorted(paths)


def _race(threads: int, work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(threads)

    def run(n: int) -> Any:
        barrier.wait()
        try:
            return work(n)
        except Exception as exc:  # noqa: BLE001 - the outcome is what is compared
            return type(exc).__name__

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, range(threads)))


def test_racing_writers_on_the_store_lose_nothing(repo: MapRepository) -> None:
    journey = drafted("zh")
    outcomes = _race(20, lambda n: repo.create("cx", journey, f"a{n}", keep_id=True).id)
    assert sorted(outcomes) == sorted([journey.id] + ["MapExists"] * 19)

    paths = [p for p, _ in walk_texts(journey.model_dump(mode="json"))][:20]
    assert _race(len(paths), lambda n: repo.lock("cx", journey.id, [paths[n]], f"a{n}").head)
    assert sorted(repo.get("cx", journey.id).locked) == sorted(paths)

    unlocked = _race(10, lambda n: repo.lock("cx", journey.id, [paths[n]], "a", unlock=True))
    assert all(not isinstance(u, str) for u in unlocked)
    assert sorted(repo.get("cx", journey.id).locked) == sorted(paths[10:])

    drafts = _race(10, lambda n: repo.create("cx", journey, f"a{n}").id)  # a job's drafts
    assert len(set(drafts)) == 10 and all(d.startswith(journey.id) for d in drafts)
    assert repo.list_maps("cx")[1] == 11

    unquoted = JourneyMap.model_validate(scenario.unquoted(journey.model_dump(mode="json")))
    other = repo.create("cx-other", unquoted, "b", keep_id=True)
    assert other.id == journey.id and repo.get("cx-other", journey.id).locked == []


def test_a_store_with_global_map_ids_is_upgraded(settings: Settings) -> None:
    url = settings.resolved_database_url()
    settings.ensure_home()
    engine = create_engine(url)
    with engine.begin() as conn:
        for ddl in OLD_TABLES:
            conn.execute(text(ddl))
        conn.execute(
            text(
                "INSERT INTO maps VALUES ('m1', 'cx', 'T', 'current_state', 'en', 'draft', 1,"
                " NULL, '[]', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        content = json.dumps(drafted("en").model_dump(mode="json") | {"id": "m1"})
        conn.execute(
            text(
                "INSERT INTO map_versions (map_id, number, content, reason, actor, created_at)"
                " VALUES ('m1', 1, :c, 'draft', 'a', '2026-01-01 00:00:00')"
            ),
            {"c": content},
        )
        conn.execute(
            text(
                "INSERT INTO map_events (map_id, version, actor, action, detail, at)"
                " VALUES ('m1', 1, 'a', 'draft', '', '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()
    repo = MapRepository(Database(settings))
    assert repo.get("cx", "m1").head == 1
    assert repo.version("cx", "m1").journey.id == "m1"
    assert [e.action for e in repo.history("cx", "m1")[0]] == ["draft"]
    assert "maps" not in inspect(repo.db.engine).get_table_names()
    assert revision(repo.db.engine).at_head
    scenario.store(repo.db, "cx")  # the evidence its quotes name, for the edit's checks
    assert repo.edit("cx", "m1", 1, [FieldPatch(path="title", value="new")], "b").head == 2


OLD_TABLES = (
    """CREATE TABLE maps (id VARCHAR(40) PRIMARY KEY, workspace VARCHAR(100), title TEXT,
       map_type VARCHAR(30), language VARCHAR(10), status VARCHAR(20), head INTEGER,
       approved_version INTEGER, locked JSON, created_at DATETIME, updated_at DATETIME)""",
    """CREATE TABLE map_versions (id INTEGER PRIMARY KEY AUTOINCREMENT,
       map_id VARCHAR(40) REFERENCES maps(id), number INTEGER, content JSON,
       reason VARCHAR(20), actor VARCHAR(200), created_at DATETIME)""",
    """CREATE TABLE map_events (id INTEGER PRIMARY KEY AUTOINCREMENT,
       map_id VARCHAR(40) REFERENCES maps(id), version INTEGER, actor VARCHAR(200),
       action VARCHAR(30), detail TEXT, at DATETIME)""",
    """CREATE TABLE map_comments (id VARCHAR(40) PRIMARY KEY,
       map_id VARCHAR(40) REFERENCES maps(id), anchor TEXT, parent_id VARCHAR(40),
       version INTEGER, author VARCHAR(200), body TEXT, resolved BOOLEAN, created_at DATETIME)""",
    """CREATE TABLE map_links (map_id VARCHAR(100) PRIMARY KEY, source_map_id VARCHAR(100),
       source_version INTEGER, glossary VARCHAR(64))""",
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_client(
    request: pytest.FixtureRequest, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    url = os.environ.get("CJM_TEST_DATABASE_URL")
    if request.param == "postgres":
        if not url:
            absent(NO_POSTGRES)
        monkeypatch.setenv("CJM_DATABASE_URL", url)
        get_settings.cache_clear()
        postgres.empty(url)
    with TestClient(create_app()) as c:
        _store_evidence("cx-ir")
        yield c
    if request.param == "postgres" and url:
        postgres.empty(url)


def test_control_characters_in_urls_comments_and_notes(any_client: TestClient) -> None:
    client = any_client
    editor, base = _created(client)
    for url in (f"{MAPS}/a%00b", f"{MAPS}/%7F", f"{base}/comments?anchor=ti%00tle"):
        assert "control character" in _is_problem(client.get(url, headers=editor), 422)["detail"]
    comment = client.post(
        f"{base}/comments", headers=editor, json={"anchor": "title", "body": HOSTILE}
    )
    assert comment.status_code == 201 and comment.json()["body"] == "abcdefg"
    submitted = client.post(
        f"{base}/submit", headers={**editor, "If-Match": '"v1"'}, json={"note": HOSTILE}
    )
    assert submitted.status_code == 200
    history = client.get(f"{base}/history", headers=editor).json()["items"]
    assert history[-1]["detail"] == "abcdefg"
    for bad_id in ("a/b", "../..", " ", "x" * 101):
        posted = drafted("fa").model_dump(mode="json") | {"id": bad_id}
        _is_problem(client.post(MAPS, headers=editor, json=posted), 422)


def test_a_version_stored_before_the_bounds_is_409_until_edited(client: TestClient) -> None:
    editor, base = _created(client)
    db = Database(get_settings())
    with db.session() as s:
        row = s.scalars(select(MapVersionRow)).one()
        row.content = {**row.content, "language": "other"}  # accepted by an older schema
    db.dispose()
    for url in (base, f"{base}/versions/1", f"{base}/export?format=md"):
        assert "language" in _is_problem(client.get(url, headers=editor), 409)["detail"]
    fixed = client.patch(
        base,
        headers={**editor, "If-Match": '"v1"'},
        json={"patches": [{"path": "language", "value": "fa"}]},
    )
    assert fixed.status_code == 200 and client.get(base, headers=editor).status_code == 200


def test_model_answers_keep_the_map_bounds_outside_the_strict_schema() -> None:
    for part in (ThemePart, PersonasPart, StageLanesPart, RecommendationsPart, FutureStagePart):
        assert "maxLength" not in json.dumps(to_strict_json_schema(part))
    with pytest.raises(ValidationError, match="title"):
        ThemePart(id="pp-1", title="t" * (MAX_LABEL + 1), description="d", quotes=[])


def test_a_map_cannot_grow_past_the_body_limit_edit_by_edit(client: TestClient) -> None:
    editor, base = _created(client)
    action = {"text": "a" * (MAX_TEXT - 10), "origin": "human"}
    codes = []
    for _ in range(8):  # each edit ~100 KB, under the 256 KiB body limit
        head = client.get(base, headers=editor).json()["head"]
        actions = client.get(base, headers=editor).json()["content"]["stages"][0]["actions"]
        edited = client.patch(
            base,
            headers={**editor, "If-Match": f'"v{head}"'},
            json={"patches": [{"path": "stages/0/actions", "value": actions + [action] * 20}]},
        )
        codes.append(edited.status_code)
    assert 200 in codes and codes[-1] == 413
    assert "limit" in _is_problem(edited, 413)["detail"]
    assert len(client.get(base, headers=editor).content) < 300 * 1024


@pytest.mark.parametrize("map_id", ["..", ".", "%2e%2e", "a\\b", "a?b", "a#b", " a", "a/b"])
def test_a_map_id_that_is_not_one_url_segment_is_refused(client: TestClient, map_id: str) -> None:
    content = drafted("fa").model_dump(mode="json") | {"id": map_id}
    _is_problem(client.post(MAPS, headers=key("editor"), json=content), 422)
    assert client.get(MAPS, headers=key("viewer")).json()["total"] == 0


def test_glossary_terms_lose_control_characters_and_keep_zwnj(client: TestClient) -> None:
    editor = key("editor")
    base = "/v1/workspaces/cx-ir/glossaries"
    term = {"fa": "پیک\x00 می\u200cرسد\x7f", "ru": "курьер\x1b", "th": "ไรเดอร์", "zh": "骑手\x85"}
    assert client.put(f"{base}/g", headers=editor, json={"terms": [term]}).status_code == 201
    csv = "fa,ru\nپیک\x00 می\u200cرسد,курьер\x07\n".encode()
    put = client.put(f"{base}/f/file", headers=editor, files={"file": ("g.csv", csv, "text/csv")})
    assert put.status_code == 201, put.text
    stored = client.get(f"{base}/g", headers=editor).json()["terms"][0]
    assert stored == {"fa": "پیک می\u200cرسد", "ru": "курьер", "th": "ไรเดอร์", "zh": "骑手"}
    from_file = client.get(f"{base}/f", headers=editor).json()["terms"][0]
    assert from_file == {"fa": "پیک می\u200cرسد", "ru": "курьер"}

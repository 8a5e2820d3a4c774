"""The review workflow on stored maps: versions, edits, diffs, status, regeneration, comments."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from knowledge.journey.review.actions import regeneration_base
from knowledge.journey.review.errors import MapNotFound, StaleVersion, TransitionRefused
from knowledge.journey.review.patches import FieldPatch
from knowledge.journey.review.repository import MapRepository
from knowledge.platform.errors import UserInputError
from tests.helpers.maps import PAIN, drafted

STAGE = "stages/delivery"


def test_a_full_review_cycle_is_versioned_and_audited(repo: MapRepository) -> None:
    info = repo.create("cx", drafted(), "ali@team")
    assert (info.status, info.head) == ("draft", 1)
    info = repo.transition("cx", info.id, "submit", 1, "ali@team")
    info = repo.transition("cx", info.id, "request_changes", 1, "sara@team", "titles too vague")
    assert info.status == "changes_requested"
    title = "تاخیر در ارسال و غذای سرد می‌رسد"  # Persian, ZWNJ kept
    info = repo.edit("cx", info.id, 1, [FieldPatch(path=f"{PAIN}/title", value=title)], "ali@team")
    assert (info.status, info.head) == ("draft", 2)
    info = repo.transition("cx", info.id, "submit", 2, "ali@team")
    info = repo.transition("cx", info.id, "approve", 2, "sara@team")
    assert (info.status, info.approved_version) == ("approved", 2)
    v1, v2 = repo.version("cx", info.id, 1), repo.version("cx", info.id, 2)
    pain1 = v1.journey.stages[0].pain_points[0]
    pain2 = v2.journey.stages[0].pain_points[0]
    assert pain1.title.origin == "inferred"  # versions are immutable
    assert (pain2.title.text, pain2.title.origin) == (title, "human")
    assert pain2.frequency == pain1.frequency
    events = [(e.version, e.actor, e.action) for e in repo.history("cx", info.id)[0]]
    assert events == [
        (1, "ali@team", "draft"),
        (1, "ali@team", "submit"),
        (1, "sara@team", "request_changes"),
        (2, "ali@team", "edit"),
        (2, "ali@team", "submit"),
        (2, "sara@team", "approve"),
    ]
    page, total = repo.history("cx", info.id, offset=4, limit=10)
    assert total == 6 and [e.action for e in page] == ["submit", "approve"]
    with pytest.raises(TransitionRefused, match="it is approved"):
        repo.transition("cx", info.id, "approve", 2, "sara@team")


def test_a_stale_edit_is_refused_and_loses_nothing(repo: MapRepository) -> None:
    info = repo.create("cx", drafted("ru"), "a")
    repo.edit("cx", info.id, 1, [FieldPatch(path="title", value="Карта доставки")], "a")
    with pytest.raises(StaleVersion) as stale:
        repo.edit("cx", info.id, 1, [FieldPatch(path="title", value="Другое")], "b")
    assert (stale.value.based_on, stale.value.head) == (1, 2)
    assert repo.get("cx", info.id).head == 2
    assert repo.version("cx", info.id).journey.title.text == "Карта доставки"


def test_concurrent_writers_on_one_head_one_wins(repo: MapRepository) -> None:
    info = repo.create("cx", drafted("th"), "a")
    writers = 6
    barrier = threading.Barrier(writers)

    def edit(n: int) -> str:
        barrier.wait()
        try:
            repo.edit("cx", info.id, 1, [FieldPatch(path="title", value=f"แผนที่ {n}")], f"w{n}")
        except StaleVersion:
            return "stale"
        return "ok"

    with ThreadPoolExecutor(writers) as pool:
        outcomes = sorted(pool.map(edit, range(writers)))
    assert outcomes == ["ok"] + ["stale"] * (writers - 1)
    assert repo.get("cx", info.id).head == 2
    assert [e.action for e in repo.history("cx", info.id)[0]] == ["draft", "edit"]


def test_edits_that_would_break_the_map_or_its_numbers_are_refused(repo: MapRepository) -> None:
    info = repo.create("cx", drafted("th"), "a")
    for patch, message in [
        (FieldPatch(path=f"{PAIN}/frequency", value=99), "not editable"),
        (FieldPatch(path="provenance/model", value="x"), "not editable"),
        (FieldPatch(path="stages/delivery/emotion/score", value=5), "invalid"),
        (FieldPatch(path="stages/nowhere/actions/0", value="x"), "no element"),
    ]:
        with pytest.raises(UserInputError, match=message):
            repo.edit("cx", info.id, 1, [patch], "a")
    assert repo.get("cx", info.id).head == 1


def test_diffs_say_which_stage_and_pain_point_changed(repo: MapRepository) -> None:
    info = repo.create("cx", drafted("zh"), "a")
    repo.edit(
        "cx",
        info.id,
        1,
        [
            FieldPatch(path=f"{PAIN}/title", value="配送太慢，饭菜变凉"),
            FieldPatch(path="stages/delivery/actions/1", value="打电话催单"),
        ],
        "a",
    )
    changes = {c.path: c for c in repo.diff("cx", info.id, 1, 2)}
    title = changes[f"{PAIN}/title"]
    assert title.kind == "changed" and title.new == "配送太慢，饭菜变凉"
    assert title.label.startswith("stage «配送» › pain point «")
    assert changes["stages/delivery/actions"].new[-1] == "打电话催单"
    assert repo.diff("cx", info.id, 2, 2) == []


def test_regenerating_keeps_human_edits_and_locked_fields(repo: MapRepository) -> None:
    info = repo.create("cx", drafted("en"), "a")
    repo.edit("cx", info.id, 1, [FieldPatch(path=f"{PAIN}/title", value="Cold, late food")], "a")
    repo.lock("cx", info.id, ["recommendations/rec-1"], "a")
    locked_before = repo.version("cx", info.id).content["recommendations"][0]
    fresh = drafted("en")
    fresh = fresh.model_copy(update={"recommendations": []})
    info, orphaned = repo.regenerate("cx", info.id, 2, fresh, "a")
    after = repo.version("cx", info.id, 3)
    assert after.journey.stages[0].pain_points[0].title.text == "Cold, late food"
    assert after.content["recommendations"] == [locked_before]
    assert orphaned == []


def test_a_regeneration_starts_from_the_head_of_a_map_drafted_from_evidence(
    repo: MapRepository,
) -> None:
    info = repo.create("cx", drafted("en"), "a")
    assert regeneration_base(repo, "cx", info.id, 1).id == info.id
    repo.edit("cx", info.id, 1, [FieldPatch(path="title", value="Delivery")], "a")
    with pytest.raises(StaleVersion):
        regeneration_base(repo, "cx", info.id, 1)
    future = repo.create("cx", drafted("en").model_copy(update={"map_type": "future_state"}), "a")
    with pytest.raises(UserInputError, match="drafting it again from its source"):
        regeneration_base(repo, "cx", future.id, 1)
    with pytest.raises(MapNotFound):
        regeneration_base(repo, "cx", "nope", 1)


def test_comments_are_anchored_threaded_and_resolvable(repo: MapRepository) -> None:
    info = repo.create("cx", drafted("fa"), "a")
    first = repo.comment("cx", info.id, f"{PAIN}/title", "عنوان دقیق‌تر؟", "sara")
    reply = repo.comment("cx", info.id, "ignored", "باشه", "ali", parent_id=first.id)
    assert reply.anchor == first.anchor and reply.parent_id == first.id
    repo.set_resolved("cx", info.id, first.id, True, "sara")
    repo.set_resolved("cx", info.id, first.id, False, "ali")
    comments, total = repo.comments("cx", info.id)
    assert [c.body for c in comments] == ["عنوان دقیق‌تر؟", "باشه"]  # ZWNJ kept
    assert comments[0].resolved is False and total == 2
    repo.comment("cx", info.id, STAGE, "ок", "ivan")
    repo.set_resolved("cx", info.id, reply.id, True, "ali")
    on_pain, total = repo.comments("cx", info.id, anchor=PAIN, open_only=True)
    assert [c.body for c in on_pain] == ["عنوان دقیق‌تر؟"] and total == 1
    assert repo.comments("cx", info.id, offset=2, limit=5)[0][0].body == "ок"
    with pytest.raises(UserInputError, match="no element"):
        repo.comment("cx", info.id, "stages/nowhere", "?", "a")


def test_a_map_is_invisible_from_another_workspace(repo: MapRepository) -> None:
    info = repo.create("cx", drafted("fa"), "a")
    with pytest.raises(MapNotFound):
        repo.get("cx-ru", info.id)
    with pytest.raises(MapNotFound):
        repo.edit("cx-ru", info.id, 1, [FieldPatch(path="title", value="x")], "b")
    assert repo.list_maps("cx-ru") == ([], 0)
    assert repo.list_maps("cx")[1] == 1

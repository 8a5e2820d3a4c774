"""Stage frameworks: the built-ins load and carry five languages; bad files name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.journey.frameworks import BUILTIN, FrameworkError, load_framework

LANGS = {"en", "fa", "ru", "th", "zh"}


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_frameworks_name_every_stage_in_five_languages(name: str) -> None:
    framework = load_framework(name)
    assert set(framework.name) == LANGS
    for stage in framework.stages:
        assert set(stage.names) == LANGS, stage.id
        assert stage.texts(), stage.id


def test_builtin_stage_lists() -> None:
    assert load_framework("aida").stage_ids == ["awareness", "interest", "desire", "action"]
    assert load_framework("six_stage").stage_ids == [
        "awareness",
        "consideration",
        "acquisition",
        "purchase",
        "service",
        "loyalty",
    ]
    assert load_framework("purchase").stage_ids == ["pre_purchase", "purchase", "post_purchase"]


def test_custom_framework_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "delivery.yaml"
    path.write_text(
        """id: delivery
name: {en: Delivery, fa: ارسال}
stages:
  - id: ordering
    names: {en: Ordering, fa: سفارش}
    descriptions:
      en: Choosing food and paying in the app.
      fa: انتخاب غذا و پرداخت در اپ.
    examples: [کد تخفیف کار نکرد, 优惠券用不了]
  - id: waiting
    names: {en: Waiting, th: รออาหาร}
    descriptions: {ru: "Ожидание доставки, опоздания курьера."}
""",
        encoding="utf-8",
    )
    framework = load_framework(str(path))
    assert framework.stage_ids == ["ordering", "waiting"]
    assert framework.stage("ordering").name("fa") == "سفارش"
    assert framework.stage("waiting").name("zh") == "Waiting"  # falls back to English
    assert "优惠券用不了" in framework.stage("ordering").texts()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "id: x\nname: {en: X}\nstages:\n  - id: a\n    names: {en: A}\n    examples: [hi]\n"
            "  - id: Bad Id\n    names: {en: B}\n    examples: [yo]\n",
            "line 7: stages.1.id",
        ),
        (
            "id: x\nname: {en: X}\nstages:\n  - id: a\n    names: {en: A}\n    examples: [hi]\n"
            "  - id: b\n    names: {de: B}\n    examples: [yo]\n",
            "line 8: stages.1.names: Value error, unknown language 'de'",
        ),
        (
            "id: x\nname: {en: X}\nstages:\n  - id: a\n    names: {en: A}\n    examples: [hi]\n"
            "  - id: a\n    names: {en: A2}\n    examples: [yo]\n",
            "used twice",
        ),
        (
            "id: x\nname: {en: X}\nstages:\n  - id: a\n    names: {en: A}\n    examples: [hi]\n"
            "  - id: b\n    names: {en: B}\n",
            "line 7: stages.1: Value error, a stage needs a description or examples",
        ),
        ("id: x\nname: {en: X\nstages: []\n", "line 3: not valid YAML"),
        ("- just\n- a list\n", "a YAML mapping"),
        ("id: x\x1f\n", "not valid YAML: unacceptable character #x001f"),
        (
            "id: x\nname: {en: X}\nstages:\n  - id: a\n    names: {en: A}\n    examples: [hi]\n"
            "    colour: red\n",
            "line 7: stages.0.colour: Extra inputs are not permitted",
        ),
    ],
)
def test_bad_framework_files_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(str(path))
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_unknown_framework_name() -> None:
    with pytest.raises(FrameworkError, match="aida, six_stage, purchase, food_delivery"):
        load_framework("kanban")

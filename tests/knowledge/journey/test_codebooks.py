"""Codebooks: the built-in and the bench domains' load, name every code in five languages and
fit their frameworks; mistakes name the file and line; an inline codebook codes evidence end to
end, its themes titled by the code's name in the map's language."""

from __future__ import annotations

import csv
import re
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from generator.analysis.analyze import AnalysisOptions, analyze
from generator.analysis.sentiment_map import SourceMapping
from generator.drafting.evidence_only import build_evidence_only_map
from knowledge.journey.codebook import Codebook, load_codebook
from knowledge.journey.frameworks import (
    BUILTIN,
    FrameworkError,
    codebook_for,
    load_framework,
    parse_framework,
)
from knowledge.journey.model import Scope
from knowledge.platform.errors import UserInputError
from knowledge.research.ingest import IngestOptions, Ingestor
from knowledge.search.filters import EvidenceFilter
from knowledge.search.library import Library
from knowledge.text.languages import script_counts

ROOT = Path(__file__).resolve().parents[3]
BENCH = ROOT / "bench" / "frameworks"
LANGS = {"fa", "ru", "th", "zh", "en"}
SCRIPT = {"fa": "arabic", "ru": "cyrillic", "th": "thai", "zh": "han", "en": "latin"}


# ---------------------------------------------------------------------- built-in codebook


def test_the_general_codebook_names_every_code_in_five_languages_and_scripts() -> None:
    codebook = load_codebook("cx_general")
    assert codebook.id == "cx_general"
    assert len(codebook.codes) >= 40
    assert len(set(codebook.code_ids)) == len(codebook.codes)
    for code in codebook.codes:
        assert set(code.names) >= LANGS, code.id
        for lang, name in code.names.items():
            scripts = script_counts(name)
            letters = sum(scripts.values())
            assert letters and scripts[SCRIPT[lang]] == letters, (code.id, lang, name)
        assert code.valence in ("negative", "positive", "neutral"), code.id
        assert code.description or code.examples, code.id


def test_the_general_codebook_gives_every_code_a_valence_explicitly() -> None:
    raw = yaml.safe_load(
        (files("knowledge.journey") / "codebooks" / "cx_general.yaml").read_text(encoding="utf-8")
    )
    missing = [c["id"] for c in raw["codes"] if "valence" not in c]
    assert missing == []


def test_the_general_codebooks_stages_exist_in_the_builtin_frameworks() -> None:
    codebook = load_codebook("cx_general")
    stage_ids = {name: set(load_framework(name).stage_ids) for name in BUILTIN}
    placed = 0
    for code in codebook.codes:
        assert set(code.stages) <= set(BUILTIN), code.id
        for framework_id, stage in code.stages.items():
            assert stage in stage_ids[framework_id], (code.id, framework_id, stage)
            placed += 1
    assert placed
    for name in BUILTIN:
        assert codebook.check_stages(name, sorted(stage_ids[name])) == []


@pytest.mark.parametrize("name", BUILTIN)
def test_every_builtin_framework_resolves_a_codebook(name: str) -> None:
    framework = load_framework(name)
    codebook = codebook_for(framework)
    assert isinstance(codebook, Codebook)
    assert codebook.id == "cx_general"
    # and the codes that have a stage in this framework have one it knows
    for code in codebook.codes:
        stage = code.stage_in(framework.id, framework.stage_ids)
        assert stage is None or stage in framework.stage_ids
    assert any(code.stage_in(framework.id, framework.stage_ids) for code in codebook.codes)


# ------------------------------------------------------------------ bench domain codebooks


@pytest.mark.parametrize("domain", ["restaurant", "airline", "banking_app", "food_delivery"])
def test_bench_codebooks_load_through_their_framework_files(domain: str) -> None:
    path = BENCH / f"{domain}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw["codebook"] == f"{domain}_codes.yaml"  # a path relative to the framework file
    framework = load_framework(str(path))
    codebook = framework.codebook
    assert isinstance(codebook, Codebook)
    assert codebook.id == f"{domain}_codes"
    assert codebook_for(framework) is codebook
    assert len(codebook.codes) >= 10
    for code in codebook.codes:
        assert code.stage in framework.stage_ids, (code.id, code.stage)
        assert code.valence in ("negative", "positive", "neutral"), code.id
        assert code.names.get("en"), code.id


def test_a_bench_framework_loads_from_a_path_relative_to_the_working_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    framework = load_framework("bench/frameworks/restaurant.yaml")
    assert isinstance(framework.codebook, Codebook)
    assert framework.codebook.id == "restaurant_codes"


# ---------------------------------------------------------------------------- mistakes

FRAMEWORK = """id: shop
name: {en: Shop, ru: Магазин}
stages:
  - id: ordering
    names: {en: Ordering, fa: سفارش}
    examples: [کد تخفیف کار نکرد, 优惠券用不了]
  - id: delivery
    names: {en: Delivery, ru: Доставка}
    examples: [курьер опоздал, ไรเดอร์มาช้า]
"""
CODES_HEAD = """id: shop_codes
name: {en: Shop codes}
codes:
  - id: late
    names: {en: Late, ru: Опоздание}
    description: {en: The courier was late.}
    valence: negative
    stage: delivery
"""
HERE = "# <- here"

MISTAKES = {
    "duplicate code id": (
        f"  - id: late  {HERE}\n    names: {{en: Late again}}\n    examples: [late again]\n",
        "'late' is used twice",
    ),
    "unknown language": (
        f"  - id: cold\n    names: {{en: Cold, de: Kalt}}  {HERE}\n    examples: [cold]\n",
        "unknown language 'de'",
    ),
    "neither description nor examples": (
        f"  - id: cold  {HERE}\n    names: {{en: Cold}}\n    valence: negative\n",
        "needs a description or examples",
    ),
    "YAML syntax": (
        f"  - id: cold\n    names: {{en: Cold}}}}  {HERE}\n    examples: [cold]\n",
        "not valid YAML",
    ),
    "stage not in the framework": (
        f"  - id: cold\n    names: {{en: Cold}}\n    examples: [cold food]\n"
        f"    stage: kitchen  {HERE}\n",
        "'kitchen'",
    ),
}


def _line_of_here(text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if HERE in line)


def _indented(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_mistake_in_a_codebook_file_names_the_file_and_line(tmp_path: Path, mistake: str) -> None:
    extra, message = MISTAKES[mistake]
    codes = tmp_path / "shop_codes.yaml"
    codes.write_text(CODES_HEAD + extra, encoding="utf-8")
    framework = tmp_path / "shop.yaml"
    framework.write_text(FRAMEWORK + "codebook: shop_codes.yaml\n", encoding="utf-8")
    with pytest.raises(UserInputError) as info:
        load_framework(str(framework))
    text = str(info.value)
    assert message in text
    assert str(codes) in text, text
    assert re.search(rf"\bline {_line_of_here(CODES_HEAD + extra)}\b", text), text


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_mistake_in_an_inline_codebook_names_the_framework_file_and_line(
    tmp_path: Path, mistake: str
) -> None:
    extra, message = MISTAKES[mistake]
    content = FRAMEWORK + "codebook:\n" + _indented(CODES_HEAD + extra)
    framework = tmp_path / "shop.yaml"
    framework.write_text(content, encoding="utf-8")
    with pytest.raises(UserInputError) as info:
        load_framework(str(framework))
    text = str(info.value)
    assert message in text
    assert str(framework) in text, text
    assert re.search(rf"\bline {_line_of_here(content)}\b", text), text


def test_codes_checked_alone_name_their_own_mistakes(tmp_path: Path) -> None:
    extra, message = MISTAKES["unknown language"]
    path = tmp_path / "codes.yaml"
    path.write_text(CODES_HEAD + extra, encoding="utf-8")
    with pytest.raises(UserInputError, match=message) as info:
        load_codebook(str(path))
    assert str(path) in str(info.value) and "line 10" in str(info.value)


def test_a_framework_naming_a_missing_codebook_file_says_which_and_where(
    tmp_path: Path,
) -> None:
    content = FRAMEWORK + f"codebook: shop_codes_v2.yaml  {HERE}\n"
    framework = tmp_path / "shop.yaml"
    framework.write_text(content, encoding="utf-8")
    with pytest.raises(UserInputError) as info:
        load_framework(str(framework))
    text = str(info.value)
    assert "shop_codes_v2.yaml" in text
    assert str(framework) in text, text
    assert re.search(rf"\bline {_line_of_here(content)}\b", text), text


def test_a_framework_sent_as_text_may_not_name_a_codebook_file(tmp_path: Path) -> None:
    codes = tmp_path / "shop_codes.yaml"
    codes.write_text(CODES_HEAD, encoding="utf-8")
    assert load_codebook(str(codes)).id == "shop_codes"  # the file itself is fine
    for named in (str(codes), "shop_codes.yaml", "../shop_codes.yaml"):
        content = FRAMEWORK + f"codebook: {named}\n"
        with pytest.raises(FrameworkError) as info:
            parse_framework(content, "framework_yaml")  # as over HTTP: no base path
        text = str(info.value)
        assert "framework_yaml" in text and "cx_general" in text
    # a built-in codebook or inline codes are fine
    assert parse_framework(FRAMEWORK + "codebook: cx_general\n", "framework_yaml").codebook
    inline = parse_framework(FRAMEWORK + "codebook:\n" + _indented(CODES_HEAD), "framework_yaml")
    assert isinstance(inline.codebook, Codebook) and inline.codebook.id == "shop_codes"


def test_refusing_a_codebook_file_in_a_framework_sent_as_text_names_the_line() -> None:
    content = FRAMEWORK + f"codebook: shop_codes.yaml  {HERE}\n"
    with pytest.raises(FrameworkError) as info:
        parse_framework(content, "framework_yaml")
    text = str(info.value)
    assert "framework_yaml" in text
    assert re.search(rf"\bline {_line_of_here(content)}\b", text), text


def test_codebook_none_means_no_codes(tmp_path: Path) -> None:
    framework = tmp_path / "shop.yaml"
    framework.write_text(FRAMEWORK + "codebook: none\n", encoding="utf-8")
    for loaded in (load_framework(str(framework)), parse_framework(framework.read_text(), "x")):
        assert loaded.codebook is None
        assert codebook_for(loaded) is None  # the framework said none: emergent themes only
    # without a word about codes, a framework gets the general codebook
    plain = parse_framework(FRAMEWORK, "x")
    codebook = codebook_for(plain)
    assert codebook is not None and codebook.id == "cx_general"
    assert codebook_for(plain, "none") is None


# ----------------------------------------------------------------- an inline codebook in use

INLINE_FRAMEWORK = """id: noodle_bar
name: {en: Noodle bar delivery, th: ร้านก๋วยเตี๋ยวเดลิเวอรี่, ru: Доставка лапши}
stages:
  - id: delivery
    names: {en: Delivery, th: การจัดส่ง, ru: Доставка}
    descriptions:
      en: Waiting for the rider, late delivery, the rider at the door.
      th: การรอไรเดอร์ ส่งช้า ไรเดอร์มาถึงหน้าบ้าน
      ru: Ожидание курьера, опоздания, курьер у двери.
    examples: [ไรเดอร์มาช้า, курьер опоздал, the rider was late]
  - id: food
    names: {en: Food, th: อาหาร, ru: Еда}
    descriptions:
      en: Taste, temperature and portions of the noodles that arrived.
      th: รสชาติ อุณหภูมิ และปริมาณของก๋วยเตี๋ยวที่ได้รับ
      ru: Вкус, температура и порции привезённой лапши.
    examples: [เส้นอืด, лапша слиплась, the soup was cold]
codebook:
  id: noodle_codes
  name: {en: Noodle bar codes}
  codes:
    - id: rider_late
      names: {en: Rider was late, th: ไรเดอร์มาส่งช้า, ru: Курьер опоздал}
      description:
        en: The rider arrived much later than the app promised.
        th: ไรเดอร์มาส่งช้ากว่าเวลาที่แอปแจ้งไว้มาก
        ru: Курьер приехал гораздо позже обещанного в приложении.
      examples: [รอไรเดอร์นานเป็นชั่วโมง, курьер опоздал на час, the rider came an hour late]
      valence: negative
      stage: delivery
    - id: soggy_noodles
      names: {en: Soggy or cold noodles, th: เส้นอืดและน้ำซุปเย็น, ru: Лапша разварилась и остыла}
      description:
        en: The noodles arrived soggy and swollen and the soup was cold.
        th: เส้นก๋วยเตี๋ยวอืด น้ำซุปเย็นชืด
        ru: Лапша разварилась и слиплась, бульон остыл.
      examples: [เส้นอืดหมดแล้ว น้ำซุปเย็น, лапша слиплась в комок, суп холодный]
      valence: negative
      stage: food
    - id: tasty_noodles
      names: {en: Tasty noodles, th: ก๋วยเตี๋ยวอร่อย, ru: Вкусная лапша}
      description:
        en: The noodles and the broth were delicious.
        th: ก๋วยเตี๋ยวและน้ำซุปอร่อยมาก
        ru: Лапша и бульон очень вкусные.
      examples: [น้ำซุปกลมกล่อม อร่อยมาก, очень вкусный бульон, delicious broth]
      valence: positive
      stage: food
"""

INLINE_REVIEWS = [
    ("th-1", 1, "ไรเดอร์มาส่งช้าไปชั่วโมงกว่า รอจนหิวไส้กิ่ว"),
    ("th-2", 1, "รอไรเดอร์นานมาก แอปบอกสิบห้านาทีแต่มาถึงเกือบชั่วโมง"),
    ("th-3", 2, "เส้นอืดหมดแล้ว น้ำซุปก็เย็นชืด กินไม่ลง"),
    ("th-4", 5, "น้ำซุปกลมกล่อมมาก เส้นเหนียวนุ่ม อร่อยสุดๆ"),
    ("ru-1", 1, "Курьер опоздал почти на час, хотя обещали двадцать минут."),
    ("ru-2", 2, "Ждали курьера больше часа, приложение всё время переносило время."),
    ("ru-3", 1, "Лапша разварилась и слиплась в комок, бульон совсем холодный."),
    ("ru-4", 5, "Очень вкусный бульон и нежная лапша, закажем ещё."),
]


def test_an_inline_codebook_codes_evidence_and_titles_themes_in_the_maps_language(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "noodle_bar.yaml"
    path.write_text(INLINE_FRAMEWORK, encoding="utf-8")
    framework = load_framework(str(path))
    codebook = codebook_for(framework)
    assert codebook is framework.codebook and codebook is not None
    assert codebook.code_ids == ["rider_late", "soggy_noodles", "tasty_noodles"]
    reviews = tmp_path / "reviews.csv"
    with reviews.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "rating", "text"])
        writer.writerows(INLINE_REVIEWS)
    assert Ingestor(library).run([reviews], IngestOptions(kind="review", workspace="n")).ok
    options = AnalysisOptions(
        scope=EvidenceFilter(workspace="n"),
        framework=framework,
        mapping=SourceMapping.parse(None, ["5"]),
        codebook=codebook,
    )
    analysis, evidence = analyze(library, options)
    assert analysis.codebook == "noodle_codes@1"
    code_of = {p.location["record_id"]: p.code for p in analysis.placements}
    # the late riders are coded as late in both languages, and so on
    assert code_of["th-1"] == code_of["ru-1"] == "rider_late", code_of
    assert code_of["th-3"] == code_of["ru-3"] == "soggy_noodles", code_of
    assert code_of["th-4"] == code_of["ru-4"] == "tasty_noodles", code_of
    coded = [t for t in analysis.themes if t.code is not None]
    assert {t.code for t in coded} == {"rider_late", "soggy_noodles", "tasty_noodles"}
    for theme in coded:
        definition = codebook.code(theme.code or "")
        assert theme.title_in("th") == definition.names["th"]
        assert theme.title_in("ru") == definition.names["ru"]
        assert theme.title_in("en") == definition.names["en"]
        assert theme.stage == definition.stage
    late = next(t for t in coded if t.code == "rider_late")
    assert late.is_pain and {"th", "ru"} <= set(late.frequency_by_language)
    assert next(t for t in coded if t.code == "tasty_noodles").is_delight
    scope = Scope(workspace="n", product=None, segment=None, goal=None, languages=[], kinds=[])
    journey = build_evidence_only_map(analysis, evidence, framework, "th", scope)
    pains = {p.title.text for s in journey.stages for p in s.pain_points}
    delights = {d.title.text for s in journey.stages for d in s.delighters}
    assert {"ไรเดอร์มาส่งช้า", "เส้นอืดและน้ำซุปเย็น"} <= pains
    assert "ก๋วยเตี๋ยวอร่อย" in delights
    assert [s.name.text for s in journey.stages] == ["การจัดส่ง", "อาหาร"]

"""Glossary files: CSV and YAML in five languages, terms kept as written, mistakes by line."""

from __future__ import annotations

import pytest

from knowledge.translation.glossary import Glossary, GlossaryError, parse_glossary
from tests.helpers.glossaries import CSV, YAML


def test_csv_and_yaml_glossaries_keep_terms_as_written() -> None:
    g = parse_glossary(CSV, "delivery", "csv")
    assert len(g.terms) == 3 and g.languages() == ["en", "fa", "ru", "th", "zh"]
    assert g.terms[1]["fa"] == "زمان\u200cتحویل"  # ZWNJ kept
    assert g.terms[2] == {"en": "refund", "fa": "بازپرداخت", "th": "คืนเงิน"}
    assert g.pairs("fa", "zh") == [("پیک", "骑手"), ("زمان\u200cتحویل", "配送时间")]
    y = parse_glossary(YAML, "delivery", "yaml")
    assert y.terms[1] == {"en": "delivery time", "fa": "زمان\u200cتحویل", "th": "เวลาจัดส่ง"}
    flat = parse_glossary("- {ru: заказ, zh: 订单}\n", "x", "yml")
    assert flat.pairs("ru", "zh") == [("заказ", "订单")]


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("en,de\nx,y\n", "csv", "line 1: header 'de' is not a language code"),
        ("en,fa\ncourier,پیک\nrider\n", "csv", "line 3: a term needs words in at least two"),
        ("en,fa\na,b,c\n", "csv", "line 2: 3 cells under 2 headers"),
        ("en,ru\ncourier,курьер\nCourier,доставщик\n", "csv", "line 3: the en term 'Courier'"),
        ("terms:\n  - {en: a, fa: b}\n  - {en: c, xx: d}\n", "yaml", "line 3: 'xx' is not"),
        ("terms:\n  - {en: a, fa: [b\n", "yaml", "not valid YAML"),
        ("name: x\n", "yaml", "line 1: expected a list under terms:"),
        ("", "csv", "empty"),
        ("en,fa\n", "csv", "no terms"),
        ("en,fa\na,b\n", "xlsx", "a .csv or .yaml file"),
    ],
)
def test_glossary_mistakes_name_their_line(text: str, fmt: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message.replace("[", r"\[")):
        parse_glossary(text, "g", fmt)


def test_glossary_names_and_sizes_are_bounded() -> None:
    with pytest.raises(ValueError, match="glossary name"):
        Glossary(name="../etc", terms=[{"en": "a", "fa": "b"}])
    with pytest.raises(GlossaryError, match="over 200 characters"):
        Glossary(name="g", terms=[{"en": "a" * 201, "fa": "b"}])

"""Glossary files for the tests: ``CSV`` and ``YAML``, the same terms in five languages (a BOM,
a blank line, a missing translation, ZWNJ kept)."""

from __future__ import annotations

CSV = (
    "\ufeffen,fa,ru,th,zh\n"
    "courier,پیک,курьер,ไรเดอร์,骑手\n"
    "delivery time,زمان‌تحویل,время доставки,เวลาจัดส่ง,配送时间\n"
    "\n"
    "refund,بازپرداخت,,คืนเงิน,\n"
)
YAML = """\
terms:
  - {en: courier, fa: پیک, zh: 骑手}
  - en: delivery time
    fa: زمان‌تحویل
    th: เวลาจัดส่ง
"""

"""JSON for a ``<script>`` element of a page. ``<``, ``>`` and ``&`` are written as ``\\u003c``,
``\\u003e`` and ``\\u0026``, so no text in the data (``</script>``, ``<!--<script>``, ``]]>``)
can end the element or switch the HTML parser into another state; U+2028 and U+2029 are
escaped for older JavaScript parsers. ``JSON.parse`` reads back exactly the same strings."""

from __future__ import annotations

import json
from typing import Any

ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in ESCAPES.items():
        text = text.replace(char, escaped)
    return text

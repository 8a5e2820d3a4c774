"""What a failed model job leaves for debugging: ``CJM_HOME/failed/<kind>-<time>.json`` with
the part, the reason, the attempts, the errors and the last raw answer. The file is named
after the job kind (draft, translate, ask) so a reader knows which command left it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from generator.llm.errors import LLMError, ModelTaskFailed

JobKind = Literal["draft", "translate", "ask"]


def save_failure(home: Path, kind: JobKind, exc: LLMError) -> Path:
    folder = home / "failed"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}.json"
    data = exc.as_dict() if isinstance(exc, ModelTaskFailed) else {"error": str(exc)}
    data = {"job": kind, **data}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

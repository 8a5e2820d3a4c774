"""Logs of a running server or worker: plain lines for a person at a terminal, or one JSON
object per line for a log collector (``CJM_LOG_FORMAT=json``). Every line written while an HTTP
request is served — and by the jobs it started — carries that request's id, the one its
response's ``X-Request-ID`` header shows."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]
REQUEST_ID: ContextVar[str | None] = ContextVar("cjm_request_id", default=None)
# what a line may say besides its message (set with ``extra=``)
FIELDS = ("method", "path", "status", "ms", "job_id", "kind")


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served where it was written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        entry.update({k: getattr(record, k) for k in FIELDS if hasattr(record, k)})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [{request_id}]" if request_id else line


def handler(log_format: LogFormat, stream: Any = None) -> logging.Handler:
    """A handler writing ``log_format`` lines to ``stream`` (stderr), request ids stamped."""
    made = logging.StreamHandler(stream or sys.stderr)
    made.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    made.addFilter(RequestIdFilter())
    made.set_name("cjm")
    return made


def configure(log_format: LogFormat, level: str = "info") -> None:
    """Every logger's lines (the product's, the server's) through one handler of ours."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "cjm"]:
        root.removeHandler(old)
    root.addHandler(handler(log_format))
    root.setLevel(level.upper())

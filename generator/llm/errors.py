"""Everything that can go wrong talking to a language model, with the data to debug it.

Model failures are a branch of the product's error tree of their own (not the library's): the
model returned junk, a bad reply or an answer cut off beyond recovery → 502; the model is
unreachable, failing, rate limited after the retries, or none is configured → 503 (with
Retry-After when the endpoint said); it timed out or the job's deadline passed → 504. The
command line exits 1 for all of them, 2 when the model settings are missing (``LLMConfigError``:
the user's to fix there).

The ``TransientLLMError`` family may succeed on a later attempt; ``LLMRequestError`` will not;
``ModelTaskFailed`` ends a task (a draft, a translation, an answer) after its attempts, and
answers as the failure that ended it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from knowledge.platform.errors import CJMError

ModelTask = Literal["draft", "translation", "answer"]


class LLMError(CJMError):
    """Base of every language-model failure: the model gave nothing usable (502)."""

    http_status: ClassVar[int] = 502
    title: ClassVar[str] = "Bad gateway"
    exit_code: ClassVar[int] = 1


class LLMConfigError(LLMError):
    """The model settings are missing or inconsistent (a server configuration problem: the
    request is fine and works where a model is configured)."""

    http_status = 503
    title = "Service unavailable"
    exit_code = 2


class TransientLLMError(LLMError):
    """A failure a later attempt may not have: rate limit, server error, timeout, network (the
    model unreachable: 503)."""

    http_status = 503
    title = "Service unavailable"

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(TransientLLMError):
    pass


class ServerError(TransientLLMError):
    pass


class LLMTimeout(TransientLLMError):
    http_status = 504
    title = "Gateway timeout"


class BadReply(TransientLLMError):
    """The endpoint answered (often HTTP 200) with something that is not a chat completion: an
    HTML page, plain text, invalid JSON, or JSON without choices. A proxy or an overloaded
    server does this; a later attempt may get a real answer."""

    http_status = 502
    title = "Bad gateway"

    def __init__(self, message: str, raw: str | None = None) -> None:
        super().__init__(message)
        self.raw = raw


class LLMRequestError(LLMError):
    """The endpoint rejected the request (bad key, unknown model, unsupported option): the
    server's model settings do not work with it (503)."""

    http_status = 503
    title = "Service unavailable"

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class OutputTruncated(LLMError):
    """The answer stopped at the output-token limit; the caller should ask for less at once."""

    def __init__(self, task: str, raw: str, kind: ModelTask = "draft") -> None:
        super().__init__(f"{task}: the model's answer was cut off at the output-token limit")
        self.task = task
        self.raw = raw
        self.kind = kind


class DeadlineExceeded(LLMError):
    """The job ran out of its time budget."""

    http_status = 504
    title = "Gateway timeout"


class ModelTaskFailed(LLMError):
    """A part of a model task (``kind``: a draft, a translation, an answer) could not be done
    within its attempts; the message says which task and part. Carries what is needed to debug
    it, and answers as the failure that ended it (``cause``: a timeout 504, a server error or
    rate limit 503, junk 502). ``checks_failed``: the model answered, but every answer failed
    the task's checks (grounding, screening)."""

    kind: ModelTask = "draft"

    def __init__(
        self,
        task: str,
        reason: str,
        attempts: int,
        last_raw: str | None,
        errors: list[str],
        *,
        kind: ModelTask | None = None,
        cause: type[LLMError] | None = None,
        retry_after: float | None = None,
        checks_failed: bool = False,
    ) -> None:
        if kind is not None:
            self.kind = kind
        detail = "; ".join(errors[:8]) + (f" (+{len(errors) - 8} more)" if len(errors) > 8 else "")
        super().__init__(
            f"{self.kind} failed: {task}: {reason} after {attempts} attempt(s)"
            + (f": {detail}" if detail else "")
        )
        self.task = task
        self.reason = reason
        self.attempts = attempts
        self.last_raw = last_raw
        self.errors = errors
        self.cause = cause
        self.retry_after = retry_after
        self.checks_failed = checks_failed

    @staticmethod
    def of(
        kind: ModelTask,
        task: str,
        reason: str,
        attempts: int,
        last_raw: str | None,
        errors: list[str],
        *,
        cause: type[LLMError] | None = None,
        retry_after: float | None = None,
        checks_failed: bool = False,
    ) -> ModelTaskFailed:
        """The failure of a ``kind`` task: a ``DraftFailed`` for a draft."""
        failed = DraftFailed if kind == "draft" else ModelTaskFailed
        return failed(
            task,
            reason,
            attempts,
            last_raw,
            errors,
            kind=kind,
            cause=cause,
            retry_after=retry_after,
            checks_failed=checks_failed,
        )

    def answered_as(self) -> type[CJMError]:
        return self.cause or type(self)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "task": self.task,
            "reason": self.reason,
            "attempts": self.attempts,
            "errors": self.errors,
            "last_raw_output": self.last_raw,
        }


class DraftFailed(ModelTaskFailed):
    """A part of a draft could not be drafted within its attempts."""

    kind: ModelTask = "draft"


def retry_after(headers: Mapping[str, Any]) -> float | None:
    """Seconds an endpoint asked to wait (``retry-after-ms`` or ``retry-after`` in seconds);
    None when it did not say, or said it as a date."""
    lowered = {str(k).lower(): v for k, v in headers.items()}
    for name in ("retry-after-ms", "retry-after"):
        value = lowered.get(name)
        if value is None:
            continue
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            return None
        return seconds / 1000 if name.endswith("-ms") else seconds
    return None

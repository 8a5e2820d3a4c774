"""Everything that can go wrong talking to a language model, with the data to debug it.

``LLMConfigError`` is the user's to fix (settings); the ``TransientLLMError`` family may succeed
on a later attempt; ``LLMRequestError`` will not; ``DraftFailed`` ends a job after its attempts.
"""

from __future__ import annotations

from knowledge.platform.errors import KnowledgeError, UserInputError


class LLMError(KnowledgeError):
    """Base of every language-model failure."""


class LLMConfigError(UserInputError, LLMError):
    """The model settings are missing or inconsistent."""


class TransientLLMError(LLMError):
    """A failure a later attempt may not have: rate limit, server error, timeout, network."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(TransientLLMError):
    pass


class ServerError(TransientLLMError):
    pass


class LLMTimeout(TransientLLMError):
    pass


class BadReply(TransientLLMError):
    """The endpoint answered (often HTTP 200) with something that is not a chat completion: an
    HTML page, plain text, invalid JSON, or JSON without choices. A proxy or an overloaded
    server does this; a later attempt may get a real answer."""

    def __init__(self, message: str, raw: str | None = None) -> None:
        super().__init__(message)
        self.raw = raw


class LLMRequestError(LLMError):
    """The endpoint rejected the request (bad key, unknown model, unsupported option)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class OutputTruncated(LLMError):
    """The answer stopped at the output-token limit; the caller should ask for less at once."""

    def __init__(self, task: str, raw: str) -> None:
        super().__init__(f"{task}: the model's answer was cut off at the output-token limit")
        self.task = task
        self.raw = raw


class DeadlineExceeded(LLMError):
    """The job ran out of its time budget."""


class DraftFailed(LLMError):
    """A part could not be drafted within its attempts. Carries what is needed to debug it."""

    def __init__(
        self, task: str, reason: str, attempts: int, last_raw: str | None, errors: list[str]
    ) -> None:
        detail = "; ".join(errors[:8]) + (f" (+{len(errors) - 8} more)" if len(errors) > 8 else "")
        super().__init__(
            f"{task}: {reason} after {attempts} attempt(s)" + (f": {detail}" if detail else "")
        )
        self.task = task
        self.reason = reason
        self.attempts = attempts
        self.last_raw = last_raw
        self.errors = errors

    def as_dict(self) -> dict[str, object]:
        return {
            "task": self.task,
            "reason": self.reason,
            "attempts": self.attempts,
            "errors": self.errors,
            "last_raw_output": self.last_raw,
        }

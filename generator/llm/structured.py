"""Ask for a structured answer: send, parse, validate (schema and grounding), re-ask with the
errors, and give up loudly.

Every request counts against one attempt budget per part — retries after rate limits, server
errors and timeouts as well as re-asks after invalid answers — and against the job's deadline.
A refusal ends the part at once; an answer cut off at the token limit raises
``OutputTruncated`` so the caller can split the part instead of asking again for the same —
unless the part cannot be split (one persona, one text to translate): then it is asked again
with a larger output budget (up to ``TRUNCATION_GROWTH`` times the setting) and a request for
a shorter answer, and fails readably when every attempt is cut off.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.llm.errors import (
    BadReply,
    DeadlineExceeded,
    LLMError,
    LLMRequestError,
    ModelTask,
    ModelTaskFailed,
    OutputTruncated,
    TransientLLMError,
)
from generator.llm.interface import ChatModel, ChatRequest, Message
from knowledge.journey.model import ModelCall

T = TypeVar("T", bound=BaseModel)
Validator = Callable[[T], list[str]]

_FENCED_JSON = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
RAW_IN_ERROR = 4000
TRUNCATION_GROWTH = 4
SHORTER = (
    "Your answer was cut off at the output-token limit. Answer again with the whole JSON "
    "object, shorter: brief texts, no more items than asked for, nothing repeated."
)


class Deadline:
    """The time a whole job may take, shared by all its parts."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.ends = clock() + seconds
        self.seconds = seconds

    def remaining(self) -> float:
        return self.ends - self.clock()


@dataclass
class CallPolicy:
    max_attempts: int = 4
    timeout_s: float = 120.0
    max_output_tokens: int = 4096
    max_retry_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Asked:
    """Records of every part asked in one job (for the map's provenance)."""

    calls: list[ModelCall] = field(default_factory=list)


JSON_MODE_HINT = (
    "Answer with one JSON object, nothing else, that validates against this JSON schema:\n"
)


def json_mode_hint(schema: dict[str, Any]) -> str:
    """What a system message adds for a model that only promises JSON (``json_mode``): the
    schema the answer must fit, as every client sends it."""
    return JSON_MODE_HINT + json.dumps(schema, ensure_ascii=False)


def parse_json(raw: str, output: type[T]) -> tuple[T | None, list[str]]:
    """The answer as ``output``, or the readable reasons it is not one."""
    text = raw.strip()
    match = _FENCED_JSON.match(text)
    if match:
        text = match.group(1)
    if not text:
        return None, ["the answer was empty; answer with one JSON object"]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        return None, [f"the answer is not valid JSON ({exc.msg} at {where})"]
    try:
        return output.model_validate(data), []
    except ValidationError as exc:
        errors = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"]) or "(top level)"
            errors.append(f"{where}: {e['msg']}")
        return None, errors


def _reask(errors: list[str]) -> str:
    listed = "\n".join(f"- {e}" for e in errors[:30])
    return (
        "Your answer could not be accepted:\n"
        f"{listed}\n"
        "Answer again with the whole corrected JSON object, following every instruction."
    )


def ask(
    model: ChatModel,
    *,
    task: str,
    prompt_version: str,
    part: str,
    system: str,
    user: str,
    output: type[T],
    validate: Callable[[T], list[str]] | None = None,
    policy: CallPolicy,
    deadline: Deadline,
    asked: Asked | None = None,
    splittable: bool = True,
    kind: ModelTask = "draft",
) -> T:
    messages = [Message("system", system), Message("user", user)]
    max_tokens = policy.max_output_tokens
    truncated = False
    attempts = 0
    last_raw: str | None = None
    errors: list[str] = []
    cause: type[LLMError] | None = None  # what ended the last attempt, when not a bad answer
    checks_failed = False  # the last answer was well formed but failed the task's checks
    retry_after: float | None = None
    prompt_tokens = completion_tokens = prompt_chars = completion_chars = 0
    started = time.monotonic()

    def record() -> None:
        if asked is not None:
            asked.calls.append(
                ModelCall(
                    part=part,
                    prompt_version=prompt_version,
                    attempts=max(attempts, 1),
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    prompt_chars=prompt_chars,
                    completion_chars=completion_chars,
                    seconds=round(time.monotonic() - started, 3),
                )
            )

    while attempts < policy.max_attempts:
        remaining = deadline.remaining()
        if remaining <= 0:
            record()
            raise DeadlineExceeded(
                f"{kind} failed: {part}: the job's deadline of {deadline.seconds:.0f} s passed "
                f"after {attempts} attempt(s)"
            )
        attempts += 1
        request = ChatRequest(
            task=task,
            messages=tuple(messages),
            output=output,
            max_output_tokens=max_tokens,
            timeout_s=min(policy.timeout_s, remaining),
        )
        prompt_chars += request.prompt_chars
        try:
            reply = model.complete(request)
        except TransientLLMError as exc:
            errors = [str(exc)]
            cause, checks_failed, retry_after = type(exc), False, exc.retry_after
            if isinstance(exc, BadReply) and exc.raw is not None:
                last_raw = exc.raw
            wait = exc.retry_after if exc.retry_after is not None else min(2.0**attempts, 30.0)
            if wait > policy.max_retry_wait or wait >= deadline.remaining():
                record()
                raise ModelTaskFailed.of(
                    kind,
                    part,
                    f"{exc} (asked to wait {wait:.0f} s)",
                    attempts,
                    last_raw,
                    errors,
                    cause=type(exc),
                    retry_after=exc.retry_after,
                ) from exc
            if attempts < policy.max_attempts:
                policy.sleep(wait)
            continue
        except LLMRequestError as exc:
            record()
            raise ModelTaskFailed.of(
                kind, part, str(exc), attempts, last_raw, [str(exc)], cause=type(exc)
            ) from exc
        prompt_tokens += reply.usage.prompt_tokens
        completion_tokens += reply.usage.completion_tokens
        completion_chars += len(reply.text)
        last_raw = reply.text[:RAW_IN_ERROR] if reply.text else reply.refusal
        if reply.refusal:
            record()
            raise ModelTaskFailed.of(
                kind,
                part,
                f"the model refused: {reply.refusal}",
                attempts,
                last_raw,
                [reply.refusal],
            )
        truncated = reply.finish_reason == "length"
        if truncated and splittable:
            record()
            raise OutputTruncated(part, reply.text, kind)
        if truncated:
            errors = [f"cut off at {max_tokens} output tokens"]
            cause, checks_failed, retry_after = OutputTruncated, False, None
            max_tokens = min(max_tokens * 2, policy.max_output_tokens * TRUNCATION_GROWTH)
            messages = [*messages[:2], Message("user", SHORTER)]
            continue
        if reply.finish_reason == "content_filter":
            record()
            raise ModelTaskFailed.of(
                kind,
                part,
                "the endpoint's content filter stopped the answer",
                attempts,
                last_raw,
                [],
            )
        value, errors = parse_json(reply.text, output)
        cause, checks_failed, retry_after = None, False, None
        if value is not None and validate is not None:
            errors = validate(value)
            checks_failed = bool(errors)
        if value is not None and not errors:
            record()
            return value
        messages += [Message("assistant", reply.text), Message("user", _reask(errors))]
    record()
    if truncated:
        raise ModelTaskFailed.of(
            kind,
            part,
            "every answer was cut off at the output-token limit, even when asked for a shorter "
            "one; raise CJM_LLM_MAX_OUTPUT_TOKENS",
            attempts,
            last_raw,
            errors,
            cause=OutputTruncated,
        )
    raise ModelTaskFailed.of(
        kind,
        part,
        "no valid answer",
        attempts,
        last_raw,
        errors,
        cause=cause,
        retry_after=retry_after,
        checks_failed=checks_failed,
    )

"""When an answer is cut off at the output-token limit, ask for half as much twice instead of
asking for the same again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from generator.llm.errors import ModelTaskFailed, OutputTruncated

I = TypeVar("I")  # noqa: E741
R = TypeVar("R")


def split_on_truncation(items: Sequence[I], run: Callable[[Sequence[I]], R]) -> list[R]:
    """``[run(items)]``, or the results of the halves (recursively) while answers are cut off.
    A single item whose answer is still cut off fails the part."""
    try:
        return [run(items)]
    except OutputTruncated as exc:
        if len(items) <= 1:
            raise ModelTaskFailed.of(
                exc.kind,
                exc.task,
                "the answer was cut off at the output-token limit even for the smallest part; "
                "raise CJM_LLM_MAX_OUTPUT_TOKENS",
                1,
                exc.raw[-2000:],
                [],
                cause=OutputTruncated,
            ) from exc
        half = (len(items) + 1) // 2
        return split_on_truncation(items[:half], run) + split_on_truncation(items[half:], run)

"""One error tree for the product: every class carries its HTTP status, problem title and exit
code; mistakes a user can fix are 4xx, model failures 502/503/504 and a branch of their own."""

from __future__ import annotations

import importlib

import pytest

from generator.llm.errors import (
    BadReply,
    DeadlineExceeded,
    DraftFailed,
    LLMConfigError,
    LLMError,
    LLMTimeout,
    ModelTaskFailed,
    OutputTruncated,
    RateLimited,
    ServerError,
)
from knowledge.platform.errors import CJMError, LibraryError, UserInputError

# every module that defines errors of the tree
MODULES = [
    "knowledge.platform.errors",
    "knowledge.platform.keys",
    "knowledge.journey.review.errors",
    "knowledge.journey.review.integrity",
    "knowledge.journey.review.paths",
    "knowledge.journey.codebook",
    "knowledge.journey.frameworks",
    "knowledge.translation.glossary.model",
    "generator.llm.errors",
    "prompts.templates",
    "api.http.problems",
    "api.http.uploads",
    "api.web.chromium",
]


def tree() -> list[type[CJMError]]:
    for module in MODULES:
        importlib.import_module(module)
    found: list[type[CJMError]] = []
    todo: list[type[CJMError]] = [CJMError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_class_of_the_tree_carries_its_status_title_and_exit_code() -> None:
    classes = tree()
    assert len(classes) > 30
    for cls in classes:
        assert isinstance(cls.http_status, int) and 400 <= cls.http_status < 600, cls
        assert isinstance(cls.title, str) and cls.title, cls
        assert cls.exit_code in (1, 2), cls
        if issubclass(cls, UserInputError):
            assert 400 <= cls.http_status < 500 and cls.exit_code == 2, cls
        if issubclass(cls, LLMError):
            assert cls.http_status in (502, 503, 504), cls
            assert not issubclass(cls, UserInputError | LibraryError), cls  # a branch of its own
        if issubclass(cls, LibraryError):
            assert cls.http_status >= 500 and cls.exit_code == 1, cls


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (BadReply("an HTML page, not a chat completion"), 502),
        (OutputTruncated("personas", "{"), 502),
        (ServerError("HTTP 500"), 503),
        (RateLimited("HTTP 429", retry_after=30), 503),
        (LLMConfigError("set CJM_LLM_MODEL"), 503),
        (LLMTimeout("timed out"), 504),
        (DeadlineExceeded("the job's deadline passed"), 504),
    ],
)
def test_model_failures_are_gateway_problems(error: LLMError, status: int) -> None:
    assert error.answered_as().http_status == status


def test_a_failed_task_names_itself_and_answers_as_what_ended_it() -> None:
    draft = ModelTaskFailed.of("draft", "personas", "no valid answer", 3, None, ["junk"])
    assert isinstance(draft, DraftFailed) and str(draft).startswith("draft failed: personas:")
    assert draft.answered_as().http_status == 502 and draft.as_dict()["kind"] == "draft"
    translation = ModelTaskFailed.of(
        "translation", "translate:1", "timed out", 4, None, ["timed out"], cause=LLMTimeout
    )
    assert not isinstance(translation, DraftFailed)
    assert str(translation).startswith("translation failed: translate:1:")
    assert translation.answered_as().http_status == 504 and translation.exit_code == 1
    answer = ModelTaskFailed.of(
        "answer", "answer", "rate limited", 1, None, [], cause=RateLimited, retry_after=90
    )
    assert str(answer).startswith("answer failed:") and answer.answered_as().http_status == 503
    assert answer.retry_after == 90


def test_a_field_is_carried_not_a_flag() -> None:
    error = UserInputError("lang must be one of fa, ru, th, zh, en", field="lang")
    assert error.field == "lang" and "--" not in str(error)
    assert UserInputError("plain").field is None

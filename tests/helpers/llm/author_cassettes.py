"""Author every cassette of the tests in tests/generator/llm in the OpenAI wire format,
without an endpoint:

    python -m tests.helpers.llm.author_cassettes

Runs the cassette tests with CJM_AUTHOR_CASSETTES=1: each test's listed responses are served
to the real openai client by a mock transport while vcrpy records requests and responses."""

from __future__ import annotations

import os
import sys

import pytest

from tests.helpers.llm.cassettes import CASSETTES

if __name__ == "__main__":
    os.environ["CJM_AUTHOR_CASSETTES"] = "1"
    for old in CASSETTES.glob("*.yaml"):
        old.unlink()
    sys.exit(
        pytest.main(
            [
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/generator/llm/test_openai_client.py",
                "tests/generator/llm/test_contract.py",
                "tests/generator/llm/test_translation_cassettes.py",
                "tests/generator/llm/test_qa_cassettes.py",
                "-k",
                "openai or not [",
            ]
        )
    )

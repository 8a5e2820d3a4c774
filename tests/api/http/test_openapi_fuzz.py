"""Every operation of the published OpenAPI schema, fed generated requests (schemathesis):
no 5xx, responses match the schema (status codes, content types, bodies, headers).

Requests carry a reviewer key of a seeded workspace and reach one stored map, so the
generator exercises handlers, not only the 404 of unknown workspaces. The run is
derandomised so CI is repeatable; ``CJM_FUZZ_EXAMPLES`` raises the examples per operation."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from api.http.app import create_app
from api.web.chromium import ChromiumMissing, chromium
from knowledge.journey.review.paths import resolve
from knowledge.platform.keys import create_key
from knowledge.platform.settings import get_settings
from tests.helpers import scenario
from tests.helpers.http import store_db
from tests.helpers.maps import PAIN, drafted

WORKSPACE = "fuzz"
EXAMPLES = int(os.environ.get("CJM_FUZZ_EXAMPLES", "25"))
LIMIT = 65536  # request body limit for the body-size examples (above the map a version holds)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("fuzz-home")
    saved = {k: os.environ.get(k) for k in ("CJM_HOME", "CJM_DATABASE_URL", "CJM_CHROMA_URL")}
    os.environ["CJM_HOME"] = str(home)
    os.environ.pop("CJM_DATABASE_URL", None)
    os.environ.pop("CJM_CHROMA_URL", None)
    get_settings.cache_clear()
    with TestClient(APP) as client:
        secret, _ = create_key(store_db(), WORKSPACE, "reviewer", "fuzzer")
        headers = {"Authorization": f"Bearer {secret}"}
        scenario.store(store_db(), WORKSPACE)
        map_id = client.post(
            f"/v1/workspaces/{WORKSPACE}/maps",
            headers=headers,
            json=drafted("th").model_dump(mode="json"),
        ).json()["id"]
        yield {"headers": headers, "map_id": map_id, "client": client}
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    get_settings.cache_clear()


APP = create_app()
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
OPERATIONS = [r.ok() for r in SCHEMA.get_all_operations()]  # type: ignore[union-attr]


# Schema-valid requests that the API refuses for what they mean (a stale If-Match, an unknown
# file type, an element path that names nothing) are right to get 4xx, so the
# "positive data acceptance" check does not apply; every other check does.
def not_a_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """No 5xx, except the documented 503 of a PDF or PNG export on a machine without Chromium
    (the README's test command runs there too), and the documented 503 of a model task on a
    server without a language model (none is configured here)."""
    if response.status_code == 503 and case.operation.path.endswith("/export"):
        try:
            chromium()
        except ChromiumMissing:
            return None
    if response.status_code == 503 and "needs a language model" in response.text:
        return None
    return checks.not_a_server_error(ctx, response, case)


CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.missing_required_header,
    checks.unsupported_method,
]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_server_errors_and_no_schema_violations(operation: Any, served: dict[str, Any]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: Any) -> None:
        params = case.path_parameters
        if params is not None and "workspace" in params:
            params["workspace"] = WORKSPACE
            if "map_id" in params:
                params["map_id"] = served["map_id"]
        headers = dict(case.headers or {})
        headers.update(served["headers"])
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


HOSTILE_CHARS = st.one_of(
    st.characters(max_codepoint=0x9F),  # C0, DEL, C1 and ASCII
    st.sampled_from("\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2069"),
    st.characters(codec="utf-8"),
    st.characters(categories=["Cs"]),  # lone surrogates, sent as JSON escapes
)
EDITABLE = ["title", f"{PAIN}/title", f"{PAIN}/description", "scope/goal", "scope/product"]


def _head(client: TestClient, served: dict[str, Any]) -> tuple[str, int]:
    base = f"/v1/workspaces/{WORKSPACE}/maps/{served['map_id']}"
    return base, client.get(base, headers=served["headers"]).json()["head"]


@given(path=st.sampled_from(EDITABLE), value=st.text(HOSTILE_CHARS, max_size=600))
@settings(max_examples=EXAMPLES * 4, derandomize=True, deadline=None, database=None)
def test_hostile_text_in_an_edit_is_cleaned_or_refused(
    served: dict[str, Any], path: str, value: str
) -> None:
    client: TestClient = served["client"]
    base, head = _head(client, served)
    edited = client.patch(
        base,
        headers={**served["headers"], "If-Match": f'"v{head}"', "Content-Type": "application/json"},
        content=json.dumps({"patches": [{"path": path, "value": value}]}),  # surrogates escaped
    )
    assert edited.status_code in (200, 422), edited.text
    if edited.status_code == 422:
        return
    content = client.get(base, headers=served["headers"]).json()["content"]
    stored = resolve(content, path)
    stored = stored["text"] if isinstance(stored, dict) else stored
    assert not CONTROL.search(stored) and "\u200c" * value.count("\u200c") in stored
    exported = client.get(f"{base}/export", headers=served["headers"], params={"format": "md"})
    assert exported.status_code == 200


@given(size=st.integers(LIMIT - 64, LIMIT + 64), chunked=st.booleans())
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None)
def test_bodies_around_the_limit(served: dict[str, Any], size: int, chunked: bool) -> None:
    os.environ["CJM_MAX_BODY_BYTES"] = str(LIMIT)
    get_settings.cache_clear()
    client: TestClient = served["client"]
    try:
        base, head = _head(client, served)
        raw = json.dumps({"patches": [{"path": "title", "value": f"t{size}"}]}).encode()
        raw += b" " * (size - len(raw))
        edited = client.patch(
            base,
            headers={
                **served["headers"],
                "If-Match": f'"v{head}"',
                "Content-Type": "application/json",
            },
            content=iter([raw[:1000], raw[1000:]]) if chunked else raw,
        )
        assert edited.status_code == (413 if size > LIMIT else 200), edited.text
        assert _head(client, served)[1] == head + (size <= LIMIT)
    finally:
        os.environ.pop("CJM_MAX_BODY_BYTES", None)
        get_settings.cache_clear()


def _nested_yaml(depth: int, style: str) -> str:
    """A YAML document nested ``depth`` levels: flow lists, flow maps, block maps or aliases."""
    if style == "flow list":
        return "[" * depth + "]" * depth
    if style == "flow map":
        return "{a: " * depth + "1" + "}" * depth
    if style == "block map":
        return "".join(f"{'  ' * n}k{n}:\n" for n in range(depth)) + "  " * depth + "v\n"
    # aliases: each level lists the one before it ten times ("billion laughs")
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, depth):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@given(
    depth=st.integers(1, 3000),
    style=st.sampled_from(["flow list", "flow map", "block map", "aliases"]),
)
@settings(max_examples=EXAMPLES * 2, derandomize=True, deadline=None, database=None)
def test_nested_yaml_in_frameworks_codebooks_and_glossaries_is_a_4xx(
    served: dict[str, Any], depth: int, style: str
) -> None:
    """Nesting and alias expansion in any YAML a client sends are refused with a problem that
    says so, never a RecursionError or a hang (the alias depth is capped: 10^12 values)."""
    client: TestClient = served["client"]
    doc = _nested_yaml(min(depth, 12) if style == "aliases" else depth, style)
    base = f"/v1/workspaces/{WORKSPACE}"
    headers = served["headers"]
    for field in ("framework_yaml", "codebook_yaml"):
        got = client.post(f"{base}/analyses", headers=headers, json={field: doc})
        assert got.status_code in (413, 422), (field, got.status_code, got.text[:300])
        assert got.headers["content-type"] == "application/problem+json"
    upload = client.put(
        f"{base}/glossaries/nested/file",
        headers=headers,
        files={"file": ("terms.yaml", doc.encode(), "application/yaml")},
    )
    assert upload.status_code in (413, 422), upload.text[:300]  # 413: over the size limits
    assert upload.headers["content-type"] == "application/problem+json"

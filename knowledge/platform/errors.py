"""The product's errors: one tree, each class carrying what the HTTP API answers (status and
problem title) and what the command line exits with.

``CJMError`` is the root. ``UserInputError`` subclasses are mistakes a user can fix (bad file,
bad option): 4xx, exit 2. ``LibraryError`` subclasses are run failures (index mismatch,
endpoint down): 5xx, exit 1. Language-model failures are a branch of their own
(``generator.llm.errors.LLMError``): 502, 503 or 504, exit 1.

An error about one field of a request names the field (``field``: ``lang``, ``text_field``
...), never a command-line flag: the HTTP API reports the field, the command line its flag.
"""

from __future__ import annotations

from typing import ClassVar


class CJMError(Exception):
    """Base of every error the product raises on purpose."""

    http_status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"
    exit_code: ClassVar[int] = 1

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        self.field = field

    def answered_as(self) -> type[CJMError]:
        """The class whose status and exit code answer this error (a wrapper answers as the
        failure it wraps)."""
        return type(self)


class UserInputError(CJMError):
    """Something the user gave us cannot be used as it is."""

    http_status = 422
    title = "Unprocessable request"
    exit_code = 2


class NotFound(UserInputError):
    """No such thing in this workspace (map, version, comment, job, glossary ...)."""

    http_status = 404
    title = "Not found"


class BadFileError(UserInputError):
    """A file could not be ingested; ``reason`` says why in words a user understands."""

    def __init__(self, path: str, reason: str, field: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", field=field)
        self.path = path
        self.reason = reason


class UnsupportedFormatError(BadFileError):
    """The file's extension is not one ingest reads."""


class LibraryError(CJMError):
    """The library cannot do what was asked because of its own state or a dependency."""


class Unavailable(LibraryError):
    """This installation lacks what the request needs (e.g. Chromium for PDF exports); the
    request itself is fine and works where it is installed. ``works``: the alternatives that
    work here (e.g. the other export formats)."""

    http_status = 503
    title = "Service unavailable"
    works: tuple[str, ...] = ()


class EmbedderMismatchError(LibraryError):
    """The index was built by another embedder than the one configured."""

    def __init__(self, index_embedder: str, configured: str) -> None:
        super().__init__(
            f"the search index was built with embedder {index_embedder!r} but {configured!r} "
            "is configured; vectors from different embedders cannot be mixed. "
            "Run `cjm reindex` to rebuild the index with the configured embedder."
        )
        self.index_embedder = index_embedder
        self.configured = configured


class EmbeddingEndpointError(LibraryError):
    """The OpenAI-compatible embeddings endpoint failed or answered nonsense."""

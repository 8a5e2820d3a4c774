"""Exceptions of the research library.

``UserInputError`` subclasses are mistakes a user can fix (bad file, bad option);
``LibraryError`` subclasses are run failures (index mismatch, endpoint down).
"""

from __future__ import annotations


class KnowledgeError(Exception):
    """Base of every error raised by ``knowledge``."""


class UserInputError(KnowledgeError):
    """Something the user gave us cannot be used as it is."""


class NotFound(UserInputError):
    """No such thing in this workspace (map, version, comment, job, glossary ...)."""


class BadFileError(UserInputError):
    """A file could not be ingested; ``reason`` says why in words a user understands."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFormatError(BadFileError):
    """The file's extension is not one ingest reads."""


class LibraryError(KnowledgeError):
    """The library cannot do what was asked because of its own state or a dependency."""


class Unavailable(LibraryError):
    """This installation lacks what the request needs (e.g. Chromium for PDF exports); the
    request itself is fine and works where it is installed. ``works``: the alternatives that
    work here (e.g. the other export formats)."""

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

"""Element vectors computed when a map version is stored, into the embedding cache, so the
first question about a workspace finds them there instead of embedding every element of every
map while the asker waits. A version that shares most texts with the one before (an edit, a
refresh) costs only its new texts."""

from __future__ import annotations

from collections.abc import Callable

from generator.qa.elements import ScopedMap, elements_of
from generator.qa.retrieval import embed_elements, embedded_text
from knowledge.journey.model import JourneyMap
from knowledge.search.library import Library


def element_texts(journey: JourneyMap) -> list[str]:
    """What the question index embeds for each element of ``journey``."""
    return [embedded_text(e) for e in elements_of(ScopedMap(journey.id, 0, "", journey))]


def store_element_vectors(
    library: Library, progress: Callable[[str], None] | None = None
) -> Callable[[JourneyMap], None]:
    """The ``MapRepository`` hook that embeds a stored version's elements."""

    def embed(journey: JourneyMap) -> None:
        embed_elements(
            library.cached_embedder,
            element_texts(journey),
            progress,
            "embedding {n} elements of map " + journey.id + " for questions about it",
        )

    return embed

"""What the review workflow refuses, with the data an API needs to answer (404, 409, 412, 413):
each class carries its HTTP status and title (``knowledge.platform.errors``)."""

from __future__ import annotations

from knowledge.platform.errors import NotFound, UserInputError


class MapNotFound(NotFound):
    """No such map in this workspace (or no such version or comment)."""


class MapExists(UserInputError):
    """The workspace already has a map with this id."""

    http_status = 409
    title = "Conflict"


class MapOutdated(UserInputError):
    """A stored version no longer fits the journey map schema (written before a bound or a
    restriction existed); an edit that fixes the named field makes a valid new version."""

    http_status = 409
    title = "Conflict"


class MapTooLarge(UserInputError):
    """A new version would be larger than a map may be."""

    http_status = 413
    title = "Content too large"


class StaleVersion(UserInputError):
    """The change was based on a version that is no longer the head; nothing was written."""

    http_status = 412
    title = "Precondition failed"

    def __init__(self, map_id: str, based_on: int, head: int) -> None:
        super().__init__(
            f"map {map_id} is at version {head}, not {based_on}: reload it and apply the change "
            "again"
        )
        self.based_on = based_on
        self.head = head


class TransitionRefused(UserInputError):
    """The status change is not allowed from the map's current status."""

    http_status = 409
    title = "Conflict"

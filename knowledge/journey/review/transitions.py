"""The review workflow: which action moves a map from which status to which, and the role an
action needs. The store enforces the first on every change, the API the second; the review page
offers a person only the actions both allow."""

from __future__ import annotations

from typing import Literal

from knowledge.platform.keys import Principal, Role

Status = Literal["draft", "in_review", "approved", "changes_requested"]
Action = Literal["submit", "approve", "request_changes"]
ACTIONS: tuple[Action, ...] = ("submit", "approve", "request_changes")
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft", "changes_requested"), "in_review"),
    "approve": (("in_review",), "approved"),
    "request_changes": (("in_review",), "changes_requested"),
}
ROLE: dict[str, Role] = {"submit": "editor", "approve": "reviewer", "request_changes": "reviewer"}


def offered(status: str, who: Principal) -> list[Action]:
    """The actions ``who`` may take on a map that is ``status`` now, in workflow order."""
    return [a for a in ACTIONS if status in TRANSITIONS[a][0] and who.may(ROLE[a])]

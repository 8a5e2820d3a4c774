"""API keys. A key belongs to one workspace and has one role; only its SHA-256 is stored, so
the key itself is shown once, when it is created.

Roles: ``viewer`` reads; ``editor`` also ingests, drafts, edits and comments; ``reviewer`` also
approves and requests changes.

On the command line there is no key: whoever can read CJM_HOME owns its store, so a local user
acts as a reviewer in every workspace, under the name they give (``local``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select

from knowledge.platform.errors import UserInputError
from knowledge.store import ApiKeyRow, Database

Role = Literal["viewer", "editor", "reviewer"]
ROLES: tuple[Role, ...] = ("viewer", "editor", "reviewer")
RANK = {role: n for n, role in enumerate(ROLES)}
PREFIX = "cjm_"
LOCAL_KEY = "local"
MAX_NAME_CHARS = 200  # as the audit log stores it


class RoleRequired(UserInputError):
    """The caller's role may not do this."""

    http_status = 403
    title = "Forbidden"


@dataclass(frozen=True)
class Principal:
    key_id: str
    workspace: str
    role: Role
    name: str

    def may(self, role: Role) -> bool:
        return RANK[self.role] >= RANK[role]

    def require(self, role: Role) -> None:
        if not self.may(role):
            raise RoleRequired(f"this needs the {role} role; the key is {self.role}")


def local(workspace: str, name: str) -> Principal:
    """The person at the command line: the owner of CJM_HOME, a reviewer in every workspace."""
    if not name.strip() or len(name.strip()) > MAX_NAME_CHARS:
        raise UserInputError(
            f"a local reviewer needs a name of 1 to {MAX_NAME_CHARS} characters "
            "(actor or CJM_USER)",
            field="actor",
        )
    if not workspace.strip():
        raise UserInputError("a workspace needs a name")
    return Principal(LOCAL_KEY, workspace, "reviewer", name.strip())


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(db: Database, workspace: str, role: str, name: str = "") -> tuple[str, Principal]:
    if role not in ROLES:
        raise UserInputError(f"role must be one of {', '.join(ROLES)}")
    if not workspace.strip():
        raise UserInputError("a key needs a workspace")
    key = PREFIX + secrets.token_urlsafe(32)
    key_id = f"key_{secrets.token_hex(6)}"
    with db.session() as s:
        s.add(
            ApiKeyRow(
                id=key_id,
                workspace=workspace,
                role=role,
                name=name or key_id,
                sha256=_hash(key),
                revoked=False,
            )
        )
    return key, Principal(key_id, workspace, role, name or key_id)


def authenticate(db: Database, key: str) -> Principal | None:
    if not key.startswith(PREFIX):
        return None
    with db.session() as s:
        row = s.scalar(select(ApiKeyRow).where(ApiKeyRow.sha256 == _hash(key)))
        if row is None or row.revoked:
            return None
        return Principal(row.id, row.workspace, row.role, row.name)  # type: ignore[arg-type]


def revoke_key(db: Database, key_id: str) -> bool:
    with db.session() as s:
        row = s.get(ApiKeyRow, key_id)
        if row is None:
            return False
        row.revoked = True
        return True

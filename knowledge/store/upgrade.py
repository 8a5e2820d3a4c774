"""Bring a store written by an earlier version up to the current tables.

Map ids used to be global (tables ``maps``, ``map_versions``, ``map_events``, ``map_comments``,
``map_links``); they are now keyed by workspace and id. A store that still has the old tables
and none of its maps in the new ones has its rows copied over (each row's workspace is its
map's) and the old tables dropped, in one transaction.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

OLD = ("map_comments", "map_events", "map_versions", "map_links", "maps")

COPY = (
    """INSERT INTO journey_maps (workspace, id, title, map_type, language, status, head,
           approved_version, locked, created_at, updated_at)
       SELECT workspace, id, title, map_type, language, status, head, approved_version, locked,
           created_at, updated_at FROM maps""",
    """INSERT INTO journey_map_versions (workspace, map_id, number, content, reason, actor,
           created_at)
       SELECT m.workspace, v.map_id, v.number, v.content, v.reason, v.actor, v.created_at
       FROM map_versions v JOIN maps m ON m.id = v.map_id ORDER BY v.id""",
    """INSERT INTO journey_map_events (workspace, map_id, version, actor, action, detail, at)
       SELECT m.workspace, e.map_id, e.version, e.actor, e.action, e.detail, e.at
       FROM map_events e JOIN maps m ON m.id = e.map_id ORDER BY e.id""",
    """INSERT INTO journey_map_comments (id, workspace, map_id, anchor, parent_id, version,
           author, body, resolved, created_at)
       SELECT c.id, m.workspace, c.map_id, c.anchor, c.parent_id, c.version, c.author, c.body,
           c.resolved, c.created_at
       FROM map_comments c JOIN maps m ON m.id = c.map_id""",
    """INSERT INTO journey_map_links (workspace, map_id, source_map_id, source_version, glossary)
       SELECT m.workspace, l.map_id, l.source_map_id, l.source_version, l.glossary
       FROM map_links l JOIN maps m ON m.id = l.map_id""",
)


def upgrade(bind: Engine | Connection) -> bool:
    """Move maps out of the old global-id tables; True when there was something to move. On a
    connection, the move is part of its transaction."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            return upgrade(conn)
    conn = bind
    names = set(inspect(conn).get_table_names())
    if "maps" not in names or "journey_maps" not in names:
        return False
    if conn.scalar(text("SELECT count(*) FROM journey_maps")):
        return False
    for statement in COPY:
        if statement.split("FROM ")[-1].split()[0] in names:
            conn.execute(text(statement))
    for table in OLD:
        if table in names:
            conn.execute(text(f"DROP TABLE {table}"))  # noqa: S608 - fixed names
    return True

"""A full copy of the database rows, to prove that a refused request changed nothing."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ebh.extensions import db

#: Tables that legitimately change on a refused request: the log of the refusal itself, the
#: session's last-seen timestamp, and login attempts.
VOLATILE_TABLES = frozenset({"audit_events", "user_sessions", "login_attempts"})


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    db.session.rollback()
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(r) for r in connection.execute(sa.select(table).order_by(*order))]
    return rows


def diff(before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """Names of the tables whose rows differ."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))

"""Writing the audit log. Services call :func:`record` in the same transaction as the change;
security events (refused access, failed logins) are written by :func:`record_security_event` in a
transaction of their own so that they survive the rollback of the refused request."""
from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy import inspect

from ebh.audit.models import AuditEvent
from ebh.db import utcnow
from ebh.extensions import db


def _client_ip() -> str:
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def changes_of(obj: Any, *, skip: tuple[str, ...] = ("updated_at", "version")) -> dict[str, list[Any]]:
    """Return ``{column: [old, new]}`` for the unflushed column changes of ``obj``."""
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in skip:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[attr.key] = [_plain(old), _plain(new)]
    return changes


def record(
    actor: Any,
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    case_id: int | None = None,
    person_id: int | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    office_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction."""
    event = AuditEvent(
        at=utcnow(),
        user_id=getattr(actor, "id", None),
        office_id=office_id if office_id is not None else getattr(actor, "office_id", None),
        action=action,
        entity=entity,
        entity_id=entity_id,
        case_id=case_id,
        person_id=person_id,
        summary=_sanitize(summary),
        changes=changes or None,
        ip=_client_ip(),
    )
    db.session.add(event)
    return event


def record_security_event(actor: Any, action: str, summary: str, *, username: str = "") -> None:
    """Write an event in its own transaction (it must survive the rollback of the failing request)."""
    values = {
        "at": utcnow(),
        "user_id": getattr(actor, "id", None),
        "office_id": getattr(actor, "office_id", None),
        "action": action,
        "entity": "user",
        "entity_id": getattr(actor, "id", None),
        "summary": _sanitize(summary if not username else f"{summary} ({username})"),
        "ip": _client_ip(),
    }
    with db.engine.begin() as connection:
        connection.execute(sa.insert(AuditEvent.__table__).values(**values))


def _sanitize(text: str) -> str:
    """Keep log lines single-line and bounded (log injection, ASVS 16.4.1)."""
    return " ".join(text.split())[:500]

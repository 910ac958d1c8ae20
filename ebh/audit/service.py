"""Writing the audit log. Services call :func:`record` in the same transaction as the change;
security events (refused access, failed logins) are written by :func:`record_security_event` in a
transaction of their own so that they survive the rollback of the refused request."""
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import zoneinfo
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from sqlalchemy.orm import selectinload

from ebh.audit.models import AuditEvent
from ebh.auth.access import AUDIT_ROLES, require_role
from ebh.db import utcnow
from ebh.extensions import db


_PENDING_KEY = "ebh_pending_independent_rows"


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
    """Write an event that must survive the rollback of the failing request (see :func:`write_independently`)."""
    write_independently(AuditEvent.__table__, {
        "at": utcnow(),
        "user_id": getattr(actor, "id", None),
        "office_id": getattr(actor, "office_id", None),
        "action": action,
        "entity": "user",
        "entity_id": getattr(actor, "id", None),
        "summary": _sanitize(summary if not username else f"{summary} (Benutzername {username})"),
        "ip": _client_ip(),
    })


def write_independently(table: sa.Table, values: dict[str, Any]) -> None:
    """Insert a row outside the request's transaction, so that it is kept even if the request fails
    (security events, login attempts).

    In a request the row is kept in ``g`` and inserted by :func:`write_pending_rows` once the
    request's own transaction has ended: on SQLite a second connection cannot write while the
    request holds the write lock, and would wait for itself. Outside a request it is written at once.
    """
    if has_request_context():
        g.setdefault(_PENDING_KEY, []).append((table, values))
    else:
        with db.engine.begin() as connection:
            connection.execute(sa.insert(table), [values])


def write_pending_rows() -> None:
    """Insert the rows of :func:`write_independently` in a transaction of their own (request teardown)."""
    pending = g.pop(_PENDING_KEY, None)
    if pending:
        with db.engine.begin() as connection:
            for table, values in pending:
                connection.execute(sa.insert(table), [values])


def _sanitize(text: str) -> str:
    """Keep log lines single-line, printable and bounded (log injection, ASVS 16.4.1)."""
    printable = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(printable.split())[:500]


# --- reading the log (supervisors and admins of the office) ------------------------------------

#: German labels of the actions the domains record; unknown actions are shown by their key.
ACTION_LABELS = {
    "read": _l("Gelesen"),
    "create": _l("Angelegt"),
    "update": _l("Geändert"),
    "delete": _l("Gelöscht"),
    "status": _l("Status geändert"),
    "export": _l("Exportiert"),
    "send": _l("Versendet"),
    "login": _l("Anmeldung"),
    "logout": _l("Abmeldung / Sitzung beendet"),
    "login_failed": _l("Anmeldung fehlgeschlagen"),
    "login_throttled": _l("Anmeldung gesperrt"),
    "access_denied": _l("Zugriff verweigert"),
    "csrf_failed": _l("CSRF-Prüfung fehlgeschlagen"),
    "password_change_failed": _l("Passwortänderung fehlgeschlagen"),
}


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of results, in the shape the ``pager`` macro expects."""

    items: list[Any]
    number: int
    pages: int
    total: int


def _page(query: sa.Select[Any], page: int, per_page: int) -> Page:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(1, page), pages)
    items = list(db.session.scalars(query.offset((number - 1) * per_page).limit(per_page)))
    return Page(items, number, pages, total)


def _local_day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the office time zone, as UTC."""
    zone = zoneinfo.ZoneInfo(current_app.config["TIMEZONE"])
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def _events() -> sa.Select[Any]:
    return sa.select(AuditEvent).options(selectinload(AuditEvent.user)).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc())


def search_events(
    actor: Any,
    *,
    user_id: int | None = None,
    action: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: int = 1,
) -> Page:
    """Office-wide audit search by user, action and date range (both days inclusive, local time).

    Reading the log is itself recorded (the diffs shown contain personal data).
    """
    require_role(actor, *AUDIT_ROLES)
    query = _events().where(AuditEvent.office_id == actor.office_id)
    if user_id:
        query = query.where(AuditEvent.user_id == user_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if date_from:
        query = query.where(AuditEvent.at >= _local_day_start(date_from))
    if date_to:
        query = query.where(AuditEvent.at < _local_day_start(date_to + dt.timedelta(days=1)))
    result = _page(query, page, current_app.config["PAGE_SIZE"])
    filters = ", ".join(f"{k}={v}" for k, v in (("Benutzer", user_id), ("Aktion", action), ("von", date_from),
                                                  ("bis", date_to)) if v)
    record(actor, "read", "audit_log", summary=f"Protokollsuche ({filters or 'ohne Filter'}), Seite {result.number}")
    return result


def case_events(actor: Any, case_id: int, *, page: int = 1) -> tuple[Any, Page]:
    """The audit trail of one case and its applicant: who read or changed what, when, with diffs."""
    require_role(actor, *AUDIT_ROLES)
    from ebh.cases.service import get_case  # office and role check; records the read of the case

    case = get_case(actor, case_id)
    query = _events().where(
        AuditEvent.office_id == actor.office_id,
        sa.or_(AuditEvent.case_id == case.id, AuditEvent.person_id == case.person_id),
    )
    result = _page(query, page, current_app.config["PAGE_SIZE"])
    record(actor, "read", "audit_log", case.id, case_id=case.id, person_id=case.person_id,
           summary=f"Protokoll zu Fall {case.file_number} eingesehen")
    return case, result

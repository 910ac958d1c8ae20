"""The append-only audit log: who read or changed which person or case, when, and what changed."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from ebh.db import UTCDateTime, utcnow
from ebh.extensions import db


class AuditEvent(db.Model):
    """One audited action. Rows are never updated or deleted by the application.

    ``summary`` is a short German text without personal data (ids and file numbers only); ``changes``
    holds field diffs ``{field: [old, new]}`` for writes. The case timeline is the list of write events
    of a case.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_case_id_at", "case_id", "at"),
        sa.Index("ix_audit_events_person_id_at", "person_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: None for system actions (scheduler, CLI without user).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"))
    #: read, create, update, delete, login, login_failed, logout, access_denied, export, send, ...
    action: Mapped[str] = mapped_column(sa.String(32))
    #: The kind of object: person, case, document, fee, security_check, note, user, letter, ...
    entity: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[int | None]
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("persons.id"))
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    changes: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")


class AuditLogImmutableError(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditLogImmutableError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditLogImmutableError("audit events are append-only")

"""The append-only audit log: who read or changed which person or case, when, and what changed."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ebh.auth.models import User
from ebh.db import AppendOnlyError, UTCDateTime, append_only, utcnow
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
        sa.Index("ix_audit_events_office_id_at", "office_id", "at"),
        sa.Index("ix_audit_events_user_id_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
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

    user: Mapped[User | None] = relationship(viewonly=True)


class AuditLogImmutableError(AppendOnlyError):
    """Raised when code tries to change or delete an audit event."""


append_only(AuditEvent, "audit events", AuditLogImmutableError)


#: PostgreSQL: the database itself refuses UPDATE and DELETE of audit rows, whoever asks. Created
#: with the table (``create_all``); the Alembic migration must run the same two statements.
#: Production additionally revokes UPDATE, DELETE and TRUNCATE from the application role.
APPEND_ONLY_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit_events is append-only: ' || TG_OP || ' refused',
                          ERRCODE = 'insufficient_privilege';
END;
$$
"""
APPEND_ONLY_TRIGGER_SQL = """
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
"""

event.listen(AuditEvent.__table__, "after_create", DDL(APPEND_ONLY_FUNCTION_SQL).execute_if(dialect="postgresql"))
event.listen(AuditEvent.__table__, "after_create", DDL(APPEND_ONLY_TRIGGER_SQL).execute_if(dialect="postgresql"))

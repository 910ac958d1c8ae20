"""Deadlines of cases, the reminders sent for them, office closing days and per-user reminder settings.

A :class:`Deadline` is either derived from case data by :func:`ebh.deadlines.service.recompute_cases`
(``source_key`` names the source, e.g. ``document:12``) or set by hand (Wiedervorlage,
``source_key = manual:<random>``). A :class:`Reminder` is one mail to send for a deadline; its
``idempotency_key`` (deadline, reminder kind, channel, due date) makes recomputation idempotent.
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ebh.db import UTCDateTime, utcnow
from ebh.extensions import db


def _enum(enum_cls: type[enum.Enum], length: int) -> sa.Enum:
    return sa.Enum(enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class DeadlineKind(enum.StrEnum):
    WIEDERVORLAGE = "wiedervorlage"
    DOCUMENT = "document"  # deadline for documents requested from the applicant
    VWGO75_APPLICATION = "vwgo75_application"  # § 75 S. 2 VwGO: 3 months since the application
    VWGO75_LAST_ACTION = "vwgo75_last_action"  # 3 months since the office's last action
    PERMIT_EXPIRY = "permit_expiry"  # residence title, Duldung or Fiktionsbescheinigung expires
    DOCUMENT_VALIDITY = "document_validity"  # a submitted document gets too old
    ZUSICHERUNG_EXPIRY = "zusicherung_expiry"  # Einbürgerungszusicherung (2 years)
    ELIGIBLE_FROM = "eligible_from"  # earliest date the person meets the requirements (rules domain)


#: Kinds that call for an action; ``eligible_from`` is information and never "overdue".
ACTIONABLE_KINDS = tuple(k for k in DeadlineKind if k is not DeadlineKind.ELIGIBLE_FROM)
#: Kinds that mark the admissibility of an Untätigkeitsklage (supervisor view).
VWGO75_KINDS = (DeadlineKind.VWGO75_APPLICATION, DeadlineKind.VWGO75_LAST_ACTION)


class DeadlineStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    #: The source disappeared (case closed, permit period ended, document removed).
    CANCELLED = "cancelled"


class ReminderStatus(enum.StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class EmailMode(enum.StrEnum):
    EACH = "each"  # one mail per reminder
    DIGEST = "digest"  # one mail per day with all reminders of the day
    OFF = "off"  # in-app inbox and iCal only


class Deadline(db.Model):
    __tablename__ = "deadlines"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "source_key"),
        sa.Index("ix_deadlines_user_status_due", "user_id", "status", "due_on"),
        sa.Index("ix_deadlines_office_status_due", "office_id", "status", "due_on"),
        sa.CheckConstraint("event_on IS NULL OR due_on >= event_on", name="due_not_before_event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"))
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[DeadlineKind] = mapped_column(_enum(DeadlineKind, 24))
    #: Where the deadline comes from: "case", "document:<id>", "residence:<id>", "rules", "manual:<random>".
    source_key: Mapped[str] = mapped_column(sa.String(60))
    #: Last day of the period (already moved to a working day for a Frist).
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    #: The event the period counts from (application received, document requested, ...), if any.
    event_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    legal_basis: Mapped[str] = mapped_column(sa.String(80), default="")
    #: A problem with the source data shown next to the deadline, e.g. a deadline before its request date.
    problem: Mapped[str] = mapped_column(sa.String(200), default="")
    #: German label without personal data, e.g. "Unterlage angefordert: Meldebescheinigung".
    label: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Who is reminded: the case's caseworker (derived) or the chosen user (Wiedervorlage).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[DeadlineStatus] = mapped_column(_enum(DeadlineStatus, 12), default=DeadlineStatus.OPEN)
    snoozed_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    snooze_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: None when the system closed it (document received).
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    done_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    #: None for derived deadlines.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case = relationship("Case")
    user = relationship("User", foreign_keys=[user_id])

    @property
    def effective_on(self) -> dt.date:
        """The day the deadline shows up: the snooze date if snoozed, else the due date."""
        return self.snoozed_until or self.due_on

    @property
    def is_manual(self) -> bool:
        return self.source_key.startswith("manual:")


class Reminder(db.Model):
    __tablename__ = "reminders"
    __table_args__ = (
        # Dispatch reads only pending rows whose time has come (Indico's partial index).
        sa.Index(
            "ix_reminders_pending_next_attempt",
            "next_attempt_at",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        ),
        # Housekeeping finds stale claims without scanning sent rows.
        sa.Index(
            "ix_reminders_claimed_at",
            "claimed_at",
            postgresql_where=sa.text("status = 'claimed'"),
            sqlite_where=sa.text("status = 'claimed'"),
        ),
        sa.Index("ix_reminders_office_status", "office_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"))
    deadline_id: Mapped[int] = mapped_column(sa.ForeignKey("deadlines.id"), index=True)
    #: "d-<n>": n days before the due date ("d-0" on the day).
    kind: Mapped[str] = mapped_column(sa.String(16))
    channel: Mapped[str] = mapped_column(sa.String(10), default="email")
    #: Part of the recipient's daily digest instead of a mail of its own.
    digest: Mapped[bool] = mapped_column(default=False)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    #: Equal to ``due_at`` at first; moved forward by the retry backoff.
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReminderStatus] = mapped_column(_enum(ReminderStatus, 12), default=ReminderStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    #: "<deadline id>:<kind>:<channel>:<due date>"; a recomputation never inserts a second row for it.
    idempotency_key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: Deterministic (derived from the idempotency key), so a resend after a crash carries the same id.
    message_id: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    deadline: Mapped[Deadline] = relationship()
    recipient = relationship("User")


class OfficeClosingDay(db.Model):
    """A day the office is closed (e.g. Rosenmontag, Brückentag); deadlines ending on it move on."""

    __tablename__ = "office_closing_days"
    __table_args__ = (sa.UniqueConstraint("office_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    day: Mapped[dt.date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeedToken(db.Model):
    """A secret, revocable token for a user's iCal feed. Only the SHA-256 of the secret is stored."""

    __tablename__ = "calendar_feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ReminderPreference(db.Model):
    """How a user wants reminder mails (absent row = one mail per reminder)."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    email_mode: Mapped[EmailMode] = mapped_column(_enum(EmailMode, 10), default=EmailMode.EACH)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

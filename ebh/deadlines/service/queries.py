"""Reading deadlines: the case panel, the caseworker's inbox, the supervisor and admin lists."""
from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy import orm

from ebh.audit import service as audit
from ebh.auth.access import CASE_ROLES, require_role, require_same_office
from ebh.auth.models import Role, User
from ebh.cases.models import Case
from ebh.db import utcnow
from ebh.deadlines import reminders
from ebh.deadlines.models import (
    ACTIONABLE_KINDS,
    VWGO75_KINDS,
    Deadline,
    DeadlineStatus,
    Reminder,
    ReminderStatus,
)
from ebh.extensions import db


def case_deadlines(actor: User, case: Case, *, record_read: bool = False) -> list[Deadline]:
    """Deadlines of a case, open first. The case page audits its own read; a page of its own sets
    ``record_read``."""
    require_role(actor, *CASE_ROLES)
    require_same_office(actor, case, "case")
    rows = list(db.session.scalars(
        sa.select(Deadline).where(Deadline.case_id == case.id)
        .order_by(Deadline.status, sa.func.coalesce(Deadline.snoozed_until, Deadline.due_on), Deadline.id)
    ))
    if record_read:
        audit.record(actor, "read", "deadline", None, case_id=case.id, person_id=case.person_id,
                     summary=f"Fristen der Akte {case.file_number} angezeigt")
    return rows


@dataclasses.dataclass
class Inbox:
    overdue: list[Deadline]
    today: list[Deadline]
    this_week: list[Deadline]

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.this_week)


def inbox(actor: User, *, today: dt.date | None = None, limit: int = 500) -> Inbox:
    """The actor's open deadlines: overdue, due today, due in the next seven days (snooze dates count)."""
    require_role(actor, *CASE_ROLES)
    today = today or reminders.local_today(utcnow())
    effective = sa.func.coalesce(Deadline.snoozed_until, Deadline.due_on)
    rows = list(db.session.scalars(
        sa.select(Deadline)
        .options(orm.joinedload(Deadline.case))
        .where(Deadline.user_id == actor.id, Deadline.office_id == actor.office_id,
               Deadline.status == DeadlineStatus.OPEN, effective <= today + dt.timedelta(days=7))
        .order_by(effective, Deadline.id)
        .limit(limit)
    ))
    box = Inbox([], [], [])
    for row in rows:
        if row.effective_on < today:
            if row.kind in ACTIONABLE_KINDS:
                box.overdue.append(row)
        elif row.effective_on == today:
            box.today.append(row)
        else:
            box.this_week.append(row)
    if rows:
        audit.record(actor, "read", "deadline", None, summary=f"Posteingang Fristen angezeigt ({box.count})")
    return box


def office_overdue(actor: User, *, today: dt.date | None = None, page: int = 1, per_page: int = 50):
    """Supervisor view: open actionable deadlines of the office that are past (snooze dates count)."""
    require_role(actor, Role.SUPERVISOR, Role.ADMIN)
    today = today or reminders.local_today(utcnow())
    effective = sa.func.coalesce(Deadline.snoozed_until, Deadline.due_on)
    query = (
        sa.select(Deadline).options(orm.joinedload(Deadline.case), orm.joinedload(Deadline.user))
        .where(Deadline.office_id == actor.office_id, Deadline.status == DeadlineStatus.OPEN,
               Deadline.kind.in_(ACTIONABLE_KINDS), effective < today)
        .order_by(effective, Deadline.id)
    )
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    audit.record(actor, "read", "deadline", None, summary=f"Überfällige Fristen der Behörde angezeigt ({result.total})")
    return result


def cases_past_vwgo75(actor: User, *, today: dt.date | None = None, page: int = 1, per_page: int = 50):
    """Supervisor view: open cases of the office on which an Untätigkeitsklage is admissible (§ 75 VwGO)."""
    require_role(actor, Role.SUPERVISOR, Role.ADMIN)
    today = today or reminders.local_today(utcnow())
    query = (
        sa.select(Deadline).options(orm.joinedload(Deadline.case), orm.joinedload(Deadline.user))
        .where(Deadline.office_id == actor.office_id, Deadline.status == DeadlineStatus.OPEN,
               Deadline.kind.in_(VWGO75_KINDS), Deadline.due_on <= today)
        .order_by(Deadline.due_on, Deadline.id)
    )
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    audit.record(actor, "read", "deadline", None, summary=f"Fälle über der Frist des § 75 VwGO angezeigt ({result.total})")
    return result


def reminder_problems(actor: User, *, page: int = 1, per_page: int = 50):
    """Admin view: reminders that failed or are being retried, with the last error."""
    require_role(actor, Role.ADMIN, Role.SUPERVISOR)
    query = (
        sa.select(Reminder).options(orm.joinedload(Reminder.deadline).joinedload(Deadline.case))
        .where(Reminder.office_id == actor.office_id,
               sa.or_(Reminder.status == ReminderStatus.FAILED,
                      sa.and_(Reminder.status.in_((ReminderStatus.PENDING, ReminderStatus.CLAIMED)),
                              Reminder.attempts > 0)))
        .order_by(Reminder.next_attempt_at.desc(), Reminder.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)

"""Deadlines by hand: Wiedervorlage, done, snooze, retrying a failed reminder, office closing days."""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from ebh.audit import service as audit
from ebh.auth.access import CASE_ROLES, require_role, require_same_office
from ebh.auth.models import Role, User
from ebh.cases import workflow
from ebh.cases.models import Case
from ebh.db import utcnow
from ebh.deadlines import reminders
from ebh.deadlines.models import (
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    OfficeClosingDay,
    Reminder,
    ReminderStatus,
)
from ebh.deadlines.service.recompute import _update_case_due_on, recompute_cases, sync_reminders_for_cases
from ebh.extensions import db

MAX_TEXT = 500


class DeadlineError(ValueError):
    """Bad input for a deadline action; ``field`` names the form field, the message is German."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def require_case_role(actor: User) -> User:
    return require_role(actor, *CASE_ROLES)


def load_case(actor: User, case_id: int) -> Case:
    require_role(actor, *CASE_ROLES)
    return require_same_office(actor, db.session.get(Case, case_id), "case")


def load_deadline(actor: User, deadline_id: int) -> Deadline:
    require_role(actor, *CASE_ROLES)
    return require_same_office(actor, db.session.get(Deadline, deadline_id), "deadline")


def load_reminder(actor: User, reminder_id: int) -> Reminder:
    require_role(actor, Role.ADMIN)
    return require_same_office(actor, db.session.get(Reminder, reminder_id), "reminder")


def load_closing_day(actor: User, closing_day_id: int) -> OfficeClosingDay:
    require_role(actor, Role.ADMIN)
    return require_same_office(actor, db.session.get(OfficeClosingDay, closing_day_id), "closing_day")


def _reason(text: str | None, field: str) -> str:
    reason = " ".join((text or "").split())
    if not reason:
        raise DeadlineError("Bitte einen Grund angeben.", field)
    if len(reason) > MAX_TEXT:
        raise DeadlineError(f"Der Grund darf höchstens {MAX_TEXT} Zeichen lang sein.", field)
    return reason


def add_wiedervorlage(actor: User, case_id: int, due_on: dt.date | None, note: str = "",
                      user_id: int | None = None, *, today: dt.date | None = None) -> Deadline:
    """Set a resubmission date (Wiedervorlage) on a case by hand. It is a date, not a period: no shift."""
    case = load_case(actor, case_id)
    today = today or reminders.local_today(utcnow())
    if due_on is None:
        raise DeadlineError("Bitte ein Datum für die Wiedervorlage angeben.", "due_on")
    if due_on < today:
        raise DeadlineError("Die Wiedervorlage darf nicht in der Vergangenheit liegen.", "due_on")
    if due_on > today + dt.timedelta(days=3 * 366):
        raise DeadlineError("Die Wiedervorlage darf höchstens drei Jahre in der Zukunft liegen.", "due_on")
    note = " ".join((note or "").split())
    if len(note) > 200:
        raise DeadlineError("Der Anlass darf höchstens 200 Zeichen lang sein.", "note")
    recipient = user_id or case.assigned_to_id or actor.id
    user = db.session.get(User, recipient)
    if user is None or user.office_id != actor.office_id or not user.active:
        raise DeadlineError("Die gewählte Person gehört nicht zu dieser Behörde.", "user_id")
    deadline = Deadline(
        office_id=case.office_id, case_id=case.id, kind=DeadlineKind.WIEDERVORLAGE,
        source_key=f"manual:{secrets.token_hex(8)}", due_on=due_on, event_on=None, legal_basis="",
        label=note, user_id=user.id, created_by_id=actor.id, status=DeadlineStatus.OPEN,
    )
    db.session.add(deadline)
    db.session.flush()
    audit.record(actor, "create", "deadline", deadline.id, case_id=case.id, person_id=case.person_id,
                 summary=f"Wiedervorlage zum {due_on:%d.%m.%Y} gesetzt (Akte {case.file_number})",
                 changes={"due_on": [None, due_on.isoformat()], "user_id": [None, user.id]})
    _after_deadline_change(case.id)
    return deadline


def mark_done(actor: User, deadline_id: int, reason: str) -> Deadline:
    deadline = load_deadline(actor, deadline_id)
    reason = _reason(reason, "reason")
    if deadline.status is not DeadlineStatus.OPEN:
        raise DeadlineError("Die Frist ist bereits erledigt oder entfallen.", "reason")
    deadline.status = DeadlineStatus.DONE
    deadline.done_at = utcnow()
    deadline.done_by_id = actor.id
    deadline.done_reason = reason
    changes = audit.changes_of(deadline)
    db.session.flush()
    audit.record(actor, "update", "deadline", deadline.id, case_id=deadline.case_id,
                 summary=f"Frist erledigt: {deadline.kind.value} zum {deadline.due_on:%d.%m.%Y}", changes=changes)
    _after_deadline_change(deadline.case_id)
    return deadline


def snooze(actor: User, deadline_id: int, until: dt.date | None, reason: str,
           *, today: dt.date | None = None) -> Deadline:
    deadline = load_deadline(actor, deadline_id)
    reason = _reason(reason, "reason")
    today = today or reminders.local_today(utcnow())
    if deadline.status is not DeadlineStatus.OPEN:
        raise DeadlineError("Die Frist ist bereits erledigt oder entfallen.", "until")
    if until is None or until <= today:
        raise DeadlineError("Zurückstellen geht nur auf einen Tag nach heute.", "until")
    if until > today + dt.timedelta(days=366):
        raise DeadlineError("Zurückstellen geht höchstens ein Jahr.", "until")
    deadline.snoozed_until = until
    deadline.snooze_reason = reason
    changes = audit.changes_of(deadline)
    db.session.flush()
    audit.record(actor, "update", "deadline", deadline.id, case_id=deadline.case_id,
                 summary=f"Frist zurückgestellt bis {until:%d.%m.%Y}: {deadline.kind.value}", changes=changes)
    _after_deadline_change(deadline.case_id)
    return deadline


def _after_deadline_change(case_id: int) -> None:
    db.session.flush()
    sync_reminders_for_cases([case_id])
    cases = db.session.execute(sa.select(Case.id, Case.due_on).where(Case.id == case_id)).all()
    _update_case_due_on(db.session, cases)


def retry_reminder(actor: User, reminder_id: int) -> Reminder:
    """Put a failed reminder back into the queue (after the SMTP problem is fixed)."""
    reminder = load_reminder(actor, reminder_id)
    if reminder.status is not ReminderStatus.FAILED:
        raise DeadlineError("Nur fehlgeschlagene Erinnerungen können erneut versucht werden.")
    reminder.status = ReminderStatus.PENDING
    reminder.attempts = 0
    reminder.next_attempt_at = utcnow()
    changes = audit.changes_of(reminder)
    db.session.flush()
    audit.record(actor, "update", "reminder", reminder.id, summary="Erinnerung erneut eingeplant", changes=changes)
    return reminder


def list_closing_days(actor: User) -> list[OfficeClosingDay]:
    require_role(actor, Role.ADMIN, Role.SUPERVISOR)
    return list(db.session.scalars(
        sa.select(OfficeClosingDay).where(OfficeClosingDay.office_id == actor.office_id).order_by(OfficeClosingDay.day)
    ))


def add_closing_days(actor: User, days: Sequence[tuple[dt.date, str]]) -> list[OfficeClosingDay]:
    """Add closing days (all or none) and recompute the office's deadlines that may move."""
    require_role(actor, Role.ADMIN)
    known = {d.day for d in list_closing_days(actor)}
    added = []
    for number, (day, reason) in enumerate(days, start=1):
        reason = " ".join((reason or "").split())
        if len(reason) > 200:
            raise DeadlineError(f"Zeile {number}: Der Anlass darf höchstens 200 Zeichen lang sein.", "reason")
        if day in known:
            raise DeadlineError(f"Zeile {number}: {day:%d.%m.%Y} ist bereits als Schließtag eingetragen.", "day")
        known.add(day)
        added.append(OfficeClosingDay(office_id=actor.office_id, day=day, reason=reason, created_by_id=actor.id))
    db.session.add_all(added)
    db.session.flush()
    for row in added:
        audit.record(actor, "create", "closing_day", row.id, summary=f"Schließtag {row.day:%d.%m.%Y} eingetragen",
                     changes={"day": [None, row.day.isoformat()]})
    _recompute_office(actor)
    return added


def delete_closing_day(actor: User, closing_day_id: int) -> None:
    row = load_closing_day(actor, closing_day_id)
    audit.record(actor, "delete", "closing_day", row.id, summary=f"Schließtag {row.day:%d.%m.%Y} entfernt",
                 changes={"day": [row.day.isoformat(), None]})
    db.session.delete(row)
    db.session.flush()
    _recompute_office(actor)


def parse_closing_days(lines: Iterable[str]) -> list[tuple[dt.date, str]]:
    """Parse ``TT.MM.JJJJ[;Anlass]`` (or ISO ``JJJJ-MM-TT``) lines; a bad line raises, naming its number."""
    parsed = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        text, _, reason = line.partition(";")
        text = text.strip()
        for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                parsed.append((dt.datetime.strptime(text, pattern).date(), reason.strip()))
                break
            except ValueError:
                continue
        else:
            raise DeadlineError(f"Zeile {number}: „{text[:40]}“ ist kein gültiges Datum (TT.MM.JJJJ).", "file")
    return parsed


def _recompute_office(actor: User) -> None:
    open_keys = {key for wf in workflow.WORKFLOWS.values() for key in wf.open_keys()}
    ids = list(db.session.scalars(
        sa.select(Case.id).where(Case.office_id == actor.office_id, Case.status.in_(open_keys))
    ))
    recompute_cases(ids, actor=actor)

"""Deadline services: derive and recompute deadlines, Wiedervorlage, done/snooze, inbox, supervisor
lists, closing days, iCal tokens and reminder preferences.

Only these functions write deadline data. They ``flush()`` and never commit; the request, CLI command
or scheduler job commits. Recomputation is set-based (a few queries per chunk of cases), so the same
code serves one case (signal handler) and a million (nightly job).

``Case.due_on`` is owned here once deadlines exist: :func:`recompute_cases` sets it to the earliest
open, actionable deadline (snooze dates count) of the case, or ``None``. The update bypasses the case's
optimistic-lock version on purpose: it is derived, not a user edit, and must not make open forms stale.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from flask import current_app
from sqlalchemy import orm
from sqlalchemy.orm import attributes

from ebh.audit import service as audit
from ebh.audit.models import AuditEvent
from ebh.auth.access import CASE_ROLES, require_role, require_same_office
from ebh.auth.models import Office, Role, User
from ebh.cases import workflow
from ebh.cases.models import Case, CaseDocument, ResidencePeriod
from ebh.db import utcnow
from ebh.deadlines import calendar, derive, mail, reminders
from ebh.deadlines.models import (
    ACTIONABLE_KINDS,
    VWGO75_KINDS,
    CalendarFeedToken,
    Deadline,
    DeadlineKind,
    DeadlineStatus,
    EmailMode,
    OfficeClosingDay,
    Reminder,
    ReminderPreference,
    ReminderStatus,
)
from ebh.extensions import db

CHUNK = 1000
MAX_TEXT = 500


class DeadlineError(ValueError):
    """Bad input for a deadline action; ``field`` names the form field, the message is German."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


# --------------------------------------------------------------------------------------------------
# Recomputation
# --------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class RecomputeStats:
    cases: int = 0
    created: int = 0
    changed: int = 0
    cancelled: int = 0
    settled: int = 0
    reminders_created: int = 0
    reminders_cancelled: int = 0

    def add(self, other: RecomputeStats) -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def recompute_case(actor: User | None, case: Case) -> RecomputeStats:
    """Recompute the deadlines and reminders of one case (called by the cases signals)."""
    return recompute_cases([case.id], actor=actor)


def recompute_cases(
    case_ids: Sequence[int], *, actor: User | None = None, now: dt.datetime | None = None,
    include_rules: bool = True,
) -> RecomputeStats:
    """Derive the deadlines of the given cases, apply the differences, sync reminders and ``Case.due_on``.

    Idempotent: running it twice changes nothing the second time. Writes go through the session's
    connection (same transaction as the caller); nothing is committed here.
    """
    stats = RecomputeStats()
    session = db.session
    session.flush()
    now = now or utcnow()
    for start in range(0, len(case_ids), CHUNK):
        stats.add(_recompute_chunk(session, list(case_ids[start:start + CHUNK]), actor, now, include_rules))
    return stats


def iter_case_id_chunks(office_id: int | None = None, chunk: int = CHUNK) -> Iterator[list[int]]:
    """Ids of all cases (optionally of one office) in ascending chunks, keyset-paginated."""
    last = 0
    while True:
        query = sa.select(Case.id).where(Case.id > last).order_by(Case.id).limit(chunk)
        if office_id is not None:
            query = query.where(Case.office_id == office_id)
        ids = list(db.session.scalars(query))
        if not ids:
            return
        yield ids
        last = ids[-1]


def _in(column: Any, ids: Iterable[int]) -> Any:
    """``column IN ids``; on PostgreSQL ``column = ANY(:array)`` with one parameter (an expanded IN list of
    thousands of parameters costs more to build and parse than the query takes to run)."""
    ids = list(ids)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, ids, type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(ids)


def _settings() -> derive.Settings:
    config = current_app.config
    return derive.Settings(
        document_validity_months=int(config["DOCUMENT_VALIDITY_MONTHS"]),
        zusicherung_validity_years=int(config["ZUSICHERUNG_VALIDITY_YEARS"]),
    )


def closing_days(office_ids: Iterable[int]) -> dict[int, frozenset[dt.date]]:
    rows = db.session.execute(
        sa.select(OfficeClosingDay.office_id, OfficeClosingDay.day).where(OfficeClosingDay.office_id.in_(set(office_ids)))
    )
    found: dict[int, set[dt.date]] = defaultdict(set)
    for office_id, day in rows:
        found[office_id].add(day)
    return {office_id: frozenset(days) for office_id, days in found.items()}


def _recompute_chunk(session, case_ids: list[int], actor: User | None, now: dt.datetime,
                     include_rules: bool) -> RecomputeStats:
    stats = RecomputeStats(cases=len(case_ids))
    cases = session.execute(
        sa.select(Case.id, Case.office_id, Case.person_id, Case.family, Case.status, Case.received_on,
                  Case.decided_on, Case.last_office_action_on, Case.assigned_to_id, Case.due_on,
                  Case.file_number, Office.bundesland)
        .join(Office, Office.id == Case.office_id)
        .where(_in(Case.id, case_ids))
    ).all()
    if not cases:
        return stats
    documents: dict[int, list[Any]] = defaultdict(list)
    for doc in session.execute(
        sa.select(CaseDocument.id, CaseDocument.case_id, CaseDocument.document_type, CaseDocument.requested_on,
                  CaseDocument.deadline, CaseDocument.received_on, CaseDocument.issued_on, CaseDocument.valid_until)
        .where(_in(CaseDocument.case_id, case_ids))
        .order_by(CaseDocument.id)
    ):
        documents[doc.case_id].append(doc)
    periods: dict[int, list[Any]] = defaultdict(list)
    person_ids = {c.person_id for c in cases}
    for period in session.execute(
        sa.select(ResidencePeriod.id, ResidencePeriod.person_id, ResidencePeriod.status, ResidencePeriod.end_date,
                  ResidencePeriod.valid_until)
        .where(_in(ResidencePeriod.person_id, person_ids), ResidencePeriod.end_date.is_(None),
               ResidencePeriod.valid_until.is_not(None))
        .order_by(ResidencePeriod.id)
    ):
        periods[period.person_id].append(period)
    closed_days = closing_days({c.office_id for c in cases})
    settings = _settings()
    eligible = _eligible_dates(case_ids) if include_rules else {}

    specs: dict[int, list[derive.DeadlineSpec]] = {}
    for case in cases:
        is_open = workflow.is_open(case.family, case.status)
        facts = derive.CaseFacts(
            id=case.id, office_id=case.office_id, is_open=is_open, received_on=case.received_on,
            decided_on=case.decided_on, last_office_action_on=case.last_office_action_on,
            bundesland=_bundesland(case.bundesland), closing_days=closed_days.get(case.office_id, frozenset()),
            documents=documents.get(case.id, ()), residence_periods=periods.get(case.person_id, ()),
            eligible_from=eligible.get(case.id),
        )
        specs[case.id] = derive.derive(facts, settings)

    existing: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in session.execute(
        sa.select(Deadline.id, Deadline.case_id, Deadline.source_key, Deadline.kind, Deadline.due_on, Deadline.event_on,
                  Deadline.status, Deadline.done_by_id, Deadline.user_id, Deadline.label, Deadline.legal_basis,
                  Deadline.problem)
        .where(_in(Deadline.case_id, case_ids))
    ):
        existing[row.case_id][row.source_key] = row

    table = Deadline.__table__
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    case_changes: dict[int, dict[str, list[Any]]] = defaultdict(dict)
    for case in cases:
        have = existing.get(case.id, {})
        wanted = {spec.source_key: spec for spec in specs[case.id]}
        for key, spec in wanted.items():
            row = have.get(key)
            if row is None:
                if spec.settled:
                    continue
                inserts.append({
                    "office_id": case.office_id, "case_id": case.id, "kind": spec.kind, "source_key": key,
                    "due_on": spec.due_on, "event_on": spec.event_on, "legal_basis": spec.legal_basis,
                    "label": spec.label, "problem": spec.problem, "user_id": case.assigned_to_id,
                    "status": DeadlineStatus.OPEN, "snooze_reason": "", "done_reason": "",
                    "created_at": now, "updated_at": now,
                })
                case_changes[case.id][key] = [None, spec.due_on.isoformat()]
                stats.created += 1
                continue
            values: dict[str, Any] = {}
            for field in ("due_on", "event_on", "legal_basis", "label", "problem"):
                if getattr(row, field) != getattr(spec, field):
                    values[field] = getattr(spec, field)
            if row.user_id != case.assigned_to_id:
                values["user_id"] = case.assigned_to_id
            if spec.settled and row.status == DeadlineStatus.OPEN:
                values.update(status=DeadlineStatus.DONE, done_at=now, done_by_id=None, done_reason=spec.settled)
                stats.settled += 1
            elif not spec.settled and (
                row.status == DeadlineStatus.CANCELLED
                or (row.status == DeadlineStatus.DONE and (row.done_by_id is None or "due_on" in values))
            ):
                # The source is back (document no longer received, new due date): the deadline is open again.
                values.update(status=DeadlineStatus.OPEN, done_at=None, done_by_id=None, done_reason="",
                              snoozed_until=None, snooze_reason="")
            if values:
                if "due_on" in values or "status" in values:
                    case_changes[case.id][key] = [_change_text(row.status, row.due_on),
                                                  _change_text(values.get("status", row.status),
                                                               values.get("due_on", row.due_on))]
                    if values.get("status", DeadlineStatus.OPEN) == DeadlineStatus.OPEN:
                        stats.changed += 1
                updates.append({"_id": row.id, **values, "updated_at": now})
        for key, row in have.items():
            if key in wanted or key.startswith("manual:"):
                if key.startswith("manual:") and row.user_id is None and case.assigned_to_id is not None:
                    updates.append({"_id": row.id, "user_id": case.assigned_to_id, "updated_at": now})
                continue
            if row.status == DeadlineStatus.OPEN:
                updates.append({"_id": row.id, "status": DeadlineStatus.CANCELLED, "done_at": now, "done_by_id": None,
                                "done_reason": "Grundlage entfallen", "updated_at": now})
                case_changes[case.id][key] = [_change_text(row.status, row.due_on), "entfallen"]
                stats.cancelled += 1

    if inserts:
        session.execute(sa.insert(table), inserts)
    for values in updates:
        row_id = values.pop("_id")
        session.execute(sa.update(table).where(table.c.id == row_id).values(**values))

    stats.reminders_created, stats.reminders_cancelled = sync_reminders_for_cases(case_ids, now=now)
    _update_case_due_on(session, cases)
    _audit_recompute(actor, cases, case_changes, now)
    return stats


def _audit_recompute(actor: User | None, cases: Sequence[Any], case_changes: dict[int, dict[str, list[Any]]],
                     now: dt.datetime) -> None:
    """One audit event per case whose deadlines changed (it shows in the case timeline). A user's change goes
    through :func:`ebh.audit.service.record`; the nightly system job writes its events in one bulk insert."""
    changed = [case for case in cases if case_changes.get(case.id)]
    if actor is not None:
        for case in changed:
            audit.record(actor, "update", "deadline", None, case_id=case.id, person_id=case.person_id,
                         office_id=case.office_id, summary=f"Fristen neu berechnet (Akte {case.file_number})",
                         changes=case_changes[case.id])
    elif changed:
        db.session.execute(sa.insert(AuditEvent.__table__), [
            {"at": now, "user_id": None, "office_id": case.office_id, "action": "update", "entity": "deadline",
             "entity_id": None, "case_id": case.id, "person_id": case.person_id, "ip": "",
             "summary": f"Fristen neu berechnet (Akte {case.file_number})", "changes": case_changes[case.id]}
            for case in changed
        ])


def _change_text(status: Any, due_on: dt.date | None) -> str:
    status = DeadlineStatus(status)
    text = due_on.isoformat() if due_on else ""
    return text if status is DeadlineStatus.OPEN else f"{text} ({status.value})"


def _bundesland(code: str | None) -> str:
    try:
        return calendar.normalize_bundesland(code)
    except calendar.UnknownBundeslandError:
        # A misconfigured office must not stop the recomputation of every case; fall back and say so.
        current_app.logger.warning("office with unknown Bundesland %r: using DEFAULT_BUNDESLAND", code)
        return calendar.normalize_bundesland(current_app.config["DEFAULT_BUNDESLAND"])


def _eligible_dates(case_ids: Sequence[int]) -> dict[int, dt.date]:
    """Earliest-eligible dates from the rules domain: the latest stored evaluation of each case (the rules
    domain re-evaluates on the same signals and its receivers run first). What-if evaluations on another
    reference date do not count. Without the rules domain there are no such dates."""
    try:
        from ebh.rules.models import Evaluation
    except ImportError:
        return {}
    latest = (
        sa.select(sa.func.max(Evaluation.id))
        .where(_in(Evaluation.case_id, case_ids), Evaluation.trigger != "what_if")
        .group_by(Evaluation.case_id)
    )
    rows = db.session.execute(
        sa.select(Evaluation.case_id, Evaluation.earliest_eligible_date).where(Evaluation.id.in_(latest))
    )
    return {case_id: day for case_id, day in rows if day is not None}


def _update_case_due_on(session, cases: Sequence[Any]) -> None:
    ids = [c.id for c in cases]
    effective = sa.func.coalesce(Deadline.snoozed_until, Deadline.due_on)
    earliest = dict(session.execute(
        sa.select(Deadline.case_id, sa.func.min(effective))
        .where(_in(Deadline.case_id, ids), Deadline.status == DeadlineStatus.OPEN,
               Deadline.kind.in_(ACTIONABLE_KINDS))
        .group_by(Deadline.case_id)
    ).all())
    case_table = Case.__table__
    for case in cases:
        new = earliest.get(case.id)
        if new == case.due_on:
            continue
        session.execute(sa.update(case_table).where(case_table.c.id == case.id).values(due_on=new))
        loaded = session.identity_map.get(sa.inspect(Case).identity_key_from_primary_key((case.id,)))
        if loaded is not None:
            attributes.set_committed_value(loaded, "due_on", new)


# --------------------------------------------------------------------------------------------------
# Reminder synchronisation
# --------------------------------------------------------------------------------------------------

def sync_reminders_for_cases(case_ids: Sequence[int], *, now: dt.datetime | None = None) -> tuple[int, int]:
    """Make the reminders of the cases' deadlines match the deadlines: create missing ones (idempotent on
    the key), cancel pending ones that no longer apply, follow recipient and digest changes."""
    session = db.session
    now = now or utcnow()
    config = current_app.config
    # No join on offices here: with a handful of offices the planner may pick the office index and scan
    # every deadline of the office; the Bundesland comes from a separate small query.
    rows = session.execute(
        sa.select(Deadline.id, Deadline.office_id, Deadline.kind, Deadline.due_on, Deadline.snoozed_until,
                  Deadline.status, Deadline.user_id, User.email, User.active, ReminderPreference.email_mode)
        .outerjoin(User, User.id == Deadline.user_id)
        .outerjoin(ReminderPreference, ReminderPreference.user_id == Deadline.user_id)
        .where(_in(Deadline.case_id, case_ids))
    ).all()
    if not rows:
        return 0, 0
    deadline_ids = [r.id for r in rows]
    office_ids = {r.office_id for r in rows}
    closed = closing_days(office_ids)
    bundesland = dict(session.execute(sa.select(Office.id, Office.bundesland).where(_in(Office.id, office_ids))).all())
    current: dict[int, dict[str, Any]] = defaultdict(dict)
    for start in range(0, len(deadline_ids), CHUNK):
        for reminder in session.execute(
            sa.select(Reminder.id, Reminder.deadline_id, Reminder.idempotency_key, Reminder.status,
                      Reminder.recipient_id, Reminder.digest)
            .where(_in(Reminder.deadline_id, deadline_ids[start:start + CHUNK]))
        ):
            current[reminder.deadline_id][reminder.idempotency_key] = reminder

    domain = mail.mail_domain(current_app.config["MAIL_FROM"])
    inserts: list[dict[str, Any]] = []
    cancel_ids: list[int] = []
    revive: list[dict[str, Any]] = []
    for row in rows:
        mode = EmailMode(row.email_mode) if row.email_mode else EmailMode.EACH
        wanted: list[reminders.PlannedReminder] = []
        if (row.status == DeadlineStatus.OPEN and row.user_id is not None and row.active and row.email
                and mode is not EmailMode.OFF):
            digest = mode is EmailMode.DIGEST
            wanted = reminders.plan(
                row.id, DeadlineKind(row.kind), row.snoozed_until or row.due_on, now=now,
                hour=int(config["REMINDER_DIGEST_HOUR" if digest else "REMINDER_HOUR"]),
                bundesland=_bundesland(bundesland.get(row.office_id)), closing_days=closed.get(row.office_id, frozenset()),
            )
        have = current.get(row.id, {})
        wanted_keys = {p.idempotency_key for p in wanted}
        for key, reminder in have.items():
            if key not in wanted_keys and reminder.status == ReminderStatus.PENDING:
                cancel_ids.append(reminder.id)
        for planned in wanted:
            reminder = have.get(planned.idempotency_key)
            values = {"recipient_id": row.user_id, "digest": mode is EmailMode.DIGEST}
            if reminder is None:
                inserts.append({
                    "office_id": row.office_id, "deadline_id": row.id, "kind": planned.kind, "channel": "email",
                    **values, "due_at": planned.due_at, "next_attempt_at": planned.due_at,
                    "status": ReminderStatus.PENDING, "attempts": 0, "last_error": "",
                    "idempotency_key": planned.idempotency_key,
                    "message_id": reminders.message_id(planned.idempotency_key, domain), "created_at": now,
                })
            elif reminder.status == ReminderStatus.CANCELLED or (
                reminder.status == ReminderStatus.PENDING
                and (reminder.recipient_id, reminder.digest) != (values["recipient_id"], values["digest"])
            ):
                revive.append({"_id": reminder.id, **values, "status": ReminderStatus.PENDING,
                               "due_at": planned.due_at, "next_attempt_at": planned.due_at})
    table = Reminder.__table__
    if inserts:
        session.execute(_insert_ignore(table, "idempotency_key"), inserts)
    for start in range(0, len(cancel_ids), CHUNK):
        session.execute(
            sa.update(table)
            .where(_in(table.c.id, cancel_ids[start:start + CHUNK]), table.c.status == ReminderStatus.PENDING)
            .values(status=ReminderStatus.CANCELLED)
        )
    for values in revive:
        row_id = values.pop("_id")
        session.execute(sa.update(table).where(
            table.c.id == row_id, table.c.status.in_((ReminderStatus.PENDING, ReminderStatus.CANCELLED))
        ).values(**values))
    return len(inserts), len(cancel_ids)


def _insert_ignore(table: sa.Table, key: str) -> Any:
    """``INSERT … ON CONFLICT (key) DO NOTHING`` on PostgreSQL and SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=[key])


# --------------------------------------------------------------------------------------------------
# Signals
# --------------------------------------------------------------------------------------------------

def on_case_changed(case: Case, actor: User | None = None, **_: Any) -> None:
    recompute_cases([case.id], actor=actor)


def on_person_changed(person: Any, actor: User | None = None, **_: Any) -> None:
    ids = list(db.session.scalars(sa.select(Case.id).where(Case.person_id == person.id)))
    if ids:
        recompute_cases(ids, actor=actor)


# --------------------------------------------------------------------------------------------------
# Deadlines by hand: Wiedervorlage, done, snooze
# --------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------
# Reading: case panel, inbox, supervisor view
# --------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------
# Office closing days
# --------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------
# iCal feed tokens and reminder preferences
# --------------------------------------------------------------------------------------------------

def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_feed_token(actor: User) -> str:
    """Revoke the actor's old feed tokens and return a new token ``<id>.<secret>`` (shown once)."""
    require_role(actor, *CASE_ROLES)
    revoke_feed_tokens(actor)
    secret = secrets.token_urlsafe(32)
    row = CalendarFeedToken(user_id=actor.id, secret_hash=_hash_secret(secret))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "create", "calendar_feed_token", row.id, summary="iCal-Feed-Adresse erzeugt")
    return f"{row.id}.{secret}"


def revoke_feed_tokens(actor: User) -> int:
    require_role(actor, *CASE_ROLES)
    result = db.session.execute(
        sa.update(CalendarFeedToken)
        .where(CalendarFeedToken.user_id == actor.id, CalendarFeedToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if result.rowcount:
        audit.record(actor, "update", "calendar_feed_token", None, summary="iCal-Feed-Adresse widerrufen")
    return result.rowcount or 0


def active_feed_token(actor: User) -> CalendarFeedToken | None:
    return db.session.scalars(
        sa.select(CalendarFeedToken).where(CalendarFeedToken.user_id == actor.id,
                                           CalendarFeedToken.revoked_at.is_(None))
    ).first()


_DUMMY_HASH = _hash_secret("no-such-token")


def user_for_feed_token(token: str) -> User | None:
    """The active user a feed token belongs to, or None. The secret is compared in constant time."""
    token_id, _, secret = (token or "").partition(".")
    row = db.session.get(CalendarFeedToken, int(token_id)) if token_id.isdigit() and len(token_id) < 12 else None
    expected = row.secret_hash if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(_hash_secret(secret), expected)
    if row is None or not matches or row.revoked_at is not None:
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active or user.role not in CASE_ROLES:
        return None
    row.last_used_at = utcnow()
    return user


def feed_deadlines(user: User, *, today: dt.date | None = None) -> list[Deadline]:
    """Open deadlines of a user for the iCal feed: from 30 days ago on (the feed stays small)."""
    today = today or reminders.local_today(utcnow())
    rows = list(db.session.scalars(
        sa.select(Deadline).options(orm.joinedload(Deadline.case))
        .where(Deadline.user_id == user.id, Deadline.office_id == user.office_id,
               Deadline.status == DeadlineStatus.OPEN, Deadline.due_on >= today - dt.timedelta(days=30))
        .order_by(Deadline.due_on, Deadline.id)
        .limit(2000)
    ))
    audit.record(user, "read", "calendar_feed", None, summary=f"iCal-Feed abgerufen ({len(rows)} Termine)")
    return rows


def email_mode(actor: User) -> EmailMode:
    pref = db.session.get(ReminderPreference, actor.id)
    return pref.email_mode if pref else EmailMode.EACH


def set_email_mode(actor: User, mode: str, *, now: dt.datetime | None = None) -> None:
    """Choose one mail per reminder, a daily digest, or no mail; pending reminders follow."""
    require_role(actor, *CASE_ROLES)
    try:
        new = EmailMode(mode)
    except ValueError as exc:
        raise DeadlineError("Unbekannte Einstellung für Erinnerungs-E-Mails.", "email_mode") from exc
    pref = db.session.get(ReminderPreference, actor.id) or ReminderPreference(user_id=actor.id)
    old = pref.email_mode if pref.email_mode else EmailMode.EACH
    pref.email_mode = new
    db.session.add(pref)
    db.session.flush()
    audit.record(actor, "update", "reminder_preference", actor.id, summary="Einstellung Erinnerungs-E-Mails geändert",
                 changes={"email_mode": [EmailMode(old).value, new.value]})
    case_ids = list(db.session.scalars(
        sa.select(Deadline.case_id).where(Deadline.user_id == actor.id, Deadline.status == DeadlineStatus.OPEN).distinct()
    ))
    for start in range(0, len(case_ids), CHUNK):
        sync_reminders_for_cases(case_ids[start:start + CHUNK], now=now)

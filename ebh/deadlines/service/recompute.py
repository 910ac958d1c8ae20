"""Recomputation: derive the deadlines of cases from their data, apply the difference, keep the reminders
and ``Case.due_on`` in step, and the signal receivers that trigger it.

Set-based (a few queries per chunk of cases), so the same code serves one case (signal handler) and a
million (nightly job). ``Case.due_on`` is owned here once deadlines exist: :func:`recompute_cases` sets it
to the earliest open, actionable deadline (snooze dates count) of the case, or ``None``. The update
bypasses the case's optimistic-lock version on purpose: it is derived, not a user edit, and must not make
open forms stale.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import attributes

from ebh.audit import service as audit
from ebh.audit.models import AuditEvent
from ebh.auth.models import Office, User
from ebh.cases import workflow
from ebh.cases.models import Case, CaseDocument, ResidencePeriod
from ebh.db import utcnow
from ebh.deadlines import calendar, derive, mail, reminders
from ebh.deadlines.models import (
    ACTIONABLE_KINDS,
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
    """Recompute one chunk of cases: load their inputs in a few queries, derive, apply the difference."""
    stats = RecomputeStats(cases=len(case_ids))
    cases = _load_cases(session, case_ids)
    if not cases:
        return stats
    specs = _derive_specs(session, cases, case_ids, include_rules)
    existing = _existing_deadlines(session, case_ids)
    diff = _DeadlineDiff(now, stats)
    for case in cases:
        diff.case(case, existing.get(case.id, {}), {spec.source_key: spec for spec in specs[case.id]})
    diff.apply(session)
    stats.reminders_created, stats.reminders_cancelled = sync_reminders_for_cases(case_ids, now=now)
    _update_case_due_on(session, cases)
    _audit_recompute(actor, cases, diff.case_changes, now)
    return stats


def _load_cases(session, case_ids: list[int]) -> list[Any]:
    return session.execute(
        sa.select(Case.id, Case.office_id, Case.person_id, Case.family, Case.status, Case.received_on,
                  Case.decided_on, Case.last_office_action_on, Case.assigned_to_id, Case.due_on,
                  Case.file_number, Office.bundesland)
        .join(Office, Office.id == Case.office_id)
        .where(_in(Case.id, case_ids))
    ).all()


def _documents_by_case(session, case_ids: list[int]) -> dict[int, list[Any]]:
    documents: dict[int, list[Any]] = defaultdict(list)
    for doc in session.execute(
        sa.select(CaseDocument.id, CaseDocument.case_id, CaseDocument.document_type, CaseDocument.requested_on,
                  CaseDocument.deadline, CaseDocument.received_on, CaseDocument.issued_on, CaseDocument.valid_until)
        .where(_in(CaseDocument.case_id, case_ids))
        .order_by(CaseDocument.id)
    ):
        documents[doc.case_id].append(doc)
    return documents


def _open_periods_by_person(session, person_ids: set[int]) -> dict[int, list[Any]]:
    """Current residence periods with an expiry date (the titles whose expiry makes a deadline)."""
    periods: dict[int, list[Any]] = defaultdict(list)
    for period in session.execute(
        sa.select(ResidencePeriod.id, ResidencePeriod.person_id, ResidencePeriod.status, ResidencePeriod.end_date,
                  ResidencePeriod.valid_until)
        .where(_in(ResidencePeriod.person_id, person_ids), ResidencePeriod.end_date.is_(None),
               ResidencePeriod.valid_until.is_not(None))
        .order_by(ResidencePeriod.id)
    ):
        periods[period.person_id].append(period)
    return periods


def _derive_specs(session, cases: Sequence[Any], case_ids: list[int],
                  include_rules: bool) -> dict[int, list[derive.DeadlineSpec]]:
    """The deadlines each case should have, by case id."""
    documents = _documents_by_case(session, case_ids)
    periods = _open_periods_by_person(session, {c.person_id for c in cases})
    closed_days = closing_days({c.office_id for c in cases})
    settings = _settings()
    eligible = _eligible_dates(case_ids) if include_rules else {}
    specs: dict[int, list[derive.DeadlineSpec]] = {}
    for case in cases:
        facts = derive.CaseFacts(
            id=case.id, office_id=case.office_id, is_open=workflow.is_open(case.family, case.status),
            received_on=case.received_on, decided_on=case.decided_on,
            last_office_action_on=case.last_office_action_on, bundesland=_bundesland(case.bundesland),
            closing_days=closed_days.get(case.office_id, frozenset()), documents=documents.get(case.id, ()),
            residence_periods=periods.get(case.person_id, ()), eligible_from=eligible.get(case.id),
        )
        specs[case.id] = derive.derive(facts, settings)
    return specs


def _existing_deadlines(session, case_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The stored deadlines of the cases, by case id and source key."""
    existing: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in session.execute(
        sa.select(Deadline.id, Deadline.case_id, Deadline.source_key, Deadline.kind, Deadline.due_on, Deadline.event_on,
                  Deadline.status, Deadline.done_by_id, Deadline.user_id, Deadline.label, Deadline.legal_basis,
                  Deadline.problem)
        .where(_in(Deadline.case_id, case_ids))
    ):
        existing[row.case_id][row.source_key] = row
    return existing


_SPEC_FIELDS = ("due_on", "event_on", "legal_basis", "label", "problem")


class _DeadlineDiff:
    """The inserts and updates that turn the stored deadlines of a chunk into the derived ones, with the
    per-case change log for the audit trail and the counts for :class:`RecomputeStats`."""

    def __init__(self, now: dt.datetime, stats: RecomputeStats) -> None:
        self.now = now
        self.stats = stats
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.case_changes: dict[int, dict[str, list[Any]]] = defaultdict(dict)

    def case(self, case: Any, have: dict[str, Any], wanted: dict[str, derive.DeadlineSpec]) -> None:
        for key, spec in wanted.items():
            row = have.get(key)
            if row is None:
                self._insert(case, key, spec)
            else:
                self._update(case, key, row, spec)
        for key, row in have.items():
            if key.startswith("manual:"):
                if row.user_id is None and case.assigned_to_id is not None:
                    self.updates.append({"_id": row.id, "user_id": case.assigned_to_id, "updated_at": self.now})
            elif key not in wanted and row.status == DeadlineStatus.OPEN:
                self._cancel(case, key, row)

    def _insert(self, case: Any, key: str, spec: derive.DeadlineSpec) -> None:
        if spec.settled:
            return
        self.inserts.append({
            "office_id": case.office_id, "case_id": case.id, "kind": spec.kind, "source_key": key,
            "due_on": spec.due_on, "event_on": spec.event_on, "legal_basis": spec.legal_basis,
            "label": spec.label, "problem": spec.problem, "user_id": case.assigned_to_id,
            "status": DeadlineStatus.OPEN, "snooze_reason": "", "done_reason": "",
            "created_at": self.now, "updated_at": self.now,
        })
        self.case_changes[case.id][key] = [None, spec.due_on.isoformat()]
        self.stats.created += 1

    def _update(self, case: Any, key: str, row: Any, spec: derive.DeadlineSpec) -> None:
        values: dict[str, Any] = {
            field: getattr(spec, field) for field in _SPEC_FIELDS if getattr(row, field) != getattr(spec, field)
        }
        if row.user_id != case.assigned_to_id:
            values["user_id"] = case.assigned_to_id
        values.update(self._status_change(row, spec, "due_on" in values))
        if not values:
            return
        if "due_on" in values or "status" in values:
            self.case_changes[case.id][key] = [
                _change_text(row.status, row.due_on),
                _change_text(values.get("status", row.status), values.get("due_on", row.due_on)),
            ]
            if values.get("status", DeadlineStatus.OPEN) == DeadlineStatus.OPEN:
                self.stats.changed += 1
        self.updates.append({"_id": row.id, **values, "updated_at": self.now})

    def _status_change(self, row: Any, spec: derive.DeadlineSpec, due_moved: bool) -> dict[str, Any]:
        if spec.settled and row.status == DeadlineStatus.OPEN:
            self.stats.settled += 1
            return {"status": DeadlineStatus.DONE, "done_at": self.now, "done_by_id": None,
                    "done_reason": spec.settled}
        if not spec.settled and (
            row.status == DeadlineStatus.CANCELLED
            or (row.status == DeadlineStatus.DONE and (row.done_by_id is None or due_moved))
        ):
            # The source is back (document no longer received, new due date): the deadline is open again.
            return {"status": DeadlineStatus.OPEN, "done_at": None, "done_by_id": None, "done_reason": "",
                    "snoozed_until": None, "snooze_reason": ""}
        return {}

    def _cancel(self, case: Any, key: str, row: Any) -> None:
        self.updates.append({"_id": row.id, "status": DeadlineStatus.CANCELLED, "done_at": self.now,
                             "done_by_id": None, "done_reason": "Grundlage entfallen", "updated_at": self.now})
        self.case_changes[case.id][key] = [_change_text(row.status, row.due_on), "entfallen"]
        self.stats.cancelled += 1

    def apply(self, session) -> None:
        table = Deadline.__table__
        if self.inserts:
            session.execute(sa.insert(table), self.inserts)
        for values in self.updates:
            row_id = values.pop("_id")
            session.execute(sa.update(table).where(table.c.id == row_id).values(**values))


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


def on_case_changed(case: Case, actor: User | None = None, **_: Any) -> None:
    recompute_cases([case.id], actor=actor)


def on_person_changed(person: Any, actor: User | None = None, **_: Any) -> None:
    ids = list(db.session.scalars(sa.select(Case.id).where(Case.person_id == person.id)))
    if ids:
        recompute_cases(ids, actor=actor)

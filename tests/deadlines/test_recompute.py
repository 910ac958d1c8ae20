"""Deriving and recomputing deadlines from case data: dates, idempotency, reminders, Case.due_on."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.cases.models import Case, CaseDocument
from ebh.cases.signals import case_changed, person_changed
from ebh.deadlines import service
from ebh.deadlines.models import Deadline, DeadlineKind, DeadlineStatus, EmailMode, Reminder, ReminderStatus
from tests import factories
from tests.deadlines.conftest import make_case

D = dt.date
NOW = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)  # Wednesday, 12:00 in Berlin


def _deadlines(db, case_id):
    return {d.source_key: d for d in db.session.scalars(sa.select(Deadline).where(Deadline.case_id == case_id))}


def _reminders(db):
    return list(db.session.scalars(sa.select(Reminder).order_by(Reminder.id)))


def _setup(db, office, caseworker):
    caseworker.email = "sb1@example.org"
    person = factories.person(office)
    duldung = factories.residence(person, "duldung", D(2025, 1, 1), valid_until=D(2026, 9, 30))
    factories.residence(person, "residence_permit", D(2020, 1, 1), D(2024, 12, 31), valid_until=D(2024, 12, 31))
    case = factories.case(person, status="in_review", received_on=D(2026, 5, 4), assigned_to_id=caseworker.id,
                          last_office_action_on=D(2026, 6, 1))
    passport = CaseDocument(case_id=case.id, document_type="passport", requested_on=D(2026, 6, 1),
                            deadline=D(2026, 8, 1))
    income = CaseDocument(case_id=case.id, document_type="proof_of_income", received_on=D(2026, 6, 1),
                          issued_on=D(2026, 5, 20))
    db.session.add_all([passport, income])
    db.session.commit()
    case.duldung_id = duldung.id
    return case, passport, income


def test_derived_deadlines_and_due_on(db, office, caseworker):
    case, passport, income = _setup(db, office, caseworker)
    stats = service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    found = _deadlines(db, case.id)
    assert {k: (d.kind, d.due_on) for k, d in found.items()} == {
        # 04.05.2026 + 3 months = 04.08.2026; the action is admissible from the day after (§ 75 S. 2 VwGO).
        "case": (DeadlineKind.VWGO75_APPLICATION, D(2026, 8, 5)),
        "case:last_action": (DeadlineKind.VWGO75_LAST_ACTION, D(2026, 9, 2)),
        # Saturday 01.08.2026 moves to Monday 03.08.2026 (§ 31 Abs. 3 VwVfG NRW).
        f"document:{passport.id}": (DeadlineKind.DOCUMENT, D(2026, 8, 3)),
        f"validity:{income.id}": (DeadlineKind.DOCUMENT_VALIDITY, D(2026, 11, 20)),
        # Only the current (open-ended) period's document; the ended permit does not count.
        f"residence:{case.duldung_id}": (DeadlineKind.PERMIT_EXPIRY, D(2026, 9, 30)),
    }
    assert found[f"document:{passport.id}"].event_on == D(2026, 6, 1)
    assert all(d.user_id == caseworker.id and d.status is DeadlineStatus.OPEN for d in found.values())
    assert stats.created == 5
    assert db.session.get(Case, case.id).due_on == D(2026, 8, 3)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.case_id == case.id)).one()
    assert event.action == "update" and case.file_number in event.summary
    assert "Yılmaz" not in event.summary


def test_recompute_is_idempotent(db, office, caseworker):
    case, _, _ = _setup(db, office, caseworker)
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    first = [(r.idempotency_key, r.due_at, r.status) for r in _reminders(db)]
    version = db.session.get(Case, case.id).version
    events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    for _ in range(3):
        stats = service.recompute_cases([case.id], now=NOW + dt.timedelta(hours=1))
        db.session.commit()
        assert (stats.created, stats.changed, stats.cancelled, stats.reminders_created) == (0, 0, 0, 0)
    assert [(r.idempotency_key, r.due_at, r.status) for r in _reminders(db)] == first
    assert len(first) == 8 and len({k for k, _, _ in first}) == 8
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == events
    assert db.session.get(Case, case.id).version == version  # derived due_on never makes forms stale


def test_changed_due_date_cancels_old_reminder_and_revives_it_when_changed_back(db, office, caseworker):
    case, passport, _ = _setup(db, office, caseworker)
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    deadline = _deadlines(db, case.id)[f"document:{passport.id}"]
    key_old = f"{deadline.id}:d-0:email:2026-08-03"

    passport.deadline = D(2026, 8, 14)
    db.session.commit()
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    by_key = {r.idempotency_key: r for r in _reminders(db)}
    assert by_key[key_old].status is ReminderStatus.CANCELLED
    assert by_key[f"{deadline.id}:d-0:email:2026-08-14"].status is ReminderStatus.PENDING
    assert db.session.get(Case, case.id).due_on == D(2026, 8, 5)

    passport.deadline = D(2026, 8, 1)
    db.session.commit()
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    by_key = {r.idempotency_key: r for r in _reminders(db)}
    assert by_key[key_old].status is ReminderStatus.PENDING
    assert by_key[f"{deadline.id}:d-0:email:2026-08-14"].status is ReminderStatus.CANCELLED
    assert len(by_key) == 9  # one row per key, no duplicates


def test_sent_reminder_is_never_recreated(db, office, caseworker):
    case, _, _ = _setup(db, office, caseworker)
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    db.session.execute(sa.update(Reminder).values(status=ReminderStatus.SENT))
    db.session.commit()
    stats = service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    assert stats.reminders_created == 0
    assert {r.status for r in _reminders(db)} == {ReminderStatus.SENT}


def test_received_document_settles_deadline_and_closed_case_cancels(db, office, caseworker):
    case, passport, _ = _setup(db, office, caseworker)
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    passport.received_on = D(2026, 7, 2)
    db.session.commit()
    stats = service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    deadline = _deadlines(db, case.id)[f"document:{passport.id}"]
    assert stats.settled == 1
    assert deadline.status is DeadlineStatus.DONE and deadline.done_by_id is None
    assert "eingegangen am 02.07.2026" in deadline.done_reason
    assert {r.status for r in _reminders(db) if r.deadline_id == deadline.id} == {ReminderStatus.CANCELLED}

    db.session.get(Case, case.id).status = "refused"
    db.session.get(Case, case.id).decided_on = D(2026, 7, 3)
    db.session.commit()
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    statuses = {d.kind: d.status for d in _deadlines(db, case.id).values()}
    assert statuses[DeadlineKind.VWGO75_APPLICATION] is DeadlineStatus.CANCELLED
    assert statuses[DeadlineKind.DOCUMENT] is DeadlineStatus.DONE  # history kept
    assert db.session.get(Case, case.id).due_on is None
    assert {r.status for r in _reminders(db)} == {ReminderStatus.CANCELLED}


def test_done_by_user_stays_done_until_the_date_changes(db, office, caseworker):
    case, passport, _ = _setup(db, office, caseworker)
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    deadline = _deadlines(db, case.id)[f"document:{passport.id}"]
    service.mark_done(caseworker, deadline.id, "telefonisch geklärt")
    db.session.commit()
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    assert db.session.get(Deadline, deadline.id).status is DeadlineStatus.DONE
    passport.deadline = D(2026, 9, 1)
    db.session.commit()
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    reopened = db.session.get(Deadline, deadline.id)
    assert reopened.status is DeadlineStatus.OPEN and reopened.due_on == D(2026, 9, 1)


def test_signals_trigger_recompute(db, office, caseworker):
    case, _, _ = _setup(db, office, caseworker)
    case_changed.send(case, actor=caseworker)
    db.session.commit()
    assert len(_deadlines(db, case.id)) == 5
    factories.residence(case.person, "fiktion", D(2026, 7, 1), valid_until=D(2026, 12, 31))
    person_changed.send(case.person, actor=caseworker)
    db.session.commit()
    kinds = [d.label for d in _deadlines(db, case.id).values() if d.kind is DeadlineKind.PERMIT_EXPIRY]
    assert sorted(kinds) == ["Duldung", "Fiktionsbescheinigung"]
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.user_id == caseworker.id


def test_deadline_before_its_request_is_flagged_not_lost(db, office, caseworker):
    case = make_case(office, assigned=caseworker)
    doc = CaseDocument(case_id=case.id, document_type="passport", requested_on=D(2026, 6, 10),
                       deadline=D(2026, 6, 1))
    db.session.add(doc)
    db.session.commit()
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    deadline = _deadlines(db, case.id)[f"document:{doc.id}"]
    assert deadline.due_on == D(2026, 6, 1) and deadline.event_on is None
    assert "liegt vor der Anforderung" in deadline.problem


def test_closing_day_moves_document_deadline(db, office, caseworker):
    admin = factories.user(office, "admin1", role="admin")
    case = make_case(office, assigned=caseworker)
    doc = CaseDocument(case_id=case.id, document_type="passport", requested_on=D(2026, 6, 1), deadline=D(2026, 8, 3))
    db.session.add(doc)
    db.session.commit()
    service.recompute_cases([case.id], now=NOW)
    service.add_closing_days(admin, service.parse_closing_days(["03.08.2026;Betriebsausflug", "2026-08-04"]))
    db.session.commit()
    assert _deadlines(db, case.id)[f"document:{doc.id}"].due_on == D(2026, 8, 5)


def test_reminders_follow_email_mode_and_missing_address(db, office, caseworker):
    case, _, _ = _setup(db, office, caseworker)
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    service.set_email_mode(caseworker, "digest", now=NOW)
    db.session.commit()
    pending = [r for r in _reminders(db) if r.status is ReminderStatus.PENDING]
    assert pending and all(r.digest for r in pending)
    # Digest at 07:00 Berlin: 05:00 UTC in summer time, 06:00 UTC after the October change.
    assert {(r.due_at.month > 10, r.due_at.time()) for r in pending} == {(False, dt.time(5)), (True, dt.time(6))}
    service.set_email_mode(caseworker, EmailMode.OFF.value, now=NOW)
    db.session.commit()
    assert not [r for r in _reminders(db) if r.status is ReminderStatus.PENDING]

    other = make_case(office, assigned=factories.user(office, "noemail"))
    service.recompute_cases([other.id], now=NOW)
    db.session.commit()
    assert not [r for r in _reminders(db) if r.deadline.case_id == other.id]
    assert _deadlines(db, other.id)  # the deadline exists and is in the inbox


def test_past_reminder_offsets_are_skipped_and_overdue_gets_none(db, office, caseworker):
    caseworker.email = "sb1@example.org"
    db.session.commit()
    case = make_case(office, assigned=caseworker, received_on=D(2026, 1, 2))
    service.recompute_cases([case.id], now=NOW)
    db.session.commit()
    # § 75 mark on 03.04.2026 lies before NOW: an overdue deadline, visible in the inbox, no mail.
    assert _deadlines(db, case.id)["case"].due_on == D(2026, 4, 3)
    assert _reminders(db) == []


def test_bulk_recompute_of_many_cases(db, office, caseworker):
    ids = [make_case(office, assigned=caseworker, received_on=D(2026, 6, 1) + dt.timedelta(days=i)).id
           for i in range(30)]
    total = service.RecomputeStats()
    for chunk in service.iter_case_id_chunks(chunk=7):
        total.add(service.recompute_cases(chunk, now=NOW))
    db.session.commit()
    assert total.cases == 30 and total.created == 30
    assert db.session.scalar(sa.select(sa.func.count(Deadline.id))) == 30
    assert db.session.scalar(sa.select(sa.func.count()).where(Case.id.in_(ids), Case.due_on.is_not(None))) == 30

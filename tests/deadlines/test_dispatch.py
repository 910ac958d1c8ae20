"""Reminder dispatch against a real SMTP server (aiosmtpd): content, failures, retries, stale claims."""
from __future__ import annotations

import datetime as dt
import threading

import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.cases.models import CaseDocument
from ebh.db import utcnow
from ebh.deadlines import dispatch, reminders, service
from ebh.deadlines.models import Reminder, ReminderStatus
from tests import factories
from tests.deadlines.conftest import make_case

D = dt.date


def _today():
    return reminders.local_today(utcnow())


def _later(minutes=0):
    """An instant after the reminders of these tests (due today, or on the next working day at 08:00)."""
    return utcnow() + dt.timedelta(days=7, minutes=minutes)


def _due_reminders(db, office, user, n=2):
    """``n`` cases with a Wiedervorlage for today, each with one pending reminder."""
    user.email = user.email or f"{user.username}@example.org"
    db.session.commit()
    cases = []
    for i in range(n):
        case = make_case(office, assigned=user)
        service.add_wiedervorlage(user, case.id, _today(), note=f"Rückruf {i}")
        cases.append(case)
    db.session.commit()
    return cases


def _rows(db):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Reminder).order_by(Reminder.id)))


def test_reminder_mail_content(app, db, office, caseworker, smtp_server):
    cases = _due_reminders(db, office, caseworker, n=1)
    case = make_case(office, assigned=caseworker)
    db.session.add(CaseDocument(case_id=case.id, document_type="registration_certificate",
                                requested_on=_today() - dt.timedelta(days=20), deadline=_today()))
    db.session.commit()
    service.recompute_cases([case.id])
    db.session.commit()
    result = dispatch.dispatch_due(app, now=_later(), smtp_port=smtp_server.port)
    assert (result.claimed, result.sent, result.retried) == (2, 2, 0)
    smtp_server.wait_for(2)
    by_id = {m["Message-ID"]: m for m in smtp_server.messages}
    rows = _rows(db)
    assert set(by_id) == {r.message_id for r in rows}
    assert all(r.status is ReminderStatus.SENT and r.sent_at is not None for r in rows)
    wv = by_id[rows[0].message_id]
    assert wv["To"] == "sb1@example.org" and wv["From"] == app.config["MAIL_FROM"]
    assert wv["Subject"] == f"Frist {_today():%d.%m.%Y}: Wiedervorlage – Akte {cases[0].file_number}"
    assert wv["Auto-Submitted"] == "auto-generated"
    body = wv.get_content()
    assert "Guten Tag SB1" in body and "Rückruf 0" in body and f"fällig am {_today():%d.%m.%Y}" in body
    assert f"/cases/{cases[0].id}" in body
    doc = by_id[rows[1].message_id].get_content()
    assert "Frist für angeforderte Unterlagen – Meldebescheinigung" in doc and "§ 31 Abs. 3 VwVfG NRW" in doc
    for message in smtp_server.messages:
        text = message.as_string()
        assert "Yılmaz" not in text and "Ayşe" not in text and "Venloer" not in text


def test_smtp_down_then_up(app, db, client, login, office, caseworker, smtp_server, smtp_port_down):
    _due_reminders(db, office, caseworker, n=3)
    start = _later()
    result = dispatch.dispatch_due(app, now=start, smtp_port=smtp_port_down, lanes=1)
    assert (result.claimed, result.sent, result.retried, result.failed) == (3, 0, 3, 0)
    rows = _rows(db)
    assert {r.status for r in rows} == {ReminderStatus.PENDING}
    assert all(r.attempts == 1 and "nicht erreichbar" in r.last_error and r.sent_at is None for r in rows)
    assert all(r.next_attempt_at >= utcnow() + dt.timedelta(seconds=55) for r in rows)
    assert smtp_server.messages == []

    # The failure is visible to an admin.
    admin = factories.user(office, "admin1", role="admin")
    login(admin)
    page = client.get("/admin/erinnerungen").get_data(as_text=True)
    assert "nicht erreichbar" in page and "wird wiederholt" in page

    # Before the backoff has passed nothing is claimed; afterwards the mails go out once.
    assert dispatch.dispatch_due(app, now=utcnow(), smtp_port=smtp_server.port).claimed == 0
    result = dispatch.dispatch_due(app, now=utcnow() + dt.timedelta(minutes=2), smtp_port=smtp_server.port)
    assert result.sent == 3
    smtp_server.wait_for(3)
    assert len(smtp_server.messages) == 3
    assert {r.status for r in _rows(db)} == {ReminderStatus.SENT}


def test_capped_attempts_end_failed_with_audit_event_and_admin_retry(app, db, office, caseworker, smtp_port_down,
                                                                     smtp_server):
    _due_reminders(db, office, caseworker, n=1)
    moment = _later()
    for attempt in range(3):
        dispatch.dispatch_due(app, now=moment, smtp_port=smtp_port_down, max_attempts=3)
        moment += dt.timedelta(hours=7)
    [row] = _rows(db)
    assert row.status is ReminderStatus.FAILED and row.attempts == 3
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "send_failed")).one()
    assert event.entity_id == row.id and event.case_id == row.deadline.case_id and "3 Versuch" in event.summary
    assert dispatch.dispatch_due(app, now=moment, smtp_port=smtp_server.port).claimed == 0

    admin = factories.user(office, "admin1", role="admin")
    service.retry_reminder(admin, row.id)
    db.session.commit()
    assert dispatch.dispatch_due(app, now=_later(), smtp_port=smtp_server.port).sent == 1


def test_recipient_refused_only_fails_that_reminder(app, db, office, caseworker, smtp_server):
    other = factories.user(office, "sb2", email="gesperrt@example.org")
    _due_reminders(db, office, caseworker, n=2)
    _due_reminders(db, office, other, n=1)
    smtp_server.sink.refuse.add("gesperrt@example.org")
    result = dispatch.dispatch_due(app, now=_later(), smtp_port=smtp_server.port, lanes=1)
    assert (result.sent, result.retried) == (2, 1)
    refused = [r for r in _rows(db) if r.recipient_id == other.id][0]
    assert refused.status is ReminderStatus.PENDING and "550" in refused.last_error


def test_stale_claim_is_released_and_resent_with_same_message_id(app, db, office, caseworker, smtp_server):
    _due_reminders(db, office, caseworker, n=2)
    settings = dispatch.DispatchSettings.from_app(app, smtp_port=smtp_server.port)
    engine = dispatch.dispatch_engine(app)
    crashed = dispatch._Lane(engine, settings, "crashed-host:1", {}, dispatch.DispatchResult())
    ids = crashed.claim(_later())
    assert len(ids) == 2
    # The crashed dispatcher sent the first mail but died before marking it sent.
    [(row, item)] = crashed.load(ids[:1])
    from ebh.deadlines import mail

    crashed.deliver(item.recipient, mail.render(item, sender=settings.sender, base_url=settings.base_url, now=utcnow()))
    crashed.close_smtp()

    assert dispatch.dispatch_due(app, now=_later(), smtp_port=smtp_server.port).claimed == 0  # still claimed
    assert dispatch.release_stale_claims(app, now=utcnow() + dt.timedelta(minutes=11)) == 2
    rows = _rows(db)
    assert all(r.status is ReminderStatus.PENDING and r.attempts == 1 and r.claimed_by is None for r in rows)
    result = dispatch.dispatch_due(app, now=_later(minutes=20), smtp_port=smtp_server.port)
    assert result.sent == 2
    smtp_server.wait_for(3)
    ids_received = [m["Message-ID"] for m in smtp_server.messages]
    assert sorted(ids_received) == sorted([rows[0].message_id, rows[0].message_id, rows[1].message_id])
    assert rows[0].message_id == reminders.message_id(rows[0].idempotency_key, "localhost")
    # The late CAS of the crashed dispatcher does not mark anything.
    crashed.mark_sent(ids)
    assert crashed.result.lost_claims == 2


def test_concurrent_claims_are_disjoint(app, db, office, caseworker):
    cases = _due_reminders(db, office, caseworker, n=60)
    assert len(cases) == 60
    settings = dispatch.DispatchSettings.from_app(app, batch_size=7)
    engine = dispatch.dispatch_engine(app)
    claimed: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    barrier = threading.Barrier(3)

    def worker(name: str) -> None:
        lane = dispatch._Lane(engine, settings, name, {}, dispatch.DispatchResult())
        barrier.wait()
        while ids := lane.claim(_later()):
            claimed[name].extend(ids)

    threads = [threading.Thread(target=worker, args=(n,)) for n in claimed]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for ids in claimed.values() for i in ids]
    assert len(everything) == len(set(everything)) == 60
    owners = {r.id: r.claimed_by for r in _rows(db)}
    assert all(owners[i] == name for name, ids in claimed.items() for i in ids)


def test_digest_sends_one_mail_per_caseworker(app, db, office, caseworker, smtp_server):
    caseworker.email = "sb1@example.org"
    db.session.commit()
    service.set_email_mode(caseworker, "digest")
    db.session.commit()
    cases = _due_reminders(db, office, caseworker, n=3)
    result = dispatch.dispatch_due(app, now=_later(), smtp_port=smtp_server.port)
    assert (result.claimed, result.sent) == (3, 3)
    smtp_server.wait_for(1)
    [message] = smtp_server.messages
    assert message["Subject"] == "Fristen-Übersicht: 3 Erinnerungen"
    body = message.get_content()
    assert all(c.file_number in body for c in cases)


def test_dst_reminder_instants():
    # Summer time starts 29.03.2026 and ends 25.10.2026 (Europe/Berlin).
    assert reminders.reminder_instant(D(2026, 3, 28), 8) == dt.datetime(2026, 3, 28, 7, tzinfo=dt.UTC)
    assert reminders.reminder_instant(D(2026, 3, 29), 8) == dt.datetime(2026, 3, 29, 6, tzinfo=dt.UTC)
    assert reminders.reminder_instant(D(2026, 10, 24), 8) == dt.datetime(2026, 10, 24, 6, tzinfo=dt.UTC)
    assert reminders.reminder_instant(D(2026, 10, 25), 8) == dt.datetime(2026, 10, 25, 7, tzinfo=dt.UTC)


def test_dst_due_times_of_planned_reminders(db, office, caseworker):
    caseworker.email = "sb1@example.org"
    db.session.commit()
    case = make_case(office, assigned=caseworker)
    now = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    spring = service.add_wiedervorlage(caseworker, case.id, D(2026, 3, 30), today=D(2026, 3, 1))
    autumn = service.add_wiedervorlage(caseworker, case.id, D(2026, 10, 26), today=D(2026, 3, 1))
    db.session.commit()
    service.sync_reminders_for_cases([case.id], now=now)
    db.session.commit()
    due = {r.deadline_id: r.due_at for r in _rows(db) if r.status is ReminderStatus.PENDING}
    assert due[spring.id] == dt.datetime(2026, 3, 30, 6, tzinfo=dt.UTC)  # 08:00 CEST
    assert due[autumn.id] == dt.datetime(2026, 10, 26, 7, tzinfo=dt.UTC)  # 08:00 CET


def test_dispatch_once_command(app, db, runner, office, caseworker, smtp_server, monkeypatch):
    _due_reminders(db, office, caseworker, n=2)
    monkeypatch.setitem(app.config, "SMTP_PORT", smtp_server.port)
    # Reminders of today are due at 08:00 local time or at creation; the command uses the real clock.
    db.session.execute(sa.update(Reminder).values(next_attempt_at=utcnow() - dt.timedelta(seconds=1)))
    db.session.commit()
    result = runner.invoke(args=["scheduler", "dispatch-once"])
    assert result.exit_code == 0, result.output
    assert "sent=2" in result.output
    smtp_server.wait_for(2)
    assert len(smtp_server.messages) == 2


def test_scheduler_has_fixed_jobs(app):
    from ebh.deadlines.cli import build_scheduler

    scheduler = build_scheduler(app, worker_id="test")
    assert {job.id for job in scheduler.get_jobs()} == {"dispatch_due_reminders", "housekeeping",
                                                        "recompute_deadlines"}

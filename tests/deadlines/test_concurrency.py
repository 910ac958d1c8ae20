"""Several real scheduler processes on one database deliver every due reminder exactly once to a real
SMTP server; a process killed with SIGKILL mid-run loses nothing (its claims are released after the
timeout and resent with the same Message-ID)."""
from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ebh.cases.models import Case, Person
from ebh.db import utcnow
from ebh.deadlines import reminders
from ebh.deadlines.models import Deadline, Reminder, ReminderStatus
from tests import factories

pytestmark = pytest.mark.slow

EBH = str(Path(sys.executable).with_name("ebh"))
CLAIM_TIMEOUT = 3
MARK_EVERY = 20  # DispatchSettings.mark_every: the most mails per lane that a crash can leave unmarked


def _seed(db, office, count: int) -> set[str]:
    """``count`` due reminders (one deadline each, spread over 100 cases) for one caseworker; returns Message-IDs."""
    user = factories.user(office, "sb-load", email="sb-load@example.org")
    person = factories.person(office)
    now = utcnow()
    case_ids = []
    for i in range(100):
        case = Case(office_id=office.id, person_id=person.id, file_number=f"L-{i:04d}", case_type="stag_10",
                    family="naturalization", status="in_review", received_on=dt.date(2026, 1, 1),
                    assigned_to_id=user.id)
        db.session.add(case)
        db.session.flush()
        case_ids.append(case.id)
    deadlines = [{"office_id": office.id, "case_id": case_ids[i % 100], "kind": "wiedervorlage",
                  "source_key": f"manual:{i}", "due_on": dt.date(2026, 11, 1), "label": f"Last {i}", "problem": "",
                  "legal_basis": "", "user_id": user.id, "status": "open", "snooze_reason": "", "done_reason": "",
                  "created_at": now, "updated_at": now} for i in range(count)]
    db.session.execute(sa.insert(Deadline.__table__), deadlines)
    ids = list(db.session.scalars(sa.select(Deadline.id).order_by(Deadline.id)))
    rows = []
    for deadline_id in ids:
        key = reminders.idempotency_key(deadline_id, "d-0", "email", dt.date(2026, 11, 1))
        rows.append({"office_id": office.id, "deadline_id": deadline_id, "kind": "d-0", "channel": "email",
                     "digest": False, "recipient_id": user.id, "due_at": now - dt.timedelta(minutes=5),
                     "next_attempt_at": now - dt.timedelta(minutes=5), "status": "pending", "attempts": 0,
                     "last_error": "", "idempotency_key": key, "message_id": reminders.message_id(key, "localhost"),
                     "created_at": now})
    db.session.execute(sa.insert(Reminder.__table__), rows)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 1
    return {r["message_id"] for r in rows}


def _env(database_url: str, smtp_port: int, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "EBH_ENV": "testing", "EBH_SECRET_KEY": "test-secret-key", "EBH_DATABASE_URL": database_url,
        "EBH_SMTP_HOST": "127.0.0.1", "EBH_SMTP_PORT": str(smtp_port), "EBH_DATA_DIR": str(tmp_path / "data"),
        "EBH_REMINDER_CLAIM_TIMEOUT_SECONDS": str(CLAIM_TIMEOUT), "EBH_REMINDER_BATCH_SIZE": "50",
        "EBH_REMINDER_SMTP_CONNECTIONS": "2",
    })
    return env


def _start(args: list[str], env: dict[str, str], tmp_path: Path, name: str) -> subprocess.Popen:
    with open(tmp_path / f"{name}.log", "wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen([EBH, "scheduler", *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _wait(process: subprocess.Popen, tmp_path: Path, name: str, timeout: float = 60) -> str:
    process.wait(timeout=timeout)
    output = (tmp_path / f"{name}.log").read_text(errors="replace")
    assert process.returncode == 0, output
    return output


def _statuses(db) -> dict[str, int]:
    db.session.expire_all()
    counts = dict(db.session.execute(sa.select(Reminder.status, sa.func.count()).group_by(Reminder.status)).all())
    db.session.rollback()
    return counts


def _check_delivery(smtp_server, expected: set[str], max_duplicates: int) -> None:
    received = collections.Counter(smtp_server.message_ids())
    assert set(received) == expected, "every reminder arrives, nothing else does"
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= max_duplicates
    assert max(received.values()) <= 2


def _kill_and_restart(db, office, smtp_server, database_url, tmp_path, count, kill_after):
    expected = _seed(db, office, count)
    env = _env(database_url, smtp_server.port, tmp_path)
    first = _start(["dispatch-once"], env, tmp_path, "a")
    second = _start(["dispatch-once"], env, tmp_path, "b")
    # Kill the first process once it has sent its share and holds claims (not while it is still starting).
    mine = Reminder.claimed_by.like(f"%:{first.pid}:%")
    while first.poll() is None:
        sent, claimed = db.session.execute(sa.select(
            sa.func.count().filter(Reminder.status == ReminderStatus.SENT),
            sa.func.count().filter(Reminder.status == ReminderStatus.CLAIMED)).where(mine)).one()
        db.session.rollback()
        if sent >= kill_after and claimed:
            break
        time.sleep(0.01)
    assert first.poll() is None, "the first dispatcher finished before it could be killed"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    _wait(second, tmp_path, "b")
    statuses = _statuses(db)
    assert statuses.get(ReminderStatus.CLAIMED, 0) > 0, statuses  # the killed process left claims behind
    assert statuses.get(ReminderStatus.PENDING, 0) == 0

    time.sleep(CLAIM_TIMEOUT + 0.5)
    output = _wait(_start(["dispatch-once"], env, tmp_path, "c"), tmp_path, "c")
    assert "released=" in output and "released=0 " not in output, output
    smtp_server.wait_for(count, timeout=10)
    # Only mails the killed process handed to SMTP but had not yet marked sent can arrive twice.
    _check_delivery(smtp_server, expected, max_duplicates=2 * MARK_EVERY)
    return _statuses(db)


def test_two_processes_postgresql_10000_with_sigkill(db, office, smtp_server, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("the issue asks for PostgreSQL; see the SQLite variant below")
    statuses = _kill_and_restart(db, office, smtp_server, database_url, tmp_path, 10_000, kill_after=1_000)
    assert statuses == {ReminderStatus.SENT: 10_000}


def test_two_processes_sqlite_with_sigkill(db, office, smtp_server, database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite variant")
    statuses = _kill_and_restart(db, office, smtp_server, database_url, tmp_path, 2_000, kill_after=200)
    assert statuses == {ReminderStatus.SENT: 2_000}


def test_two_scheduler_run_processes_deliver_exactly_once(db, office, smtp_server, database_url, tmp_path):
    """``ebh scheduler run`` twice (an accidental double start): no kill, so not a single duplicate."""
    count = 3_000 if database_url.startswith("postgresql") else 1_000
    expected = _seed(db, office, count)
    env = _env(database_url, smtp_server.port, tmp_path)
    processes = [_start(["run", "--dispatch-seconds", "1"], env, tmp_path, f"run{i}") for i in range(2)]
    try:
        smtp_server.wait_for(count, timeout=50)
        time.sleep(1.5)  # a late duplicate would arrive now
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        outputs = [_wait(p, tmp_path, f"run{i}", timeout=20) for i, p in enumerate(processes)]
    assert all("stopped" in output for output in outputs)
    assert _statuses(db) == {ReminderStatus.SENT: count}
    _check_delivery(smtp_server, expected, max_duplicates=0)
    db.session.expire_all()
    workers = {r.split("/")[0] for r in db.session.scalars(sa.select(Reminder.claimed_by).distinct())}
    assert len(workers) == 2, "both schedulers took part"

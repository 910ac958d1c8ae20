"""Sending due reminders: atomic claims, send outside the claim transaction, compare-and-set finish.

Several dispatchers may run at once (two hosts, a double start, several lanes in one process):

1. **Claim** a batch in a short transaction. PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` so that
   concurrent dispatchers get disjoint rows, then ``UPDATE … SET status='claimed' WHERE status='pending'``.
   SQLite has no row locks: the transaction is ``BEGIN IMMEDIATE`` (the write lock is taken up front),
   and the same compare-and-set UPDATE makes the claim exclusive.
2. **Send** over SMTP outside any transaction, with the Message-ID derived from the idempotency key.
3. **Finish** with ``UPDATE … SET status='sent' WHERE id IN (…) AND status='claimed' AND claimed_by=:me``.
   A failure puts the row back to ``pending`` with ``attempts+1`` and an exponential backoff; after
   ``REMINDER_MAX_ATTEMPTS`` it is ``failed`` and an audit event is written. Nothing is marked sent that
   the SMTP server did not accept.

A dispatcher that dies between 2 and 3 leaves its rows ``claimed``; :func:`release_stale_claims` returns
them to ``pending`` after ``REMINDER_CLAIM_TIMEOUT_SECONDS``. The resend carries the same Message-ID, so
the at most ``mark_every`` mails per lane sent twice in that case can be recognised as duplicates.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import smtplib
import socket
import threading
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from ebh.audit.models import AuditEvent
from ebh.auth.models import User
from ebh.cases.catalog import DOCUMENT_TYPES
from ebh.cases.models import Case
from ebh.db import utcnow
from ebh.deadlines import mail
from ebh.deadlines.models import Deadline, DeadlineKind, Reminder, ReminderStatus

log = logging.getLogger(__name__)

R = Reminder.__table__
MAX_BACKOFF = dt.timedelta(hours=6)


@dataclasses.dataclass
class DispatchResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost_claims: int = 0

    def add(self, other: DispatchResult) -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


@dataclasses.dataclass(frozen=True)
class DispatchSettings:
    smtp_host: str
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    smtp_timeout: int
    sender: str
    base_url: str
    batch_size: int
    lanes: int
    max_attempts: int
    backoff: dt.timedelta
    claim_timeout: dt.timedelta
    mark_every: int = 20

    @classmethod
    def from_app(cls, app: Flask, **overrides: Any) -> DispatchSettings:
        c = app.config
        values = dict(
            smtp_host=c["SMTP_HOST"], smtp_port=int(c["SMTP_PORT"]), smtp_user=c["SMTP_USER"],
            smtp_password=c["SMTP_PASSWORD"], smtp_starttls=bool(c["SMTP_STARTTLS"]),
            smtp_timeout=int(c["SMTP_TIMEOUT"]), sender=c["MAIL_FROM"], base_url=c["BASE_URL"].rstrip("/"),
            batch_size=int(c["REMINDER_BATCH_SIZE"]), lanes=int(c["REMINDER_SMTP_CONNECTIONS"]),
            max_attempts=int(c["REMINDER_MAX_ATTEMPTS"]),
            backoff=dt.timedelta(seconds=int(c["REMINDER_BACKOFF_SECONDS"])),
            claim_timeout=dt.timedelta(seconds=int(c["REMINDER_CLAIM_TIMEOUT_SECONDS"])),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


_ENGINES: dict[str, sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def dispatch_engine(app: Flask) -> sa.Engine:
    """The engine the dispatcher writes with. On SQLite every transaction starts with ``BEGIN IMMEDIATE``
    (SQLAlchemy's documented pysqlite recipe); on PostgreSQL it is the application's engine."""
    from ebh.extensions import db

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        return db.engine
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = sa.create_engine(url, connect_args={"timeout": 30, "isolation_level": None})

            @event.listens_for(engine, "begin")
            def _begin_immediate(connection: sa.Connection) -> None:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

            _ENGINES[url] = engine
        return engine


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dispatch_due(app: Flask, *, worker_id: str | None = None, now: dt.datetime | None = None,
                 **overrides: Any) -> DispatchResult:
    """Send every reminder due at ``now``, in ``lanes`` parallel claim-send-finish loops, until none is left."""
    settings = DispatchSettings.from_app(app, **overrides)
    engine = dispatch_engine(app)
    worker = worker_id or new_worker_id()
    titles = {key: str(doc.title) for key, doc in DOCUMENT_TYPES.items()}
    results = [DispatchResult() for _ in range(settings.lanes)]
    errors: list[BaseException] = []

    def run(lane: int) -> None:
        try:
            _Lane(engine, settings, f"{worker}/{lane}", titles, results[lane]).run(now)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(lane,), name=f"dispatch-{lane}") for lane in range(settings.lanes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    total = DispatchResult()
    for result in results:
        total.add(result)
    return total


class _SmtpDown(Exception):
    pass


class _Lane:
    """One claim-send-finish loop with its own database connection and SMTP connection."""

    def __init__(self, engine: sa.Engine, settings: DispatchSettings, worker: str, titles: dict[str, str],
                 result: DispatchResult) -> None:
        self.engine = engine
        self.settings = settings
        self.worker = worker
        self.titles = titles
        self.result = result
        self.smtp: smtplib.SMTP | None = None
        self.postgresql = engine.dialect.name == "postgresql"

    def run(self, now: dt.datetime | None) -> None:
        try:
            while True:
                ids = self.claim(now or utcnow())
                if not ids:
                    return
                self.result.claimed += len(ids)
                if not self.send_batch(ids):
                    return  # SMTP is down: the rows are back in the queue with a backoff
        finally:
            self.close_smtp()

    # -- claim ------------------------------------------------------------------------------------
    def claim(self, now: dt.datetime) -> list[int]:
        due = sa.select(R.c.id).where(R.c.status == ReminderStatus.PENDING.value, R.c.next_attempt_at <= now)
        due = due.order_by(R.c.next_attempt_at, R.c.id).limit(self.settings.batch_size)
        with self.engine.begin() as conn:
            if self.postgresql:
                due = due.with_for_update(skip_locked=True)
            candidates = list(conn.scalars(due))
            if not candidates:
                return []
            claimed = conn.execute(
                sa.update(R)
                .where(R.c.id.in_(candidates), R.c.status == ReminderStatus.PENDING.value)
                .values(status=ReminderStatus.CLAIMED.value, claimed_by=self.worker, claimed_at=utcnow())
                .returning(R.c.id)
            )
            return sorted(claimed.scalars())

    # -- send ----------------------------------------------------------------------------------------
    def load(self, ids: Sequence[int]) -> list[tuple[Any, mail.ReminderMail]]:
        query = (
            sa.select(R.c.id, R.c.message_id, R.c.digest, R.c.attempts, R.c.recipient_id, R.c.due_at,
                      R.c.idempotency_key, R.c.office_id, User.email, User.display_name, Case.id.label("case_id"),
                      Case.file_number, Deadline.kind, Deadline.label, Deadline.due_on, Deadline.snoozed_until,
                      Deadline.legal_basis)
            .join(Deadline, Deadline.id == R.c.deadline_id)
            .join(Case, Case.id == Deadline.case_id)
            .join(User, User.id == R.c.recipient_id)
            .where(R.c.id.in_(ids))
            .order_by(R.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        items = []
        for row in rows:
            kind = DeadlineKind(row.kind)
            detail = self.titles.get(row.label, row.label) if kind in (
                DeadlineKind.DOCUMENT, DeadlineKind.DOCUMENT_VALIDITY) else row.label
            items.append((row, mail.ReminderMail(
                reminder_id=row.id, message_id=row.message_id, recipient=row.email, recipient_name=row.display_name,
                case_id=row.case_id, file_number=row.file_number, kind=kind, detail=detail,
                due_on=row.snoozed_until or row.due_on, legal_basis=row.legal_basis,
            )))
        return items

    def send_batch(self, ids: Sequence[int]) -> bool:
        """Send the claimed rows; return False if the SMTP server is unreachable."""
        items = self.load(ids)
        loaded = {row.id for row, _ in items}
        missing = [i for i in ids if i not in loaded]
        if missing:  # recipient or case vanished: cannot be delivered
            self.fail([(i, None) for i in missing], "Empfänger oder Akte nicht mehr vorhanden", permanent=True)
        messages: list[tuple[list[Any], str, bytes]] = []
        now = utcnow()
        digests: dict[tuple[int, dt.date], list[tuple[Any, mail.ReminderMail]]] = defaultdict(list)
        for row, item in items:
            if not item.recipient:
                self.fail([(row.id, row)], "Keine E-Mail-Adresse beim Empfänger hinterlegt", permanent=True)
            elif row.digest:
                digests[(row.recipient_id, row.due_at.date())].append((row, item))
            else:
                raw = mail.render(item, sender=self.settings.sender, base_url=self.settings.base_url, now=now)
                messages.append(([row], item.recipient, raw))
        for group in digests.values():
            keys = "|".join(sorted(row.idempotency_key for row, _ in group))
            message_id = f"<ebh-digest-{hashlib.sha256(keys.encode()).hexdigest()[:32]}@{mail.mail_domain(self.settings.sender)}>"
            raw = mail.render_digest([item for _, item in group], message_id=message_id, sender=self.settings.sender,
                                     base_url=self.settings.base_url, now=now)
            messages.append(([row for row, _ in group], group[0][1].recipient, raw))

        sent: list[int] = []
        for position, (rows, recipient, raw) in enumerate(messages):
            try:
                self.deliver(recipient, raw)
            except _SmtpDown as exc:
                self.mark_sent(sent)
                rest = [(row.id, row) for rows_, _, _ in messages[position:] for row in rows_]
                self.fail(rest, str(exc))
                return False
            except smtplib.SMTPException as exc:
                self.fail([(row.id, row) for row in rows], _smtp_error(exc))
                continue
            sent.extend(row.id for row in rows)
            if len(sent) >= self.settings.mark_every:
                self.mark_sent(sent)
                sent = []
        self.mark_sent(sent)
        return True

    def deliver(self, recipient: str, raw: bytes) -> None:
        for attempt in (1, 2):
            try:
                smtp = self.smtp or self.open_smtp()
                smtp.sendmail(self.settings.sender, [recipient], raw)
                return
            except smtplib.SMTPServerDisconnected as exc:
                # A kept-alive connection may have been closed by the server: reconnect once.
                self.close_smtp()
                if attempt == 2:
                    raise _SmtpDown(f"SMTP-Verbindung getrennt: {exc}") from exc
            except (OSError, smtplib.SMTPConnectError, smtplib.SMTPHeloError) as exc:
                self.close_smtp()
                raise _SmtpDown(f"SMTP-Server nicht erreichbar ({self.settings.smtp_host}:"
                                f"{self.settings.smtp_port}): {exc}") from exc

    def open_smtp(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
        if s.smtp_starttls:
            smtp.starttls()
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password or "")
        self.smtp = smtp
        return smtp

    def close_smtp(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None

    # -- finish --------------------------------------------------------------------------------------
    def mark_sent(self, ids: list[int]) -> None:
        if not ids:
            return
        with self.engine.begin() as conn:
            if self.postgresql:
                # Losing this commit in a database crash means a resend with the same Message-ID; that
                # is the at-least-once trade-off already accepted for a dispatcher crash.
                conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            result = conn.execute(
                sa.update(R)
                .where(R.c.id.in_(ids), R.c.status == ReminderStatus.CLAIMED.value, R.c.claimed_by == self.worker)
                .values(status=ReminderStatus.SENT.value, sent_at=utcnow(), last_error="")
            )
        self.result.sent += result.rowcount
        if result.rowcount != len(ids):
            # The claim was released (timeout) while we were sending: another dispatcher may send again.
            self.result.lost_claims += len(ids) - result.rowcount
            log.warning("%s lost %d claims while sending", self.worker, len(ids) - result.rowcount)

    def fail(self, rows: Sequence[tuple[int, Any]], error: str, *, permanent: bool = False) -> None:
        """Put rows back with a backoff, or mark them failed (with an audit event) after the last attempt."""
        now = utcnow()
        error = " ".join(error.split())[:500]
        with self.engine.begin() as conn:
            current = {row.id: row for row in conn.execute(
                sa.select(R.c.id, R.c.attempts, R.c.office_id, R.c.deadline_id).where(R.c.id.in_([i for i, _ in rows]))
            )}
            for reminder_id, _ in rows:
                row = current.get(reminder_id)
                if row is None:
                    continue
                attempts = row.attempts + 1
                final = permanent or attempts >= self.settings.max_attempts
                values: dict[str, Any] = {"attempts": attempts, "last_error": error, "claimed_by": None,
                                          "claimed_at": None}
                if final:
                    values["status"] = ReminderStatus.FAILED.value
                else:
                    values["status"] = ReminderStatus.PENDING.value
                    values["next_attempt_at"] = now + min(self.settings.backoff * 2 ** (attempts - 1), MAX_BACKOFF)
                updated = conn.execute(
                    sa.update(R).where(R.c.id == reminder_id, R.c.status == ReminderStatus.CLAIMED.value,
                                       R.c.claimed_by == self.worker).values(**values)
                ).rowcount
                if not updated:
                    continue
                if final:
                    self.result.failed += 1
                    case_id = conn.scalar(sa.select(Deadline.case_id).where(Deadline.id == row.deadline_id))
                    conn.execute(sa.insert(AuditEvent.__table__).values(
                        at=now, user_id=None, office_id=row.office_id, action="send_failed", entity="reminder",
                        entity_id=reminder_id, case_id=case_id, ip="",
                        summary=f"Erinnerung {reminder_id} endgültig nicht zugestellt nach {attempts} Versuch(en): "
                                f"{error}"[:500],
                    ))
                else:
                    self.result.retried += 1


def release_stale_claims(app: Flask, *, now: dt.datetime | None = None, timeout: dt.timedelta | None = None) -> int:
    """Return claims older than the timeout (a dispatcher crashed) to the queue, counting an attempt."""
    settings = DispatchSettings.from_app(app)
    now = now or utcnow()
    cutoff = now - (timeout if timeout is not None else settings.claim_timeout)
    with dispatch_engine(app).begin() as conn:
        result = conn.execute(
            sa.update(R)
            .where(R.c.status == ReminderStatus.CLAIMED.value, R.c.claimed_at < cutoff)
            .values(
                status=ReminderStatus.PENDING.value, claimed_by=None, claimed_at=None, attempts=R.c.attempts + 1,
                next_attempt_at=now, last_error="Versand unterbrochen (Zuteilung abgelaufen), erneut eingeplant",
            )
        )
    if result.rowcount:
        log.warning("released %d stale reminder claims", result.rowcount)
    return result.rowcount


def _smtp_error(exc: smtplib.SMTPException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = ", ".join(f"{code} {msg.decode(errors='replace')}" for code, msg in exc.recipients.values())
        return f"Empfänger abgelehnt: {codes}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP-Fehler {exc.smtp_code}: {exc.smtp_error.decode(errors='replace')}"
    return f"SMTP-Fehler: {exc}"

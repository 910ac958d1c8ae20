"""iCal feed tokens and the caseworker's reminder mail preference."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from sqlalchemy import orm

from ebh.audit import service as audit
from ebh.auth.access import CASE_ROLES, require_role
from ebh.auth.models import User
from ebh.db import utcnow
from ebh.deadlines import reminders
from ebh.deadlines.models import CalendarFeedToken, Deadline, DeadlineStatus, EmailMode, ReminderPreference
from ebh.deadlines.service.actions import DeadlineError
from ebh.deadlines.service.recompute import CHUNK, sync_reminders_for_cases
from ebh.extensions import db


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

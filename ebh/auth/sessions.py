"""Server-side, revocable sessions: the signed cookie holds only a random session id.

Logout revokes the row; disabling a user or changing the password revokes all the user's rows;
idle and absolute timeouts are checked on every request (ASVS 7.2-7.4).
"""
from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from flask import current_app, request, session

from ebh.auth.models import User, UserSession
from ebh.db import utcnow
from ebh.extensions import db

_SESSION_KEY = "sid"
#: last_seen_at is written at most this often, so that reading pages does not write on every request.
_TOUCH_INTERVAL = dt.timedelta(seconds=60)


def start_session(user: User) -> UserSession:
    """Create a new session row and bind the (cleared) cookie to it."""
    session.clear()
    user_session = UserSession(
        id=secrets.token_urlsafe(32),
        user_id=user.id,
        ip=(request.remote_addr or "")[:64],
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(user_session)
    session[_SESSION_KEY] = user_session.id
    session.permanent = False
    return user_session


def current_session() -> UserSession | None:
    session_id = session.get(_SESSION_KEY)
    if not session_id:
        return None
    row = db.session.get(UserSession, session_id)
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    config = current_app.config
    if now - row.last_seen_at > dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]) or now - row.created_at > dt.timedelta(
        minutes=config["SESSION_ABSOLUTE_MINUTES"]
    ):
        row.revoked_at = now
        return None
    if not row.user.active:
        return None
    if now - row.last_seen_at > _TOUCH_INTERVAL:
        row.last_seen_at = now
    return row


def load_user_from_request(_request: object) -> User | None:
    row = current_session()
    return row.user if row else None


def end_session() -> None:
    row = current_session()
    if row is not None:
        row.revoked_at = utcnow()
    session.clear()


def revoke_all_sessions(user: User) -> int:
    """Revoke every open session of ``user``; returns how many were open."""
    result = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0


def purge_expired_sessions(older_than: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Delete session rows revoked or created long ago (housekeeping job)."""
    cutoff = utcnow() - older_than
    result = db.session.execute(sa.delete(UserSession).where(UserSession.created_at < cutoff))
    return result.rowcount or 0

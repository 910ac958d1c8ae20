"""Server-side, revocable sessions: the signed cookie holds only a random token.

Logout revokes the row; disabling a user or changing the password revokes all the user's rows;
idle and absolute timeouts are checked on every request (ASVS 7.2-7.4). A login always starts a
new token and clears the old cookie session (and with it the CSRF token), so a token planted
before login is worthless afterwards (session fixation, ASVS 7.2.4).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app, g, request, session

from ebh.auth.models import LoginAttempt, User, UserSession
from ebh.db import utcnow
from ebh.extensions import db

_SESSION_KEY = "sid"
_G_KEY = "ebh_user_session"
#: last_seen_at is written at most this often, so that reading pages does not write on every request.
_TOUCH_INTERVAL = dt.timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(user: User) -> UserSession:
    """Create a new session row and bind the (cleared) cookie to a fresh token."""
    session.clear()
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=token_hash(token),
        user_id=user.id,
        ip=(request.remote_addr or "")[:64],
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(row)
    db.session.flush()
    session[_SESSION_KEY] = token
    session.permanent = False
    g.pop(_G_KEY, None)
    return row


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    config = current_app.config
    return (
        dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        dt.timedelta(minutes=config["SESSION_ABSOLUTE_MINUTES"]),
    )


def is_live(row: UserSession, now: dt.datetime | None = None) -> bool:
    """True while the session is neither revoked nor past its idle or absolute timeout."""
    now = now or utcnow()
    idle, absolute = _limits()
    return row.revoked_at is None and now - row.last_seen_at <= idle and now - row.created_at <= absolute


def current_session() -> UserSession | None:
    """The live session of this request (looked up once per request), or None."""
    if _G_KEY not in g:
        setattr(g, _G_KEY, _lookup())
    return getattr(g, _G_KEY)


def _lookup() -> UserSession | None:
    token = session.get(_SESSION_KEY)
    if not token or not isinstance(token, str):
        return None
    row = db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if not is_live(row, now):
        row.revoked_at = now  # expired: mark it, so lists of live sessions agree
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
    """Revoke the current session and clear the cookie (logout)."""
    row = current_session()
    if row is not None:
        row.revoked_at = utcnow()
    session.clear()
    setattr(g, _G_KEY, None)


def live_sessions(user: User) -> list[UserSession]:
    """The user's sessions that could still be used, newest first."""
    now = utcnow()
    idle, absolute = _limits()
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.revoked_at.is_(None),
                UserSession.last_seen_at >= now - idle,
                UserSession.created_at >= now - absolute,
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def revoke_all_sessions(user: User, *, keep: UserSession | None = None) -> int:
    """Revoke every open session of ``user`` (except ``keep``); returns how many were open."""
    query = sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    result = db.session.execute(query.values(revoked_at=utcnow()).execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


def purge_expired_sessions(older_than: dt.timedelta = dt.timedelta(days=30)) -> int:
    """Housekeeping job: delete session rows created long ago (past every timeout) and login
    attempts of the same age (they only count inside the throttle window). Returns deleted sessions."""
    cutoff = utcnow() - older_than
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    result = db.session.execute(sa.delete(UserSession).where(UserSession.created_at < cutoff))
    return result.rowcount or 0

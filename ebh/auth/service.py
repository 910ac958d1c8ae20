"""Account services: authentication with throttling, users and offices. The only writers of auth data."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from ebh.audit.service import record, record_security_event
from ebh.auth import passwords
from ebh.auth.access import require_role
from ebh.auth.models import LoginAttempt, Office, OfficeKind, Role, User
from ebh.auth.sessions import revoke_all_sessions
from ebh.db import utcnow
from ebh.extensions import db


class LoginThrottled(Exception):
    """Too many failed attempts for this username; the message is user-facing."""


class AccountError(ValueError):
    """Invalid account data; ``field`` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _failures_in_window(username: str) -> int:
    window = dt.timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    since = utcnow() - window
    last_success = db.session.scalar(
        sa.select(sa.func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.success.is_(True))
    )
    if last_success is not None and last_success > since:
        since = last_success
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.username == username, LoginAttempt.success.is_(False), LoginAttempt.at > since)
    ) or 0


def authenticate(username: str, password: str) -> User | None:
    """Return the active user for these credentials, or None. Raises :class:`LoginThrottled`.

    Attempts are stored in their own transaction so that throttling holds even when the request fails.
    """
    username = username.strip().lower()[:80]
    if _failures_in_window(username) >= current_app.config["LOGIN_MAX_FAILURES"]:
        record_security_event(None, "login_throttled", "Anmeldung gesperrt", username=username)
        raise LoginThrottled(
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie einige Minuten und versuchen Sie es erneut."
        )
    user = db.session.scalar(sa.select(User).where(User.username == username))
    ok = passwords.verify_password(user.password_hash if user else passwords.DUMMY_HASH, password)
    ok = ok and user is not None and user.active
    ip = (request.remote_addr or "")[:64] if has_request_context() else ""
    with db.engine.begin() as connection:
        connection.execute(
            sa.insert(LoginAttempt.__table__).values(username=username, at=utcnow(), success=ok, ip=ip)
        )
    if not ok:
        record_security_event(user, "login_failed", "Anmeldung fehlgeschlagen", username=username)
        return None
    record(user, "login", "user", user.id, summary="Anmeldung")
    return user


def create_office(
    code: str, name: str, kind: OfficeKind, *, bundesland: str = "NW", city: str = "", **address: str
) -> Office:
    code = code.strip().upper()
    if not code or len(code) > 16:
        raise AccountError("code", "Das Behördenkürzel muss 1 bis 16 Zeichen lang sein.")
    if db.session.scalar(sa.select(Office.id).where(Office.code == code)):
        raise AccountError("code", f"Eine Behörde mit dem Kürzel {code} gibt es bereits.")
    office = Office(code=code, name=name, kind=kind, bundesland=bundesland, city=city, **address)
    db.session.add(office)
    db.session.flush()
    return office


def create_user(
    actor: User | None,
    *,
    office: Office,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    email: str = "",
) -> User:
    """Create a user. ``actor`` None means the operator on the command line; otherwise an admin of the office."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
        if actor.office_id != office.id:
            raise AccountError("office", "Administratoren legen nur Benutzer der eigenen Behörde an.")
    username = username.strip().lower()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise AccountError("username", "Der Benutzername darf keine Leerzeichen enthalten (1 bis 80 Zeichen).")
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise AccountError("username", f"Den Benutzernamen {username} gibt es bereits.")
    try:
        passwords.check_policy(password, username)
    except passwords.PasswordPolicyError as exc:
        raise AccountError("password", str(exc)) from exc
    user = User(
        office_id=office.id,
        username=username,
        display_name=display_name,
        role=role,
        email=email,
        password_hash=passwords.hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "create", "user", user.id, office_id=office.id, summary=f"Benutzer {username} angelegt ({role.value})")
    return user


def set_password(actor: User | None, user: User, password: str) -> None:
    """Change a password and end all sessions of that user."""
    if actor is not None and actor.id != user.id:
        require_role(actor, Role.ADMIN)
    try:
        passwords.check_policy(password, user.username)
    except passwords.PasswordPolicyError as exc:
        raise AccountError("password", str(exc)) from exc
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    revoke_all_sessions(user)
    record(actor, "update", "user", user.id, office_id=user.office_id, summary="Passwort geändert")


def set_active(actor: User | None, user: User, active: bool) -> None:
    """Enable or disable a user; disabling ends all their sessions at once."""
    if actor is not None:
        require_role(actor, Role.ADMIN)
        if actor.office_id != user.office_id:
            raise AccountError("user", "Benutzer einer anderen Behörde können nicht geändert werden.")
        if actor.id == user.id and not active:
            raise AccountError("user", "Sie können sich nicht selbst deaktivieren.")
    user.active = active
    if not active:
        revoke_all_sessions(user)
    record(actor, "update", "user", user.id, office_id=user.office_id,
           summary="Benutzer aktiviert" if active else "Benutzer deaktiviert")


def get_office_by_code(code: str) -> Office:
    office = db.session.scalar(sa.select(Office).where(Office.code == code.strip().upper()))
    if office is None:
        raise AccountError("office", f"Keine Behörde mit dem Kürzel {code!r}.")
    return office

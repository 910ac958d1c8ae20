"""Account services: authentication with throttling, users, offices and sessions.

The only writers of auth data. ``actor`` None means the operator on the command line (``ebh users
...``); otherwise the acting user must be an admin of the same office as the account (404 for
accounts of other offices, as everywhere).
"""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import gettext as _

from ebh.audit.service import changes_of, record, record_security_event, write_independently
from ebh.auth import passwords
from ebh.auth.access import ADMIN_ROLES, ObjectNotFound, require_role, require_same_office, require_user
from ebh.auth.models import LoginAttempt, Office, OfficeKind, Role, User, UserSession
from ebh.auth.sessions import current_session, live_sessions, revoke_all_sessions
from ebh.db import utcnow
from ebh.extensions import db

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,79}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class LoginThrottled(Exception):
    """Too many failed attempts for this username or from this address; the message is user-facing."""


class AccountError(ValueError):
    """Invalid account data; ``field`` names the form field, the message is German."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# --- authentication ---------------------------------------------------------------------------


def _client_ip() -> str:
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def _failures_since(condition: sa.ColumnElement[bool], since: dt.datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LoginAttempt)
        .where(condition, LoginAttempt.success.is_(False), LoginAttempt.at > since)
    ) or 0


def _is_throttled(username: str, ip: str) -> bool:
    """Per username: LOGIN_MAX_FAILURES failures in the window since the last success.
    Per address: LOGIN_MAX_FAILURES_PER_IP failures in the window (password spraying)."""
    config = current_app.config
    since = utcnow() - dt.timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    if ip and _failures_since(LoginAttempt.ip == ip, since) >= config["LOGIN_MAX_FAILURES_PER_IP"]:
        return True
    last_success = db.session.scalar(
        sa.select(sa.func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.success.is_(True))
    )
    if last_success is not None and last_success > since:
        since = last_success
    return _failures_since(LoginAttempt.username == username, since) >= config["LOGIN_MAX_FAILURES"]


def authenticate(username: str, password: str) -> User | None:
    """Return the active user for these credentials, or None. Raises :class:`LoginThrottled`.

    Attempts are stored outside the request's transaction (kept although a failed login answers
    401 and rolls back). A throttled attempt is not counted, so a lockout ends when the window has passed.
    Unknown usernames cost the same argon2 verification as known ones.
    """
    username = username.strip().lower()[:80]
    ip = _client_ip()
    if _is_throttled(username, ip):
        record_security_event(None, "login_throttled", "Anmeldung wegen zu vieler Fehlversuche gesperrt",
                              username=username)
        raise LoginThrottled(
            _("Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie einige Minuten und versuchen Sie es erneut.")
        )
    user = db.session.scalar(sa.select(User).where(User.username == username))
    password_ok = passwords.verify_password(user.password_hash if user else passwords.dummy_hash(), password)
    ok = password_ok and user is not None and user.active
    write_independently(LoginAttempt.__table__, {"username": username, "at": utcnow(), "success": ok, "ip": ip})
    if not ok:
        reason = "unbekannter Benutzername" if user is None else (
            "Konto deaktiviert" if password_ok else "falsches Passwort")
        record_security_event(user, "login_failed", f"Anmeldung fehlgeschlagen: {reason}", username=username)
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    record(user, "login", "user", user.id, summary="Anmeldung")
    return user


# --- offices ----------------------------------------------------------------------------------


def create_office(
    code: str, name: str, kind: OfficeKind, *, bundesland: str = "NW", city: str = "", **address: str
) -> Office:
    """Create an office (operator only: there is no web UI for offices)."""
    code = code.strip().upper()
    name = name.strip()
    if not re.fullmatch(r"[A-Z0-9-]{1,16}", code):
        raise AccountError("code", _("Das Behördenkürzel muss aus 1 bis 16 Buchstaben, Ziffern oder Bindestrichen bestehen."))
    if not name or len(name) > 200:
        raise AccountError("name", _("Der Name der Behörde muss 1 bis 200 Zeichen lang sein."))
    if not re.fullmatch(r"[A-Z]{2}", bundesland.strip().upper()):
        raise AccountError("bundesland", _("Das Bundesland ist als Kürzel anzugeben, z. B. NW."))
    if db.session.scalar(sa.select(Office.id).where(Office.code == code)):
        raise AccountError("code", _("Eine Behörde mit dem Kürzel %(code)s gibt es bereits.", code=code))
    office = Office(code=code, name=name, kind=kind, bundesland=bundesland.strip().upper(), city=city, **address)
    db.session.add(office)
    db.session.flush()
    record(None, "create", "office", office.id, office_id=office.id, summary=f"Behörde {code} angelegt")
    return office


def get_office_by_code(code: str) -> Office:
    office = db.session.scalar(sa.select(Office).where(Office.code == code.strip().upper()))
    if office is None:
        raise AccountError("office", _("Keine Behörde mit dem Kürzel %(code)s.", code=code))
    return office


# --- users ------------------------------------------------------------------------------------


def _require_admin_for(actor: User | None, user: User | None) -> User:
    """The operator (actor None) or an admin of the user's office; other offices get 404."""
    if actor is not None:
        require_role(actor, *ADMIN_ROLES)
        require_same_office(actor, user, "user")
    if user is None:
        raise ObjectNotFound()
    return user


def _clean_profile(display_name: str, email: str) -> tuple[str, str]:
    display_name = " ".join(display_name.split())
    email = email.strip()
    if not display_name or len(display_name) > 200:
        raise AccountError("display_name", _("Der Name muss 1 bis 200 Zeichen lang sein."))
    if email and (len(email) > 200 or not EMAIL_RE.match(email)):
        raise AccountError("email", _("Bitte eine gültige E-Mail-Adresse angeben."))
    return display_name, email


def _check_password(password: str, username: str, office: Office) -> None:
    try:
        passwords.check_policy(password, username, context_words=(office.code, office.city))
    except passwords.PasswordPolicyError as exc:
        raise AccountError("password", str(exc)) from exc


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
    """Create a user of ``office``; an admin may only create users of the own office."""
    if actor is not None:
        require_role(actor, *ADMIN_ROLES)
        if actor.office_id != office.id:
            raise AccountError("office", _("Administratoren legen nur Benutzer der eigenen Behörde an."))
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError(
            "username",
            _("Der Benutzername darf nur Kleinbuchstaben, Ziffern und . _ @ - enthalten (1 bis 80 Zeichen)."),
        )
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise AccountError("username", _("Den Benutzernamen %(name)s gibt es bereits.", name=username))
    display_name, email = _clean_profile(display_name, email)
    _check_password(password, username, office)
    user = User(
        office_id=office.id,
        username=username,
        display_name=display_name,
        role=Role(role),
        email=email,
        password_hash=passwords.hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "create", "user", user.id, office_id=office.id,
           summary=f"Benutzer {username} angelegt (Rolle {user.role.value})")
    return user


def list_users(actor: User) -> list[User]:
    """All users of the admin's own office."""
    require_role(actor, *ADMIN_ROLES)
    return list(db.session.scalars(sa.select(User).where(User.office_id == actor.office_id).order_by(User.username)))


def get_user(actor: User, user_id: int) -> User:
    return _require_admin_for(actor, db.session.get(User, user_id))


def update_user(actor: User, user: User, *, display_name: str, email: str, role: Role) -> User:
    """Change name, e-mail and role. Admins cannot change their own role (no self-lockout)."""
    _require_admin_for(actor, user)
    display_name, email = _clean_profile(display_name, email)
    role = Role(role)
    if user.id == actor.id and role != user.role:
        raise AccountError("role", _("Sie können Ihre eigene Rolle nicht ändern."))
    user.display_name, user.email, user.role = display_name, email, role
    changes = changes_of(user)
    if changes:
        record(actor, "update", "user", user.id, office_id=user.office_id,
               summary=f"Benutzer {user.username} geändert", changes=changes)
    return user


def reset_password(actor: User | None, user: User, password: str) -> int:
    """Set a new password (admin or operator) and end all sessions of the user; returns how many."""
    _require_admin_for(actor, user)
    _check_password(password, user.username, user.office)
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    ended = revoke_all_sessions(user)
    record(actor, "update", "user", user.id, office_id=user.office_id,
           summary=f"Passwort von {user.username} zurückgesetzt, {ended} Sitzung(en) beendet")
    return ended


def change_own_password(actor: User, current_password: str, new_password: str) -> int:
    """The user changes the own password; all other sessions end, the current one stays (ASVS 7.4.3)."""
    require_user(actor)
    if not passwords.verify_password(actor.password_hash, current_password):
        record_security_event(actor, "password_change_failed", "Passwortänderung: bisheriges Passwort falsch")
        raise AccountError("current_password", _("Das bisherige Passwort ist falsch."))
    if new_password == current_password:
        raise AccountError("password", _("Das neue Passwort muss sich vom bisherigen unterscheiden."))
    _check_password(new_password, actor.username, actor.office)
    actor.password_hash = passwords.hash_password(new_password)
    actor.password_changed_at = utcnow()
    ended = revoke_all_sessions(actor, keep=current_session())
    record(actor, "update", "user", actor.id, summary=f"Eigenes Passwort geändert, {ended} andere Sitzung(en) beendet")
    return ended


def set_active(actor: User | None, user: User, active: bool) -> None:
    """Enable or disable a user; disabling ends all their sessions at once (ASVS 7.4.2)."""
    _require_admin_for(actor, user)
    if actor is not None and actor.id == user.id and not active:
        raise AccountError("user", _("Sie können sich nicht selbst deaktivieren."))
    if user.active == active:
        return
    user.active = active
    ended = 0 if active else revoke_all_sessions(user)
    record(actor, "update", "user", user.id, office_id=user.office_id,
           summary=(f"Benutzer {user.username} aktiviert" if active
                    else f"Benutzer {user.username} deaktiviert, {ended} Sitzung(en) beendet"),
           changes={"active": [not active, active]})


# --- sessions ---------------------------------------------------------------------------------


def sessions_of(actor: User, user: User) -> list[UserSession]:
    """Live sessions of ``user``: for the user themselves or an admin of the office (ASVS 7.4.5, 7.5.2)."""
    require_user(actor)
    if actor.id != user.id:
        _require_admin_for(actor, user)
    return live_sessions(user)


def end_user_session(actor: User, user: User, session_id: int) -> None:
    """End one session of ``user`` (own sessions, or any user of the office for admins)."""
    require_user(actor)
    if actor.id != user.id:
        _require_admin_for(actor, user)
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise ObjectNotFound()
    row.revoked_at = utcnow()
    record(actor, "logout", "user", user.id, office_id=user.office_id,
           summary=f"Sitzung {row.id} von {user.username} beendet")


def end_all_sessions(actor: User, user: User) -> int:
    """End every session of another user of the office (admin)."""
    _require_admin_for(actor, user)
    ended = revoke_all_sessions(user, keep=current_session() if user.id == actor.id else None)
    record(actor, "logout", "user", user.id, office_id=user.office_id,
           summary=f"{ended} Sitzung(en) von {user.username} beendet")
    return ended

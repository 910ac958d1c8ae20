"""Login, throttling, logout and the server-side session lifecycle (ASVS 6.3, 7.2-7.4)."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.auth.models import LoginAttempt, User, UserSession
from ebh.db import utcnow
from ebh.extensions import db
from tests import factories
from tests.conftest import csrf_token, post_form

WRONG = "ganz-falsches-passwort-1"


def _login(client, username, password=factories.PASSWORD, **kwargs):
    return post_form(client, "/login", {"username": username, "password": password}, **kwargs)


def _events(action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _sessions(user: User) -> list[UserSession]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)))


def test_password_hash_is_argon2id(caseworker):
    assert caseworker.password_hash.startswith("$argon2id$")


def test_login_success_starts_server_side_session_and_is_audited(client, caseworker):
    response = _login(client, "SB1 ")  # usernames are case- and space-insensitive
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    rows = _sessions(caseworker)
    assert len(rows) == 1 and rows[0].revoked_at is None
    assert len(rows[0].token_hash) == 64
    (event,) = _events("login")
    assert event.user_id == caseworker.id and event.office_id == caseworker.office_id
    assert client.get("/").status_code == 200


def test_cookie_holds_only_a_token_not_in_the_database(client, caseworker, app):
    _login(client, caseworker.username)
    cookie = client.get_cookie("ebh")
    session_data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    token = session_data["sid"]
    stored = _sessions(caseworker)[0]
    assert stored.token_hash != token and token not in stored.token_hash


def test_wrong_password_is_refused_and_audited(client, caseworker):
    response = _login(client, caseworker.username, WRONG)
    assert response.status_code == 401
    assert "Benutzername oder Passwort ist falsch" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    (event,) = _events("login_failed")
    assert event.user_id == caseworker.id
    assert "falsches Passwort" in event.summary
    assert WRONG not in event.summary


def test_unknown_user_gets_the_same_answer(client, caseworker):
    known = _login(client, caseworker.username, WRONG)
    unknown = _login(client, "niemand", WRONG)
    assert known.status_code == unknown.status_code == 401
    assert _events("login_failed")[-1].user_id is None


def test_disabled_user_cannot_log_in(client, office):
    user = factories.user(office, "alt", active=False)
    response = _login(client, user.username)
    assert response.status_code == 401
    assert "Konto deaktiviert" in _events("login_failed")[-1].summary


def test_throttling_per_username_is_stored_in_the_database(client, caseworker, app):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert _login(client, caseworker.username, WRONG).status_code == 401
    # Even the right password is refused now, and the refusal is audited.
    response = _login(client, caseworker.username)
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.get_data(as_text=True)
    assert _events("login_throttled")
    db.session.rollback()
    failures = db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == caseworker.username, LoginAttempt.success.is_(False)))
    assert failures == limit  # throttled attempts are not counted, so the lockout ends with the window


def test_throttling_does_not_affect_another_user(client, caseworker, office, app):
    other = factories.user(office, "sb2")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(client, caseworker.username, WRONG)
    assert _login(client, caseworker.username).status_code == 429
    assert _login(client, other.username).status_code == 302


def test_throttle_window_expires(client, caseworker, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(client, caseworker.username, WRONG)
    past = utcnow() - dt.timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"] + 1)
    db.session.execute(sa.update(LoginAttempt).values(at=past))
    db.session.commit()
    assert _login(client, caseworker.username).status_code == 302


def test_success_resets_the_username_counter(client, caseworker, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _login(client, caseworker.username, WRONG)
    assert _login(client, caseworker.username).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert _login(client, caseworker.username, WRONG).status_code == 401
    assert _login(client, caseworker.username).status_code == 302


def test_throttling_per_client_address(client, office, app, monkeypatch):
    """Password spraying: many usernames from one address hit the per-IP cap."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 3)
    victim = factories.user(office, "opfer")
    for name in ("a1", "a2", "a3"):
        assert _login(client, name, WRONG).status_code == 401
    assert _login(client, victim.username).status_code == 429
    # Another address is not affected.
    assert _login(client, victim.username, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_newline_in_username_is_neutralised_in_the_audit_log(client, caseworker):
    _login(client, "evil\nLOGIN OK admin\r\x1b[2J", WRONG)
    event = _events("login_failed")[-1]
    assert "\n" not in event.summary and "\r" not in event.summary and "\x1b" not in event.summary


def test_login_issues_a_new_session_token(client, caseworker, app):
    """A token set before login (session fixation) is replaced; the CSRF token changes too."""
    serializer = app.session_interface.get_signing_serializer(app)
    client.set_cookie("ebh", serializer.dumps({"sid": "planted-by-attacker", "csrf_token": "f" * 40}))
    before_csrf = csrf_token(client, "/login")
    _login(client, caseworker.username)
    data = serializer.loads(client.get_cookie("ebh").value)
    assert data["sid"] != "planted-by-attacker"
    assert data.get("csrf_token") != before_csrf
    # Logging in twice gives two different sessions.
    other = app.test_client()
    _login(other, caseworker.username)
    assert len({row.token_hash for row in _sessions(caseworker)}) == 2


def test_logout_is_post_only_and_revokes_the_session(client, caseworker, app):
    _login(client, caseworker.username)
    stolen = client.get_cookie("ebh").value
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert _sessions(caseworker)[0].revoked_at is not None
    assert _events("logout")
    # Replaying the old cookie does not bring the session back.
    replay = app.test_client()
    replay.set_cookie("ebh", stolen)
    assert replay.get("/").status_code == 302


def test_disabling_a_user_ends_all_sessions(client, caseworker, app, runner):
    _login(client, caseworker.username)
    second = app.test_client()
    _login(second, caseworker.username)
    result = runner.invoke(args=["users", "disable", caseworker.username])
    assert result.exit_code == 0, result.output
    assert all(row.revoked_at is not None for row in _sessions(caseworker))
    assert client.get("/").status_code == 302
    assert second.get("/").status_code == 302


def test_idle_timeout(client, caseworker, app):
    _login(client, caseworker.username)
    idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - idle))
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert _sessions(caseworker)[0].revoked_at is not None


def test_absolute_timeout_despite_activity(client, caseworker, app):
    _login(client, caseworker.username)
    old = dt.timedelta(minutes=app.config["SESSION_ABSOLUTE_MINUTES"] + 1)
    db.session.execute(sa.update(UserSession).values(created_at=utcnow() - old, last_seen_at=utcnow()))
    db.session.commit()
    assert client.get("/").status_code == 302


def test_activity_extends_the_idle_window(client, caseworker, app):
    _login(client, caseworker.username)
    almost = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - almost))
    db.session.commit()
    assert client.get("/").status_code == 200
    assert utcnow() - _sessions(caseworker)[0].last_seen_at < dt.timedelta(seconds=30)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/persons/new", "/persons/new"),
        ("/?q=M%C3%BCller&page=2", "/?q=M%C3%BCller&page=2"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("\\\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http:/evil.example", "/"),
        ("", "/"),
    ],
)
def test_next_parameter_cannot_redirect_off_site(client, caseworker, target, expected):
    response = post_form(client, "/login", {"username": caseworker.username, "password": factories.PASSWORD},
                         query_string={"next": target}, token_from="/login")
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_anonymous_request_remembers_the_page_for_after_login(client, caseworker):
    response = client.get("/persons/new?x=1")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login?next=")
    response = post_form(client, location, {"username": caseworker.username, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/persons/new?x=1"


def test_login_form_errors_are_german(client):
    response = post_form(client, "/login", {"username": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bitte Benutzernamen angeben." in page and "Bitte Passwort angeben." in page


def test_login_with_an_expired_session_cookie_does_not_lock_sqlite(client, caseworker, app):
    """The expired session is marked in the request's transaction; the login attempt is written
    after it, so SQLite's single writer never waits on itself."""
    _login(client, caseworker.username)
    idle = dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - idle))
    db.session.commit()
    started = time.monotonic()
    assert _login(client, caseworker.username, WRONG).status_code == 401
    assert _login(client, caseworker.username).status_code == 302
    assert time.monotonic() - started < 5
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 3


def test_housekeeping_purges_old_sessions_and_login_attempts(client, caseworker, app):
    from ebh.auth.sessions import purge_expired_sessions

    _login(client, caseworker.username, WRONG)
    _login(client, caseworker.username)
    db.session.execute(sa.update(UserSession).values(created_at=utcnow() - dt.timedelta(days=31)))
    db.session.execute(sa.update(LoginAttempt).values(at=utcnow() - dt.timedelta(days=31)))
    db.session.commit()
    _login(client, caseworker.username)  # a fresh session and attempt stay
    assert purge_expired_sessions() == 1
    db.session.commit()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 1

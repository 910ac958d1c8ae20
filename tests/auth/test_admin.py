"""User administration by admins of the own office, and the own account page (ASVS 7.4.5, 7.5.2)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.auth import passwords
from ebh.auth.models import Role, User, UserSession
from ebh.extensions import db
from tests import factories
from tests.conftest import post_form

NEW_PASSWORD = "neues-sicheres-kennwort-77"


@pytest.fixture
def admin(db, office):
    return factories.user(office, "admin1", role="admin")


def _fresh(model, row_id):
    db.session.rollback()
    return db.session.get(model, row_id)


def _live_sessions(user) -> list[UserSession]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None))))


def _logged_in_client(app, user, password=factories.PASSWORD):
    client = app.test_client()
    response = post_form(client, "/login", {"username": user.username, "password": password})
    assert response.status_code == 302
    return client


def test_admin_lists_only_users_of_own_office(client, login, admin, caseworker, other_office):
    factories.user(other_office, "fremd")
    login(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "sb1" in page and "admin1" in page
    assert "fremd" not in page


@pytest.mark.parametrize("role", ["caseworker", "campaign", "supervisor"])
def test_only_admins_manage_users(client, login, office, caseworker, role):
    user = factories.user(office, f"x-{role}", role=role)
    login(user)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403
    assert client.get(f"/admin/users/{caseworker.id}").status_code == 403
    response = post_form(client, f"/admin/users/{caseworker.id}/disable", {}, token_from="/account")
    assert response.status_code == 403
    assert _fresh(User, caseworker.id).active


def test_create_user(client, login, admin):
    login(admin)
    response = post_form(client, "/admin/users/new", {
        "username": "Neu.Kollegin", "display_name": "Neue Kollegin", "email": "neu@example.org",
        "role": "caseworker", "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD,
    })
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "neu.kollegin"))
    assert user.office_id == admin.office_id and user.role is Role.CASEWORKER
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.action == "create"))
    assert event.user_id == admin.id and NEW_PASSWORD not in (event.summary + str(event.changes))
    _logged_in_client(client.application, user, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "sb1"}, "username", "Den Benutzernamen sb1 gibt es bereits."),
        ({"username": "mit leerzeichen"}, "username", "darf nur Kleinbuchstaben"),
        ({"username": "zeile\numbruch"}, "username", "darf nur Kleinbuchstaben"),
        ({"password": "kurz", "password_repeat": "kurz"}, "password", "mindestens 12 Zeichen"),
        ({"password": "password1234", "password_repeat": "password1234"}, "password", "zu leicht zu erraten"),
        ({"password_repeat": "etwas-ganz-anderes-1"}, "password_repeat", "stimmen nicht überein"),
        ({"display_name": ""}, "display_name", "Bitte ausfüllen."),
        ({"email": "keine-adresse"}, "email", "gültige E-Mail-Adresse"),
        ({"role": "superuser"}, "role", ""),
    ],
)
def test_create_user_shows_german_field_errors_and_changes_nothing(client, login, admin, caseworker, data, field,
                                                                    message):
    login(admin)
    form = {"username": "neu", "display_name": "Neu", "email": "", "role": "caseworker",
            "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD, **data}
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    response = post_form(client, "/admin/users/new", form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    assert error, f"no error on field {field}"
    assert message in error.group(1).replace("&#34;", '"')
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_disable_ends_sessions_and_enable_allows_login_again(client, login, admin, caseworker):
    victim_client = _logged_in_client(client.application, caseworker)
    login(admin)
    response = post_form(client, f"/admin/users/{caseworker.id}/disable", {}, token_from=f"/admin/users/{caseworker.id}")
    assert response.status_code == 302
    assert not _fresh(User, caseworker.id).active
    assert _live_sessions(caseworker) == []
    assert victim_client.get("/").status_code == 302
    assert post_form(victim_client, "/login", {"username": "sb1", "password": factories.PASSWORD}).status_code == 401
    response = post_form(client, f"/admin/users/{caseworker.id}/enable", {}, token_from="/account")
    assert response.status_code == 302
    assert _fresh(User, caseworker.id).active
    _logged_in_client(client.application, caseworker)


def test_admin_cannot_disable_themselves(client, login, admin):
    login(admin)
    response = post_form(client, f"/admin/users/{admin.id}/disable", {}, token_from="/account")
    assert response.status_code == 400
    assert "nicht selbst deaktivieren" in response.get_data(as_text=True)
    assert _fresh(User, admin.id).active


def test_reset_password_ends_all_sessions(client, login, admin, caseworker):
    victim_client = _logged_in_client(client.application, caseworker)
    login(admin)
    response = post_form(client, f"/admin/users/{caseworker.id}/password",
                         {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD}, token_from="/account")
    assert response.status_code == 302
    assert victim_client.get("/").status_code == 302
    assert post_form(victim_client, "/login", {"username": "sb1", "password": factories.PASSWORD}).status_code == 401
    _logged_in_client(client.application, caseworker, NEW_PASSWORD)


def test_reset_password_policy_error_on_field(client, login, admin, caseworker):
    login(admin)
    response = post_form(client, f"/admin/users/{caseworker.id}/password",
                         {"password": "sb1-sb1-sb1-sb1", "password_repeat": "sb1-sb1-sb1-sb1"}, token_from="/account")
    assert response.status_code == 400
    assert 'id="password-error">Dieses Passwort ist zu leicht zu erraten' in response.get_data(as_text=True)


def test_admin_lists_and_ends_sessions_of_a_user(client, login, admin, caseworker):
    first = _logged_in_client(client.application, caseworker)
    second = _logged_in_client(client.application, caseworker)
    login(admin)
    page = client.get(f"/admin/users/{caseworker.id}").get_data(as_text=True)
    sessions = _live_sessions(caseworker)
    assert len(sessions) == 2
    for row in sessions:
        assert f"end-session-{row.id}" in page
        assert row.token_hash not in page
    # End the newer session (the second client's).
    newest = max(sessions, key=lambda r: r.id)
    response = post_form(client, f"/admin/users/{caseworker.id}/sessions/{newest.id}/end", {}, token_from="/account")
    assert response.status_code == 302
    assert second.get("/").status_code == 302
    assert first.get("/").status_code == 200
    response = post_form(client, f"/admin/users/{caseworker.id}/sessions/end", {}, token_from="/account")
    assert response.status_code == 302
    assert first.get("/").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "logout", AuditEvent.user_id == admin.id)) == 2


def test_session_of_another_user_cannot_be_ended_through_a_wrong_user_id(client, login, admin, office, caseworker):
    _logged_in_client(client.application, caseworker)
    other = factories.user(office, "sb2")
    login(admin)
    (row,) = _live_sessions(caseworker)
    response = post_form(client, f"/admin/users/{other.id}/sessions/{row.id}/end", {}, token_from="/account")
    assert response.status_code == 404
    assert _live_sessions(caseworker)


def test_edit_user_records_the_diff(client, login, admin, caseworker):
    login(admin)
    response = post_form(client, f"/admin/users/{caseworker.id}/edit",
                         {"display_name": "Sachbearbeiterin Eins", "email": "", "role": "supervisor"}, token_from="/account")
    assert response.status_code == 302
    user = _fresh(User, caseworker.id)
    assert user.role is Role.SUPERVISOR and user.display_name == "Sachbearbeiterin Eins"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.entity == "user"))
    assert event.changes["role"] == ["caseworker", "supervisor"]


def test_admin_cannot_change_own_role(client, login, admin):
    login(admin)
    response = post_form(client, f"/admin/users/{admin.id}/edit",
                         {"display_name": "Admin", "email": "", "role": "caseworker"}, token_from="/account")
    assert response.status_code == 400
    assert 'id="role-error">Sie können Ihre eigene Rolle nicht ändern.' in response.get_data(as_text=True)
    assert _fresh(User, admin.id).role is Role.ADMIN


def test_change_own_password_keeps_this_session_and_ends_the_others(client, login, caseworker):
    other_device = _logged_in_client(client.application, caseworker)
    login(caseworker)
    response = post_form(client, "/account/password", {
        "current_password": factories.PASSWORD, "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/").status_code == 302
    assert passwords.verify_password(_fresh(User, caseworker.id).password_hash, NEW_PASSWORD)


def test_change_own_password_needs_the_current_one(client, login, caseworker):
    login(caseworker)
    response = post_form(client, "/account/password", {
        "current_password": "falsch-falsch-falsch", "password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD})
    assert response.status_code == 400
    assert 'id="current_password-error">Das bisherige Passwort ist falsch.' in response.get_data(as_text=True)
    assert passwords.verify_password(_fresh(User, caseworker.id).password_hash, factories.PASSWORD)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "password_change_failed"))


def test_account_page_lists_and_ends_own_sessions(client, login, caseworker):
    other_device = _logged_in_client(client.application, caseworker)
    login(caseworker)
    page = client.get("/account").get_data(as_text=True)
    assert "diese Sitzung" in page
    other = min(_live_sessions(caseworker), key=lambda r: r.id)
    response = post_form(client, f"/account/sessions/{other.id}/end", {}, token_from="/account")
    assert response.status_code == 302
    assert other_device.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_own_account_cannot_end_sessions_of_colleagues(client, login, office, caseworker):
    colleague = factories.user(office, "sb2")
    _logged_in_client(client.application, colleague)
    login(caseworker)
    (row,) = _live_sessions(colleague)
    response = post_form(client, f"/account/sessions/{row.id}/end", {}, token_from="/account")
    assert response.status_code == 404
    assert _live_sessions(colleague)

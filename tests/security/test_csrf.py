"""CSRF on every state-changing route: a POST without a valid token gets 400 and changes nothing."""
from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import csrf_token, post_form
from tests.security import routes
from tests.security.snapshot import snapshot


@pytest.fixture
def admin(db, office):
    return factories.user(office, "admin1", role="admin")


def test_every_write_route_refuses_a_post_without_token(app, client, login, admin, caseworker):
    login(admin)
    before = snapshot()
    failures = []
    for rule, method in routes.walk(app, only=routes.WRITE_METHODS):
        url = routes.build(rule, routes.dummy_values(rule))
        response = client.open(url, method=method, data={})
        if response.status_code != 400:
            failures.append(f"{method} {rule.rule} ({rule.endpoint}) -> {response.status_code}")
    assert failures == []
    assert snapshot() == before
    # The session survived: a refused CSRF check does not log the user out.
    assert client.get("/account").status_code == 200


def test_write_routes_are_walked(app):
    walked = {rule.endpoint for rule, _ in routes.walk(app, only=routes.WRITE_METHODS)}
    assert {"auth.login", "auth.logout", "auth.disable_user", "auth.change_password"} <= walked


def test_token_of_another_session_is_refused(app, client, login, caseworker):
    login(caseworker)
    attacker = app.test_client()
    foreign_token = csrf_token(attacker, "/login")
    response = client.post("/logout", data={"csrf_token": foreign_token})
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen oder ungültig" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still logged in


def test_login_itself_needs_the_token(client, caseworker):
    """Login CSRF: an attacker's page cannot log the victim into the attacker's account."""
    response = client.post("/login", data={"username": caseworker.username, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert post_form(client, "/login", {"username": caseworker.username, "password": factories.PASSWORD}
                     ).status_code == 302


def test_refused_csrf_is_audited_for_logged_in_users(client, login, caseworker, db):
    import sqlalchemy as sa

    from ebh.audit.models import AuditEvent

    login(caseworker)
    client.post("/logout", data={})
    db.session.rollback()
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "csrf_failed"))
    assert event is not None and event.user_id == caseworker.id and "POST /logout" in event.summary

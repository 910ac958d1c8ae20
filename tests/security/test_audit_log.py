"""The audit log: append-only (ORM and, on PostgreSQL, the database itself), security events are
recorded and survive the refused request, summaries carry no personal data, and supervisors can
read the trail of a case and search the office's log."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from ebh.audit import service as audit
from ebh.audit.models import AuditEvent, AuditLogImmutableError
from ebh.auth.models import UserSession
from ebh.db import is_postgresql, utcnow
from ebh.extensions import db
from tests import factories
from tests.conftest import post_form


def _event(**values) -> AuditEvent:
    event = audit.record(None, values.pop("action", "update"), values.pop("entity", "case"), **values)
    db.session.commit()
    return event


def _events(**filters) -> list[AuditEvent]:
    db.session.rollback()
    query = sa.select(AuditEvent).filter_by(**filters).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


# --- append-only -----------------------------------------------------------------------------------


def test_orm_refuses_update_and_delete(db, office):
    event = _event(summary="Fall angelegt", office_id=office.id)
    event.summary = "geändert"
    with pytest.raises(AuditLogImmutableError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditLogImmutableError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).summary == "Fall angelegt"


def test_database_refuses_update_and_delete_on_postgresql(db, office):
    """Even raw SQL past the ORM cannot rewrite history (trigger created with the table)."""
    if not is_postgresql():
        pytest.skip("the trigger is PostgreSQL-only; SQLite relies on the ORM guard")
    event = _event(summary="Fall angelegt", office_id=office.id)
    for statement in ("UPDATE audit_events SET summary = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert db.session.get(AuditEvent, event.id).summary == "Fall angelegt"


# --- security events --------------------------------------------------------------------------------


def test_refused_access_is_recorded_although_the_request_is_rolled_back(client, login, caseworker, other_office):
    foreign_case = factories.case(factories.person(other_office))
    login(caseworker)
    assert client.get(f"/cases/{foreign_case.id}").status_code == 404
    (event,) = _events(action="access_denied")
    assert event.user_id == caseworker.id and event.office_id == caseworker.office_id
    assert str(foreign_case.id) in event.summary and "anderen Behörde" in event.summary


def test_refused_role_is_recorded(client, login, office):
    campaign = factories.user(office, "kampagne", role="campaign")
    login(campaign)
    assert client.get("/admin/users").status_code == 403
    assert "Rolle campaign" in _events(action="access_denied")[0].summary


def test_refusal_after_a_write_in_the_same_request_does_not_lock_sqlite(client, login, caseworker, other_office):
    """The request writes (session last-seen) before the office check fails; the security event is
    written after the request's transaction, so SQLite's single writer never waits on itself."""
    foreign = factories.person(other_office)
    login(caseworker)
    db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - dt.timedelta(minutes=5)))
    db.session.commit()
    started = time.monotonic()
    assert client.get(f"/persons/{foreign.id}").status_code == 404
    assert time.monotonic() - started < 5
    assert _events(action="access_denied")


def test_login_logout_and_failures_are_recorded(client, caseworker):
    post_form(client, "/login", {"username": "sb1", "password": "nicht-das-richtige-1"})
    post_form(client, "/login", {"username": "sb1", "password": factories.PASSWORD})
    post_form(client, "/logout", {}, token_from="/account")
    actions = [e.action for e in _events(user_id=caseworker.id)]
    assert actions == ["login_failed", "login", "logout"]
    assert all(e.ip == "127.0.0.1" for e in _events(user_id=caseworker.id))


def test_summaries_carry_no_personal_data(client, login, caseworker, office):
    person = factories.person(office, family_name="Geheimnachname", given_names="Vertraulich",
                              date_of_birth=dt.date(1987, 11, 23))
    case = factories.case(person)
    login(caseworker)
    assert client.get(f"/persons/{person.id}").status_code == 200
    assert client.get(f"/cases/{case.id}").status_code == 200
    events = _events()
    assert any(e.action == "read" and e.case_id == case.id for e in events)
    for event in events:
        for secret in ("Geheimnachname", "Vertraulich", "1987", "23.11."):
            assert secret not in event.summary, event.summary


# --- audit pages -------------------------------------------------------------------------------------


@pytest.fixture
def trail(office, caseworker):
    """A case with a read and a change by the caseworker, and an event of another case."""
    case = factories.case(factories.person(office))
    other = factories.case(factories.person(office, family_name="Andere"))
    db.session.add_all([
        audit.record(caseworker, "read", "case", case.id, case_id=case.id, summary=f"Fall {case.file_number} angesehen"),
        audit.record(caseworker, "update", "case", case.id, case_id=case.id, summary="Fall geändert",
                     changes={"received_on": ["2026-01-15", "2026-01-20"]}),
        audit.record(caseworker, "update", "case", other.id, case_id=other.id, summary="Anderer Fall geändert"),
    ])
    db.session.commit()
    return case


def test_supervisor_reads_the_trail_of_a_case_with_diffs(client, login, supervisor, trail):
    login(supervisor)
    response = client.get(f"/cases/{trail.id}/audit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Fall geändert" in page and "Anderer Fall geändert" not in page
    assert "received_on" in page and "<del>2026-01-15</del> → <ins>2026-01-20</ins>" in page
    assert "SB1" in page  # who
    # Reading the trail is itself recorded.
    reads = _events(user_id=supervisor.id, action="read", entity="audit_log")
    assert len(reads) == 1 and reads[0].case_id == trail.id


def test_caseworker_and_campaign_cannot_read_the_audit_log(client, login, caseworker, trail):
    login(caseworker)
    assert client.get(f"/cases/{trail.id}/audit").status_code == 403
    assert client.get("/audit").status_code == 403


def test_supervisor_of_another_office_gets_404(client, login, other_office, trail):
    login(factories.user(other_office, "tl-bonn", role="supervisor"))
    assert client.get(f"/cases/{trail.id}/audit").status_code == 404


def test_office_search_filters_by_user_action_and_date(client, login, supervisor, caseworker, office, other_office,
                                                      trail):
    colleague = factories.user(office, "sb2")
    db.session.add(audit.record(colleague, "export", "case", trail.id, case_id=trail.id, summary="Export Kollegin"))
    foreign_user = factories.user(other_office, "sb-bonn")
    db.session.add(audit.record(foreign_user, "update", "case", None, summary="Fremde Behörde geändert"))
    db.session.commit()
    login(supervisor)
    page = client.get("/audit").get_data(as_text=True)
    assert "Fall geändert" in page and "Export Kollegin" in page
    assert "Fremde Behörde geändert" not in page
    page = client.get("/audit", query_string={"user": colleague.id}).get_data(as_text=True)
    assert "Export Kollegin" in page and "Fall geändert" not in page
    page = client.get("/audit", query_string={"action": "update"}).get_data(as_text=True)
    assert "Fall geändert" in page and "Export Kollegin" not in page
    today = dt.date.today()
    page = client.get("/audit", query_string={"date_from": (today - dt.timedelta(days=1)).isoformat(),
                                              "date_to": (today + dt.timedelta(days=1)).isoformat()}
                      ).get_data(as_text=True)
    assert "Fall geändert" in page
    page = client.get("/audit", query_string={"date_from": (today + dt.timedelta(days=2)).isoformat()}
                      ).get_data(as_text=True)
    assert "Fall geändert" not in page and "Keine Einträge." in page
    # Users of another office are not even offered as a filter.
    assert client.get("/audit", query_string={"user": foreign_user.id}).status_code == 400


def test_office_search_reports_a_reversed_date_range_in_german(client, login, supervisor):
    login(supervisor)
    response = client.get("/audit", query_string={"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert 'id="date_to-error">Das Enddatum liegt vor dem Anfangsdatum.' in response.get_data(as_text=True)


def test_office_search_is_paginated(client, login, supervisor, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        db.session.add(audit.record(supervisor, "export", "case", n + 1, summary=f"Export {n}"))
    db.session.commit()
    login(supervisor)
    first = client.get("/audit", query_string={"action": "export"}).get_data(as_text=True)
    assert "Export 4" in first and "Export 3" in first and "Export 2" not in first
    assert "Seite 1 von 3" in first
    last = client.get("/audit", query_string={"action": "export", "page": 3}).get_data(as_text=True)
    assert "Export 0" in last

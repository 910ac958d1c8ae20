"""The deadlines domain wired into the cases domain: real cases services and the real case page."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ebh.cases import service as cases
from ebh.cases.models import Case
from ebh.db import utcnow
from ebh.deadlines import reminders
from ebh.deadlines.models import Deadline, DeadlineKind, DeadlineStatus
from tests.conftest import post_form
from tests.deadlines.conftest import make_case


def test_document_request_and_receipt_through_the_cases_service(db, office, caseworker):
    today = reminders.local_today(utcnow())
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    case = make_case(office, assigned=caseworker, received_on=today - dt.timedelta(days=10))
    doc = cases.add_document(caseworker, case.id, "passport")
    cases.request_document(caseworker, doc.id, saturday, requested_on=today - dt.timedelta(days=1))
    db.session.commit()
    deadline = db.session.scalars(sa.select(Deadline).where(Deadline.source_key == f"document:{doc.id}")).one()
    assert deadline.kind is DeadlineKind.DOCUMENT and deadline.due_on.weekday() == 0  # moved off the weekend
    assert deadline.due_on > saturday
    assert db.session.get(Case, case.id).due_on == deadline.due_on  # the deadlines domain owns due_on

    cases.receive_document(caseworker, doc.id, received_on=today)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Deadline, deadline.id).status is DeadlineStatus.DONE


def test_case_page_shows_panel_and_wiedervorlage_returns_to_it(client, login, db, office, caseworker):
    case = make_case(office, assigned=caseworker)
    login(caseworker)
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="deadlines-panel"' in html and 'data-testid="wiedervorlage-form"' in html
    day = reminders.local_today(utcnow()) + dt.timedelta(days=3)
    response = post_form(client, f"/cases/{case.id}/wiedervorlage",
                         {"due_on": day.isoformat(), "note": "Nachfrage", "user_id": str(caseworker.id),
                          "next": f"/cases/{case.id}"}, token_from=f"/cases/{case.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}")
    assert "Nachfrage" in client.get(f"/cases/{case.id}").get_data(as_text=True)

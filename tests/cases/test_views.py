"""Pages, forms, API and office isolation of the cases domain through the real HTTP stack."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.cases import service
from ebh.cases.models import Case, CaseDocument, Person, ResidencePeriod
from ebh.extensions import db as _db
from tests import factories
from tests.conftest import post_form

TODAY = dt.date.today()


@pytest.fixture
def setup(db, office, caseworker):
    person = service.create_person(caseworker, {"family_name": "Müller", "given_names": "Jana",
                                                "date_of_birth": dt.date(1988, 4, 2)})
    case = service.create_case(caseworker, person.id, "stag_10", received_on=TODAY - dt.timedelta(days=20))
    _db.session.commit()
    return person, case


def _fresh(model, row_id):
    _db.session.expire_all()
    return _db.session.get(model, row_id)


def test_case_list_search_and_filters(client, login, caseworker, setup):
    login(caseworker)
    page = client.get("/?q=mueller").get_data(as_text=True)
    assert setup[1].file_number in page and "Jana" in page
    page = client.get("/?q=schmidt").get_data(as_text=True)
    assert "Keine Fälle gefunden" in page
    page = client.get("/?q=31.02.1990")
    assert "kein gültiges Datum" in page.get_data(as_text=True)
    assert client.get("/?status=in_review&overdue=1&sort=due&direction=desc&page=3").status_code == 200


def test_create_person_with_field_errors_then_success(client, login, caseworker, db):
    login(caseworker)
    response = post_form(client, "/persons/new", {"family_name": "", "date_of_birth": "31.02.1990",
                                                  "sex": "x", "preferred_language": "de"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="family_name-error"' in page and "Bitte den Familiennamen angeben." in page
    assert 'id="date_of_birth-error"' in page and "gültiges Datum" in page
    response = post_form(client, "/persons/new", {"family_name": "Yılmaz", "date_of_birth": "2999-01-01",
                                                  "sex": "x", "preferred_language": "de"}, token_from="/persons/new")
    assert response.status_code == 422 and "nicht nach heute liegen" in response.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0
    response = post_form(client, "/persons/new", {
        "family_name": "Yılmaz", "given_names": "Ayşe", "date_of_birth": "17.05.1990", "sex": "f",
        "preferred_language": "tr", "nationalities": "TUR, DEU", "aliases": "Jilmas, Aische",
        "identity_clarified": "1",
    })
    assert response.status_code == 302
    person = _db.session.scalars(sa.select(Person)).one()
    assert [n.country for n in person.nationalities] == ["TUR", "DEU"] and person.identity_clarified is True
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert "Yılmaz, Ayşe" in page and "Jilmas" in page


def test_child_is_created_from_the_parent_page_and_becomes_co_applicant(client, login, caseworker, setup):
    person, _case = setup
    login(caseworker)
    url = f"/persons/new?relative_of={person.id}&relation=child"
    response = post_form(client, url, {"family_name": "Müller", "given_names": "Leo", "sex": "m",
                                       "preferred_language": "de", "date_of_birth": "2016-03-01",
                                       "relative_of": str(person.id), "relation": "child"})
    assert response.status_code == 302, response.get_data(as_text=True)
    child = _db.session.scalars(sa.select(Person).where(Person.given_names == "Leo")).one()
    page = client.get(f"/persons/{person.id}/cases/new").get_data(as_text=True)
    assert f'value="{child.id}"' in page
    response = post_form(client, f"/persons/{person.id}/cases/new", {
        "case_type": "stag_10", "received_on": TODAY.isoformat(), "assigned_to_id": str(caseworker.id),
        "co_applicants": str(child.id)})
    assert response.status_code == 302
    main = _db.session.scalars(sa.select(Case).where(Case.main_case_id.is_(None), Case.id != setup[1].id)).one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert main.file_number in page and "Mitanträge" in page and "51,00 €" not in page
    co = main.co_cases[0]
    assert co.person_id == child.id and co.fees[0].amount_cents == 5100
    assert "51,00 €" in client.get(f"/cases/{co.id}").get_data(as_text=True)


def test_status_change_refused_transition_and_conflict(client, login, caseworker, setup):
    _person, case = setup
    login(caseworker)
    url = f"/cases/{case.id}"
    response = post_form(client, f"{url}/status", {"to_status": "granted", "version": case.version}, token_from=url)
    assert response.status_code == 422 and "nicht zulässig" in response.get_data(as_text=True)
    assert _fresh(Case, case.id).status == "received"
    old_version = case.version
    response = post_form(client, f"{url}/status", {"to_status": "in_review", "version": old_version}, token_from=url)
    assert response.status_code == 302
    response = post_form(client, f"{url}/status", {"to_status": "withdrawn", "version": old_version}, token_from=url)
    assert response.status_code == 422
    assert "inzwischen von jemand anderem geändert" in response.get_data(as_text=True)
    assert _fresh(Case, case.id).status == "in_review"


def test_document_request_receive_and_timeline(client, login, caseworker, setup):
    _person, case = setup
    login(caseworker)
    doc = next(d for d in case.documents if d.document_type == "passport")
    url = f"/cases/{case.id}"
    response = post_form(client, f"/documents/{doc.id}/request", {"deadline": "01.01.2000"}, token_from=url)
    assert response.status_code == 422 and "Frist" in response.get_data(as_text=True)
    deadline = TODAY + dt.timedelta(days=21)
    assert post_form(client, f"/documents/{doc.id}/request", {"deadline": deadline.strftime("%d.%m.%Y")},
                     token_from=url).status_code == 302
    assert _fresh(CaseDocument, doc.id).deadline == deadline
    assert post_form(client, f"/documents/{doc.id}/receive", {"issued_on": "2020-01-01", "valid_until": "2030-01-01"},
                     token_from=url).status_code == 302
    assert _fresh(CaseDocument, doc.id).received_on == TODAY
    page = client.get(url).get_data(as_text=True)
    assert f"Dokument {doc.id} (passport) angefordert" in page and f"Dokument {doc.id} (passport) eingegangen" in page


def test_fee_and_security_check_forms(client, login, caseworker, setup):
    _person, case = setup
    login(caseworker)
    url = f"/cases/{case.id}"
    fee = case.fees[0]
    response = post_form(client, f"/fees/{fee.id}/reduce", {"reduction": "abc", "reason": ""}, token_from=url)
    assert response.status_code == 422 and "Betrag in Euro" in response.get_data(as_text=True)
    assert post_form(client, f"/fees/{fee.id}/reduce", {"reduction": "127,50", "reason": "Härte"},
                     token_from=url).status_code == 302
    assert post_form(client, f"{url}/security-checks", {"kind": "regelanfrage"}, token_from=url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "127,50 €" in page and "Regelanfrage Verfassungsschutz" in page


def test_residence_period_form_names_the_field(client, login, caseworker, setup):
    person, _case = setup
    login(caseworker)
    url = f"/persons/{person.id}"
    response = post_form(client, f"{url}/residence-periods", {"status": "duldung", "start": "01.01.2016",
                                                              "end_date": "01.01.2015"}, token_from=url)
    assert response.status_code == 422
    assert 'id="end_date-error"' in response.get_data(as_text=True)
    assert post_form(client, f"{url}/residence-periods", {"status": "duldung", "start": "01.01.2016",
                                                          "end_date": "31.12.2017"}, token_from=url).status_code == 302
    period = _db.session.scalars(sa.select(ResidencePeriod)).one()
    edit = f"/residence-periods/{period.id}/edit"
    assert client.get(edit).status_code == 200
    assert post_form(client, edit, {"status": "duldung", "start": "2016-01-01", "end_date": "2018-06-30"}
                     ).status_code == 302
    assert _fresh(ResidencePeriod, period.id).end_date == dt.date(2018, 6, 30)


def test_api_returns_the_case_and_audits_the_read(client, login, caseworker, setup):
    _person, case = setup
    login(caseworker)
    data = client.get(f"/api/cases/{case.id}").get_json()
    assert data["file_number"] == case.file_number and data["status"] == "received"
    assert "in_review" in data["allowed_transitions"] and data["fees"][0]["amount_cents"] == 25500
    reads = _db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "read",
                                                             AuditEvent.case_id == case.id)).all()
    assert reads


def test_other_office_gets_404_on_pages_api_and_actions(client, login, other_office, setup):
    person, case = setup
    stranger = factories.user(other_office, "fremd")
    login(stranger)
    doc, fee = case.documents[0], case.fees[0]
    for url in (f"/persons/{person.id}", f"/persons/{person.id}/edit", f"/cases/{case.id}",
                f"/api/cases/{case.id}", f"/persons/{person.id}/cases/new", f"/cases/{case.id}/edit"):
        assert client.get(url).status_code == 404, url
    token_page = "/persons/new"
    posts = [
        (f"/cases/{case.id}/status", {"to_status": "in_review"}),
        (f"/cases/{case.id}/notes", {"text": "x"}),
        (f"/documents/{doc.id}/request", {"deadline": "2030-01-01"}),
        (f"/documents/{doc.id}/receive", {}),
        (f"/fees/{fee.id}/pay", {}),
        (f"/persons/{person.id}/edit", {"family_name": "Gehackt"}),
        (f"/persons/{person.id}/residence-periods", {"status": "duldung", "start": "2016-01-01"}),
    ]
    for url, data in posts:
        assert post_form(client, url, data, token_from=token_page).status_code == 404, url
    assert client.get("/?q=muller").get_data(as_text=True).count(case.file_number) == 0
    fresh = _fresh(Case, case.id)
    assert fresh.status == "received" and fresh.notes == [] and _fresh(Person, person.id).family_name == "Müller"


def test_campaign_staff_cannot_open_cases(client, login, office, setup):
    campaign = factories.user(office, "kampagne", role="campaign")
    login(campaign)
    assert client.get(f"/cases/{setup[1].id}").status_code == 403
    assert client.get(f"/api/cases/{setup[1].id}").status_code == 403


def test_case_page_renders_panels_of_other_domains(client, login, supervisor, setup):
    login(supervisor)
    page = client.get(f"/cases/{setup[1].id}").get_data(as_text=True)
    assert 'data-testid="panel-audit"' in page


def test_writes_through_the_web_are_audited_with_their_changes(client, login, caseworker, setup):
    person, case = setup
    login(caseworker)
    url = f"/cases/{case.id}"
    assert post_form(client, f"{url}/status", {"to_status": "in_review", "version": case.version},
                     token_from=url).status_code == 302
    edit = f"/persons/{person.id}/edit"
    assert post_form(client, edit, {"family_name": "Müller", "given_names": "Jana", "city": "Bonn", "sex": "x",
                                    "preferred_language": "de", "date_of_birth": "1988-04-02",
                                    "version": person.version}).status_code == 302
    events = _db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.in_(["status", "update"]))).all()
    status = next(e for e in events if e.action == "status")
    assert status.case_id == case.id and status.changes["status"] == ["received", "in_review"]
    update = next(e for e in events if e.entity == "person")
    assert update.changes["city"] == ["", "Bonn"] and "family_name" not in update.changes
    assert _fresh(Person, person.id).city == "Bonn"

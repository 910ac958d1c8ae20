"""Case panel, stored evaluations in the case history, re-evaluation on changes, the compare page."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.cases import service as cases_service
from ebh.extensions import db as _db
from ebh.rules import service
from ebh.rules.models import Evaluation
from tests import factories
from tests.conftest import post_form
from tests.rules.helpers import D, eligible_person, naturalization_case


def _evaluations(case_id: int) -> list[Evaluation]:
    _db.session.remove()
    return list(_db.session.scalars(sa.select(Evaluation).where(Evaluation.case_id == case_id).order_by(Evaluation.id)))


def test_case_panel_shows_checklist_and_stores_on_demand(client, login, db, office, caseworker) -> None:
    person = eligible_person(office)
    case = naturalization_case(person)
    case_id, caseworker_id = case.id, caseworker.id
    login(caseworker)
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'data-testid="panel-rules"' in page
    assert "Voraussetzungen erfüllt" in page
    assert "Seit 01.09.2018 rechtmäßiger gewöhnlicher Aufenthalt, 5 Jahre erreicht am 01.09.2023." in page
    assert "§ 10 Abs. 1 Satz 1 Nr. 6, Abs. 4 Satz 1 StAG" in page
    assert "Live berechnet, noch nicht gespeichert." in page
    response = post_form(client, f"/cases/{case_id}/rules/evaluate", {"as_of": ""}, token_from=f"/cases/{case_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case_id}#panel-rules")
    (stored,) = _evaluations(case_id)
    assert (stored.trigger, stored.outcome, stored.basis, stored.version) == ("manual", "eligible", "stag_10", "2025-10-30")
    assert stored.actor_id == caseworker_id and len(stored.file_sha256) == 64
    assert stored.facts["derived"]["stag_residence_since"] == "2018-09-01"
    event = _db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "evaluate")).one()
    assert event.case_id == case_id and event.entity_id == stored.id
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Gespeichert am" in page
    snapshot = client.get(f"/rules/evaluations/{stored.id}.json").get_json()
    assert snapshot["result"]["outcome"] == "eligible" and snapshot["facts"]["record"]["nationalities"] == []


def test_what_if_date_uses_the_law_in_force_then(client, login, db, office, caseworker) -> None:
    person = eligible_person(office, residence_start=D(2022, 6, 1))
    case = naturalization_case(person)
    case_id = case.id
    login(caseworker)
    post_form(client, f"/cases/{case_id}/rules/evaluate", {"as_of": "2027-06-01"}, token_from=f"/cases/{case_id}")
    (stored,) = _evaluations(case_id)
    assert (stored.trigger, stored.as_of, stored.outcome) == ("what_if", D(2027, 6, 1), "eligible")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Stichtag 01.06.2027" in page
    bad = post_form(client, f"/cases/{case_id}/rules/evaluate", {"as_of": "2027-02-30"}, token_from=f"/cases/{case_id}",
                    follow_redirects=True)
    assert "Stichtag:" in bad.get_data(as_text=True)
    assert len(_evaluations(case_id)) == 1


def test_panel_shows_a_clear_error_when_no_version_is_in_force(client, login, db, office, caseworker) -> None:
    person = eligible_person(office)
    case_id = factories.case(person, "aufenthg_104c", received_on=D(2025, 6, 2)).id
    login(caseworker)
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "keine Regelfassung in Kraft" in page


def test_other_office_gets_404(client, login, db, office, other_office) -> None:
    person = eligible_person(other_office)
    case_id = naturalization_case(person).id
    stranger = factories.user(office, "fremd", role="caseworker")
    login(stranger)
    response = post_form(client, f"/cases/{case_id}/rules/evaluate", {"as_of": ""}, token_from="/")
    assert response.status_code == 404
    assert _evaluations(case_id) == []


def test_fact_changes_store_a_fresh_evaluation(db, office, caseworker) -> None:
    person = eligible_person(office, residence_start=D(2022, 6, 1))
    case = naturalization_case(person)
    case_id, caseworker_id = case.id, caseworker.id
    cases_service.add_record(caseworker, person.id, "residence",
                             {"status": "residence_permit", "paragraph": "§ 18b AufenthG", "start": D(2015, 1, 1),
                              "end_date": D(2022, 5, 31)})
    _db.session.commit()
    (auto,) = _evaluations(case_id)
    assert auto.trigger == "auto" and auto.actor_id == caseworker_id
    assert auto.result["criteria"][0]["explanation"].startswith("Seit 01.01.2015")


def test_public_api_for_other_domains(db, office, caseworker) -> None:
    person = eligible_person(office, residence_start=D(2022, 6, 1))
    case = naturalization_case(person)
    assert service.earliest_eligible_date(caseworker, case, D(2026, 1, 15)) == D(2027, 6, 1)
    assert service.case_result(caseworker, case, D(2026, 1, 15))["outcome"] == "not_eligible"
    assert _db.session.scalars(sa.select(Evaluation)).all() == []  # nothing stored by these two
    row = service.evaluate_case(caseworker, case, D(2027, 6, 1))
    _db.session.commit()
    assert service.latest_evaluation(caseworker, case).id == row.id


def test_compare_page_is_not_for_caseworkers(client, login, db, caseworker) -> None:
    login(caseworker)
    assert client.get("/rules/compare").status_code == 403
    assert 'href="/rules/compare"' not in client.get("/").get_data(as_text=True)


def test_compare_page_for_supervisors(client, login, db, office, supervisor) -> None:
    person = eligible_person(office, residence_start=D(2022, 6, 1), special_integration=True)
    person.language_certificates[0].level = "C1"
    person.livelihood.self_supporting = True
    _db.session.commit()
    file_number = naturalization_case(person).file_number
    login(supervisor)
    page = client.get("/rules/compare?basis=stag_10&from_version=2024-06-27&to_version=2025-10-30"
                      "&as_of=2025-11-21").get_data(as_text=True)
    assert f"{file_number}</a>: Voraussetzungen erfüllt → Voraussetzungen nicht erfüllt" in page
    assert "Yılmaz" not in page
    assert 'href="/rules/compare"' in client.get("/").get_data(as_text=True)


def test_evaluation_is_part_of_the_case_history(db, office, caseworker) -> None:
    person = eligible_person(office)
    case = naturalization_case(person)
    service.evaluate_case(caseworker, case, dt.date(2026, 1, 15))
    _db.session.commit()
    line = cases_service.timeline(caseworker, case.id)
    assert any("Voraussetzungen stag_10" in str(getattr(item, "summary", item)) for item in _timeline_items(line))


def _timeline_items(line):
    for name in ("events", "items", "entries"):
        if hasattr(line, name):
            return getattr(line, name)
    return list(line)

"""Cases services against the real database: workflow, file numbers, co-applicants, fees, documents,
locking, validation and audit."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.auth.access import AccessDenied, ObjectNotFound
from ebh.auth.models import User
from ebh.cases import service, workflow
from ebh.cases.models import (
    Case,
    CaseDocument,
    FamilyLink,
    Outcome,
    Person,
    PersonSearchToken,
    ResidencePeriod,
    StatusChange,
)
from ebh.cases.service import ConflictError, ValidationError
from ebh.extensions import db as _db
from tests import factories

TODAY = dt.date.today()


def _workday(offset: int) -> dt.date:
    """A Tuesday to Thursday that is no NRW holiday (the deadlines domain moves deadlines off weekends)."""
    import holidays

    day = TODAY + dt.timedelta(days=offset)
    closed = holidays.Germany(subdiv="NW", years=range(day.year, day.year + 2))
    while day.weekday() not in (1, 2, 3) or day in closed:
        day += dt.timedelta(days=1)
    return day


def _person(actor, **data):
    values = {"family_name": "Yılmaz", "given_names": "Ayşe", "date_of_birth": dt.date(1985, 3, 1)}
    values.update(data)
    person = service.create_person(actor, values)
    _db.session.commit()
    return person


def _family(actor):
    parent = _person(actor)
    child = _person(actor, given_names="Emre", date_of_birth=TODAY.replace(year=TODAY.year - 10))
    spouse = _person(actor, family_name="Yılmaz", given_names="Mehmet", date_of_birth=dt.date(1983, 1, 1))
    service.add_family_link(actor, parent.id, child.id, "child")
    service.add_family_link(actor, parent.id, spouse.id, "spouse")
    _db.session.commit()
    return parent, child, spouse


def _count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


# ---------------------------------------------------------------- workflow


def test_naturalization_workflow_allows_the_full_path(db, caseworker):
    person = _person(caseworker)
    case = service.create_case(caseworker, person.id, "stag_10", received_on=TODAY - dt.timedelta(days=100))
    for status in ("in_review", "documents_requested", "in_review", "security_checks", "ready_for_decision",
                   "granted", "certificate_handed_over"):
        service.change_status(caseworker, case.id, status)
    db.session.commit()
    assert case.status == "certificate_handed_over"
    assert case.outcome is Outcome.GRANTED and case.decided_on == TODAY
    history = [(s.from_status, s.to_status) for s in case.status_changes]
    assert history[0] == (None, "received") and history[-1] == ("granted", "certificate_handed_over")
    assert case.last_office_action_on == TODAY


def test_skipped_and_unknown_transitions_are_refused_and_change_nothing(db, caseworker):
    case = service.create_case(caseworker, _person(caseworker).id, "stag_10")
    db.session.commit()
    version = case.version
    with pytest.raises(ValidationError, match="nicht zulässig") as error:
        service.change_status(caseworker, case.id, "granted")
    assert error.value.field == "to_status"
    with pytest.raises(ValidationError, match="Unbekannter Status"):
        service.change_status(caseworker, case.id, "teleported")
    db.session.commit()
    db.session.expire_all()
    assert case.status == "received" and case.version == version
    assert _count(StatusChange) == 1


def test_terminal_states_cannot_be_left(db, caseworker):
    case = service.create_case(caseworker, _person(caseworker).id, "aufenthg_25b")
    service.change_status(caseworker, case.id, "withdrawn")
    assert case.outcome is Outcome.WITHDRAWN
    with pytest.raises(ValidationError, match="Endstatus"):
        service.change_status(caseworker, case.id, "in_review")


def test_refusal_needs_a_reason(db, caseworker):
    case = service.create_case(caseworker, _person(caseworker).id, "aufenthg_25b")
    service.change_status(caseworker, case.id, "in_review")
    with pytest.raises(ValidationError) as error:
        service.change_status(caseworker, case.id, "refused", reason="  ")
    assert error.value.field == "reason"
    service.change_status(caseworker, case.id, "refused", reason="Identität nicht geklärt")
    assert case.outcome is Outcome.REFUSED and case.outcome_reason == "Identität nicht geklärt"


def test_residence_has_no_suspension_but_naturalization_does():
    assert "suspended" not in workflow.RESIDENCE.transitions
    assert "suspended" in workflow.NATURALIZATION.transitions["in_review"]
    assert workflow.status_label("naturalization", "granted") == "bewilligt"
    assert workflow.status_label("aufenthg_25b", "granted") == "erteilt"


# ---------------------------------------------------------------- file numbers


def test_file_numbers_follow_the_office_pattern(db, office, caseworker):
    person = _person(caseworker)
    first = service.create_case(caseworker, person.id, "stag_10")
    second = service.create_case(caseworker, person.id, "stag_10")
    residence = service.create_case(caseworker, person.id, "aufenthg_25b")
    year = TODAY.year
    assert first.file_number == f"KOE-EB-{year}-00001"
    assert second.file_number == f"KOE-EB-{year}-00002"
    assert residence.file_number == f"KOE-AE-{year}-00001"


def test_file_numbers_skip_numbers_already_taken(db, office, caseworker):
    person = _person(caseworker)
    factories.case(person, file_number=f"KOE-EB-{TODAY.year}-00001")
    case = service.create_case(caseworker, person.id, "stag_10")
    assert case.file_number == f"KOE-EB-{TODAY.year}-00002"


def test_file_numbers_are_unique_under_concurrent_creators(app, db, office, caseworker):
    person = _person(caseworker)
    person_id, user_id = person.id, caseworker.id
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def creator() -> None:
        try:
            with app.app_context():
                actor = _db.session.get(User, user_id)
                start.wait()
                for _ in range(8):
                    service.create_case(actor, person_id, "stag_10")
                    _db.session.commit()
                _db.session.remove()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=creator) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    numbers = db.session.scalars(sa.select(Case.file_number)).all()
    assert len(numbers) == 16 and len(set(numbers)) == 16
    assert sorted(numbers)[-1].endswith("-00016")


# ---------------------------------------------------------------- co-applicants, documents, fees


def test_co_applicant_child_and_spouse_get_linked_cases_and_fees(db, caseworker):
    parent, child, spouse = _family(caseworker)
    main = service.create_case(caseworker, parent.id, "stag_10", co_applicant_ids=[child.id, spouse.id])
    db.session.commit()
    co = {c.person_id: c for c in main.co_cases}
    assert set(co) == {child.id, spouse.id}
    assert all(c.case_type.value == "stag_10_2" and c.main_case_id == main.id for c in co.values())
    assert [(f.legal_basis, f.amount_cents) for f in main.fees] == [("§ 38 Abs. 2 S. 1 StAG", 25500)]
    assert [(f.legal_basis, f.amount_cents) for f in co[child.id].fees] == [("§ 38 Abs. 2 S. 2 StAG", 5100)]
    assert co[spouse.id].fees[0].amount_cents == 25500
    child_docs = {d.document_type for d in co[child.id].documents}
    assert "parental_consent" in child_docs and "language_b1" not in child_docs
    assert "marriage_certificate" in {d.document_type for d in main.documents}


def test_child_with_own_income_pays_the_full_fee(db, caseworker):
    parent, child, _spouse = _family(caseworker)
    service.set_livelihood(caseworker, child.id, {"assessed_on": TODAY, "monthly_net_income_cents": 45000})
    main = service.create_case(caseworker, parent.id, "stag_10", co_applicant_ids=[child.id])
    assert main.co_cases[0].fees[0].amount_cents == 25500


def test_only_family_members_and_minor_children_can_be_co_applicants(db, caseworker):
    parent, child, _spouse = _family(caseworker)
    stranger = _person(caseworker, family_name="Fremd")
    with pytest.raises(ValidationError, match="verknüpft") as error:
        service.create_case(caseworker, parent.id, "stag_10", co_applicant_ids=[stranger.id])
    assert error.value.field == "co_applicants"
    adult = _person(caseworker, given_names="Can", date_of_birth=dt.date(2001, 1, 1))
    service.add_family_link(caseworker, parent.id, adult.id, "child")
    with pytest.raises(ValidationError, match="minderjährige"):
        service.create_case(caseworker, parent.id, "stag_10", co_applicant_ids=[adult.id])
    db.session.commit()
    assert _count(Case) == 0


def test_document_deadlines_drive_due_on(db, caseworker):
    case = service.create_case(caseworker, _person(caseworker).id, "stag_10", received_on=TODAY - dt.timedelta(days=30))
    passport, birth = case.documents[1], case.documents[2]
    later, earlier = _workday(28), _workday(14)
    service.request_document(caseworker, passport.id, later)
    service.request_document(caseworker, birth.id, earlier)
    assert case.due_on == earlier
    assert case.last_office_action_on == TODAY
    service.receive_document(caseworker, birth.id, issued_on=dt.date(1985, 3, 10), valid_until=None)
    assert case.due_on == later
    service.receive_document(caseworker, passport.id, valid_until=TODAY + dt.timedelta(days=900))
    # No document deadline is open any more; other domains' deadlines (e.g. a Wiedervorlage) may remain.
    assert case.due_on is None or case.due_on > later
    with pytest.raises(ValidationError, match="bereits vor"):
        service.request_document(caseworker, passport.id, TODAY + dt.timedelta(days=5))


def test_document_dates_are_checked(db, caseworker):
    case = service.create_case(caseworker, _person(caseworker).id, "stag_10", received_on=TODAY - dt.timedelta(days=3))
    doc = case.documents[0]
    with pytest.raises(ValidationError) as error:
        service.request_document(caseworker, doc.id, TODAY - dt.timedelta(days=1))
    assert error.value.field == "deadline"
    with pytest.raises(ValidationError) as error:
        service.receive_document(caseworker, doc.id, received_on=TODAY, issued_on=TODAY + dt.timedelta(days=1))
    assert error.value.field == "issued_on"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(CaseDocument, doc.id).deadline is None


def test_fee_reduction_waiver_and_payment(db, caseworker):
    case = service.create_case(caseworker, _person(caseworker).id, "stag_10")
    fee = case.fees[0]
    with pytest.raises(ValidationError) as error:
        service.reduce_fee(caseworker, fee.id, 10000, "")
    assert error.value.field == "reason"
    with pytest.raises(ValidationError):
        service.reduce_fee(caseworker, fee.id, 30000, "zu hoch")
    service.reduce_fee(caseworker, fee.id, 25500, "Bezug von Grundsicherung, Billigkeit")
    assert fee.payable_cents == 0 and fee.reduction_reason.startswith("§ 38 Abs. 4 StAG")
    service.pay_fee(caseworker, fee.id, TODAY)
    with pytest.raises(ValidationError):
        service.reduce_fee(caseworker, fee.id, 0, "")


def test_residence_fees_are_entered_by_hand_citing_aufenthv(db, caseworker):
    case = service.create_case(caseworker, _person(caseworker).id, "aufenthg_25b")
    assert case.fees == []
    with pytest.raises(ValidationError, match="AufenthV"):
        service.add_fee(caseworker, case.id, "Gebühr", 10000)
    fee = service.add_fee(caseworker, case.id, "§ 45 Nr. 1 AufenthV", 10000)
    assert fee.amount_cents == 10000
    natural = service.create_case(caseworker, case.person_id, "stag_10")
    with pytest.raises(ValidationError, match="automatisch"):
        service.add_fee(caseworker, natural.id, "§ 45 AufenthV", 100)


def test_security_checks_request_and_answer(db, caseworker):
    case = service.create_case(caseworker, _person(caseworker).id, "stag_10", received_on=TODAY - dt.timedelta(days=5))
    check = service.request_security_check(caseworker, case.id, "regelanfrage")
    with pytest.raises(ValidationError, match="bereits angefragt"):
        service.request_security_check(caseworker, case.id, "regelanfrage")
    with pytest.raises(ValidationError) as error:
        service.answer_security_check(caseworker, check.id, "maybe")
    assert error.value.field == "result"
    service.answer_security_check(caseworker, check.id, "no_findings", remark="keine")
    assert check.result == "no_findings" and check.answered_on == TODAY


# ---------------------------------------------------------------- persons and residence


def test_person_tokens_follow_name_and_alias_changes(db, caseworker):
    person = _person(caseworker, aliases=[("Jilmas", "Aische", "transliteration")])
    tokens = set(db.session.scalars(sa.select(PersonSearchToken.token).where(PersonSearchToken.person_id == person.id)))
    assert tokens == {"yilmaz", "ayse", "jilmas", "aische"}
    service.update_person(caseworker, person.id, {"family_name": "Çelik", "aliases": []}, version=person.version)
    db.session.commit()
    tokens = set(db.session.scalars(sa.select(PersonSearchToken.token).where(PersonSearchToken.person_id == person.id)))
    assert tokens == {"celik", "ayse"}


def test_optimistic_locking_refuses_a_stale_save(db, caseworker):
    person = _person(caseworker)
    stale = person.version
    service.update_person(caseworker, person.id, {"city": "Bonn"}, version=stale)
    db.session.commit()
    with pytest.raises(ConflictError, match="inzwischen von jemand anderem geändert"):
        service.update_person(caseworker, person.id, {"city": "Köln-Mülheim"}, version=stale)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Person, person.id).city == "Bonn"
    case = service.create_case(caseworker, person.id, "stag_10")
    db.session.commit()
    old = case.version
    service.change_status(caseworker, case.id, "in_review", version=old)
    with pytest.raises(ConflictError):
        service.change_status(caseworker, case.id, "withdrawn", version=old)


def test_bad_person_input_names_the_field_and_changes_nothing(db, caseworker):
    person = _person(caseworker)
    cases = [
        ({"family_name": ""}, "family_name"),
        ({"family_name": "x" * 201}, "family_name"),
        ({"date_of_birth": TODAY + dt.timedelta(days=1)}, "date_of_birth"),
        ({"date_of_birth": dt.date(1850, 1, 1)}, "date_of_birth"),
        ({"entry_date": dt.date(1980, 1, 1)}, "entry_date"),
        ({"nationalities": ["Türkei"]}, "nationalities"),
        ({"email": "kein-at"}, "email"),
        ({"city": "Köln\nBonn"}, "city"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as error:
            service.update_person(caseworker, person.id, data, version=person.version)
        assert error.value.field == field, data
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(Person, person.id)
    assert fresh.family_name == "Yılmaz" and fresh.version == person.version


def test_residence_periods_are_validated(db, caseworker):
    person = _person(caseworker)
    service.add_record(caseworker, person.id, "residence",
                       {"status": "duldung", "start": dt.date(2015, 1, 1), "end_date": dt.date(2018, 6, 30)})
    period = service.add_record(caseworker, person.id, "residence",
                                {"status": "residence_permit", "paragraph": "§ 25b AufenthG",
                                 "start": dt.date(2018, 7, 1)})
    bad = [
        ({"status": "duldung", "start": dt.date(2016, 1, 1), "end_date": dt.date(2016, 12, 31)}, "start"),
        ({"status": "duldung", "start": dt.date(1980, 1, 1), "end_date": dt.date(1981, 1, 1)}, "start"),
        ({"status": "duldung", "start": dt.date(2010, 1, 1), "end_date": dt.date(2009, 1, 1)}, "end_date"),
        ({"status": "wunder", "start": dt.date(2010, 1, 1)}, "status"),
        ({"status": "duldung", "start": dt.date(3000, 1, 1)}, "start"),
    ]
    for data, field in bad:
        with pytest.raises(ValidationError) as error:
            service.add_record(caseworker, person.id, "residence", data)
        assert error.value.field == field, data
    with pytest.raises(ValidationError, match="überschneidet"):
        service.update_record(caseworker, "residence", period.id, {"start": dt.date(2018, 6, 1)})
    service.update_record(caseworker, "residence", period.id, {"end_date": dt.date(2024, 6, 30)})
    db.session.commit()
    periods = db.session.scalars(sa.select(ResidencePeriod).order_by(ResidencePeriod.start)).all()
    assert [(p.start, p.end_date) for p in periods] == [
        (dt.date(2015, 1, 1), dt.date(2018, 6, 30)), (dt.date(2018, 7, 1), dt.date(2024, 6, 30))]
    service.delete_record(caseworker, "residence", periods[0].id)
    assert _count(ResidencePeriod) == 1


def test_family_links_are_reciprocal(db, caseworker):
    parent, child, spouse = _family(caseworker)
    links = {(link.person_id, link.relative_id, link.relation.value) for link in db.session.scalars(sa.select(FamilyLink))}
    assert (parent.id, child.id, "child") in links and (child.id, parent.id, "parent") in links
    assert (spouse.id, parent.id, "spouse") in links
    link = next(link for link in parent.family_links if link.relative_id == child.id)
    service.remove_family_link(caseworker, link.id)
    db.session.commit()
    assert _count(FamilyLink) == 2
    with pytest.raises(ValidationError, match="jünger"):
        service.add_family_link(caseworker, child.id, parent.id, "child")


def test_other_records_validate(db, caseworker):
    person = _person(caseworker)
    with pytest.raises(ValidationError, match="17"):
        service.add_record(caseworker, person.id, "civic_test", {"taken_on": dt.date(2020, 1, 1), "score": 12,
                                                                 "passed": True})
    with pytest.raises(ValidationError) as error:
        service.add_record(caseworker, person.id, "conviction", {"decided_on": dt.date(2020, 1, 1), "sanction": "fine"})
    assert error.value.field == "daily_rates"
    service.add_record(caseworker, person.id, "language", {"level": "B1", "issued_on": dt.date(2021, 3, 1)})
    service.add_record(caseworker, person.id, "school", {"start": dt.date(2000, 8, 1), "end_date": dt.date(2004, 7, 1)})
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(Person, person.id)
    assert [c.level for c in fresh.language_certificates] == ["B1"] and len(fresh.school_records) == 1


# ---------------------------------------------------------------- access and audit


def test_other_office_gets_not_found_everywhere(db, office, other_office, caseworker):
    stranger = factories.user(other_office, "fremd")
    person = _person(caseworker)
    case = service.create_case(caseworker, person.id, "stag_10")
    db.session.commit()
    calls = [
        lambda: service.get_person(stranger, person.id),
        lambda: service.get_case(stranger, case.id),
        lambda: service.update_person(stranger, person.id, {"city": "Bonn"}),
        lambda: service.change_status(stranger, case.id, "in_review"),
        lambda: service.request_document(stranger, case.documents[0].id, TODAY),
        lambda: service.pay_fee(stranger, case.fees[0].id),
        lambda: service.add_note(stranger, case.id, "x"),
        lambda: service.create_case(stranger, person.id, "stag_10"),
        lambda: service.timeline(stranger, case.id),
    ]
    for call in calls:
        with pytest.raises(ObjectNotFound):
            call()
    campaign = factories.user(office, "kampagne", role="campaign")
    with pytest.raises(AccessDenied):
        service.get_case(campaign, case.id)


def test_audit_events_for_writes_and_reads(db, caseworker):
    person = _person(caseworker)
    case = service.create_case(caseworker, person.id, "stag_10")
    service.change_status(caseworker, case.id, "in_review")
    service.get_case(caseworker, case.id)
    service.get_person(caseworker, person.id)
    service.add_note(caseworker, case.id, "Termin vereinbart")
    db.session.commit()
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [(e.action, e.entity) for e in events]
    assert ("create", "person") in actions and ("create", "case") in actions
    assert ("status", "case") in actions and ("read", "case") in actions and ("read", "person") in actions
    status_event = next(e for e in events if e.action == "status")
    assert status_event.changes["status"] == ["received", "in_review"]
    assert all("Yılmaz" not in e.summary and "Ayşe" not in e.summary for e in events)
    person_event = next(e for e in events if e.entity == "person" and e.action == "create")
    assert "Yılmaz" not in str(person_event.changes)
    line = service.timeline(caseworker, case.id)
    mine = [(e.action, e.entity) for e in line.events if e.entity in ("case", "note")]
    assert mine == [("create", "note"), ("status", "case"), ("create", "case")]  # newest first
    assert all(e.action != "read" for e in line.events)
    assert [s.to_status for s in line.status_changes] == ["in_review", "received"]

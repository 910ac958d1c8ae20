"""The bulk loader (SQL → columns) gives the same facts as the ORM adapter for the same persons."""
from __future__ import annotations

import datetime as dt

import numpy as np

from ebh.cases.models import (
    Case,
    CivicTest,
    Conviction,
    FamilyLink,
    LanguageCertificate,
    Livelihood,
    Nationality,
    Person,
    SchoolRecord,
    SecurityCheck,
)
from ebh.extensions import db as _db
from ebh.rules import bulk
from ebh.rules.facts import derive, derive_record, scalar_facts
from ebh.rules.record import parse_record, record_from_person
from tests import factories

AS_OF = dt.date(2026, 1, 15)
STATUSES = ["residence_permit", "settlement_permit", "duldung", "duldung_60b", "gestattung", "abroad", "fiktion"]
PARAGRAPHS = ["§ 18b AufenthG", "§ 25 Abs. 2 AufenthG", "§ 104c AufenthG", "", "§ 16b"]


def _random_register(office, rng: np.random.Generator, n: int) -> list[Person]:
    people = []
    for k in range(n):
        dob = dt.date(1960, 1, 1) + dt.timedelta(days=int(rng.integers(0, 20000)))
        flags = {name: (None if rng.random() < 0.2 else bool(rng.random() < 0.5)) for name in (
            "identity_clarified", "guest_worker", "illness_or_disability", "special_integration",
            "removal_prevented_by_own_deception", "integration_course_certificate")}
        person = factories.person(office, family_name=f"P{k}", date_of_birth=dob, **flags)
        start = max(dob + dt.timedelta(days=1), dt.date(2005, 1, 1)) + dt.timedelta(days=int(rng.integers(0, 2000)))
        for _ in range(int(rng.integers(0, 4))):
            length = int(rng.integers(20, 1500))
            end = start + dt.timedelta(days=length)
            open_end = rng.random() < 0.2
            factories.residence(person, str(rng.choice(STATUSES)), start, None if open_end else end,
                                paragraph=str(rng.choice(PARAGRAPHS)))
            if open_end:
                break
            start = end + dt.timedelta(days=int(rng.integers(1, 120)))
        if rng.random() < 0.7:
            _db.session.add(LanguageCertificate(person_id=person.id, level=str(rng.choice(["A2", "B1", "C1"])),
                                                issued_on=dob + dt.timedelta(days=6000), oral_only=bool(rng.random() < .3)))
        if rng.random() < 0.6:
            _db.session.add(CivicTest(person_id=person.id, kind=str(rng.choice(["einbuergerungstest", "leben_in_deutschland"])),
                                      taken_on=dob + dt.timedelta(days=6100), passed=bool(rng.random() < .8)))
        if rng.random() < 0.3:
            _db.session.add(Conviction(person_id=person.id, decided_on=dob + dt.timedelta(days=7000), sanction="fine",
                                       daily_rates=int(rng.integers(10, 100))))
        if rng.random() < 0.3:
            _db.session.add(SchoolRecord(person_id=person.id, start=dob + dt.timedelta(days=2500),
                                         end_date=dob + dt.timedelta(days=5000), kind="school"))
        if rng.random() < 0.8:
            _db.session.add(Livelihood(person_id=person.id, assessed_on=AS_OF,
                                       receives_sgb2_sgb12=None if rng.random() < .2 else bool(rng.random() < .3),
                                       full_time_employed=bool(rng.random() < .5),
                                       months_employed_last_24=int(rng.integers(0, 25))))
        if rng.random() < 0.5:
            _db.session.add(Nationality(person_id=person.id, country=str(rng.choice(["TUR", "ITA", "XXA"]))))
        people.append(person)
    _db.session.commit()
    for parent, child in zip(people[::3], people[1::3], strict=False):
        _db.session.add_all([FamilyLink(person_id=parent.id, relative_id=child.id, relation="child",
                                        same_household=True),
                             FamilyLink(person_id=child.id, relative_id=parent.id, relation="parent")])
    for a, b in zip(people[2::6], people[5::6], strict=False):
        _db.session.add_all([FamilyLink(person_id=a.id, relative_id=b.id, relation="spouse"),
                             FamilyLink(person_id=b.id, relative_id=a.id, relation="spouse")])
    _db.session.commit()
    for person in people[::2]:
        case = factories.case(person, "stag_10", received_on=dt.date(2025, 3, 1),
                              declaration_fdgo_on=dt.date(2025, 3, 1) if rng.random() < .5 else None)
        if rng.random() < 0.7:
            _db.session.add(SecurityCheck(case_id=case.id, kind="bzr", requested_on=case.received_on,
                                          result=str(rng.choice(["no_findings", "pending"]))))
            _db.session.add(SecurityCheck(case_id=case.id, kind="regelanfrage", requested_on=case.received_on,
                                          result=str(rng.choice(["no_findings", "findings", "pending"]))))
    _db.session.commit()
    return people


def test_bulk_persons_and_cases_equal_orm_records(db, office) -> None:
    rng = np.random.default_rng(5)
    _random_register(office, rng, 36)
    _db.session.expire_all()
    scope = bulk.Scope(1, 10**9, office.id)
    ids, batch = bulk.load_persons(_db.session, scope)
    derived = derive(batch, AS_OF)
    for i, person_id in enumerate(ids.tolist()):
        person = _db.session.get(Person, person_id)
        expected = derive_record(parse_record(record_from_person(person)), AS_OF)
        assert scalar_facts(derived, i) == expected, person_id
    chunk = bulk.attach_cases(_db.session, scope, ids, batch, Case.office_id == office.id)
    derived = derive(chunk.batch, AS_OF)
    assert len(chunk.ids) == 18
    for i, case_id in enumerate(chunk.ids.tolist()):
        case = _db.session.get(Case, case_id)
        expected = derive_record(parse_record(record_from_person(case.person, case)), AS_OF)
        assert scalar_facts(derived, i) == expected, case_id
        assert chunk.labels[i] == case.file_number


def test_iter_chunks_scopes_to_office_and_open_cases(db, office, other_office) -> None:
    theirs = factories.person(other_office, family_name="B")
    mine = factories.person(office, family_name="A")
    also_theirs = factories.person(other_office, family_name="C")
    factories.case(mine, "stag_10")
    factories.case(mine, "stag_10", status="withdrawn")
    factories.case(mine, "stag_8")
    factories.case(theirs, "stag_10")
    factories.case(also_theirs, "stag_10")
    chunks = list(bulk.iter_chunks(_db.session, office_id=office.id, cases=bulk.open_cases("stag_10", office.id),
                                   chunk=2))
    assert [p.ids.tolist() for p, _ in chunks] == [[mine.id]]
    assert [len(c.ids) for _, c in chunks] == [1]
    everyone = list(bulk.iter_chunks(_db.session, office_id=None, cases=bulk.open_cases("stag_10", None), chunk=2))
    assert sorted(i for p, _ in everyone for i in p.ids.tolist()) == sorted([mine.id, theirs.id, also_theirs.id])
    assert sum(len(c.ids) for _, c in everyone) == 3


def test_threaded_chunks_equal_orm_records(db, office) -> None:
    """Reader threads on their own connections, small chunks: every person and case as the per-case adapter."""
    _random_register(office, np.random.default_rng(11), 30)
    _db.session.expire_all()
    seen_persons, seen_cases = [], []
    for persons, cases in bulk.iter_chunks(_db.session, office_id=office.id, cases=Case.office_id == office.id,
                                           chunk=7, workers=2):
        derived = derive(persons.batch, AS_OF)
        for i, person_id in enumerate(persons.ids.tolist()):
            expected = derive_record(parse_record(record_from_person(_db.session.get(Person, person_id))), AS_OF)
            assert scalar_facts(derived, i) == expected, person_id
        derived = derive(cases.batch, AS_OF)
        for i, case_id in enumerate(cases.ids.tolist()):
            case = _db.session.get(Case, case_id)
            expected = derive_record(parse_record(record_from_person(case.person, case)), AS_OF)
            assert scalar_facts(derived, i) == expected, case_id
            assert cases.labels[i] == case.file_number
        seen_persons += persons.ids.tolist()
        seen_cases += cases.ids.tolist()
    assert len(seen_persons) == len(set(seen_persons)) == 30
    assert len(seen_cases) == 15

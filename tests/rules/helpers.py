"""Builders for rules tests: a person who meets § 10 StAG (Fassung 2025-10-30) and a case for them."""
from __future__ import annotations

import datetime as dt

from ebh.cases.models import CivicTest, LanguageCertificate, Livelihood, SecurityCheck
from ebh.extensions import db
from tests import factories

D = dt.date


def eligible_person(office, *, residence_start: dt.date = D(2018, 9, 1), **kwargs):
    facts = {"identity_clarified": True, "legally_incapacitated": False, "guest_worker": False,
             "illness_or_disability": False, "age_related_inability": False, "pending_investigation": False,
             "special_integration": False, **kwargs}
    person = factories.person(office, **facts)
    factories.residence(person, "settlement_permit", residence_start, paragraph="§ 18c AufenthG")
    db.session.add_all([
        LanguageCertificate(person_id=person.id, level="B1", issued_on=D(2020, 3, 10)),
        CivicTest(person_id=person.id, kind="einbuergerungstest", taken_on=D(2020, 4, 2), passed=True),
        Livelihood(person_id=person.id, assessed_on=D(2025, 1, 1), receives_sgb2_sgb12=False),
    ])
    db.session.commit()
    return person


def naturalization_case(person, **kwargs):
    case = factories.case(person, "stag_10", received_on=D(2025, 11, 3), declaration_fdgo_on=D(2025, 11, 3),
                          declaration_historic_responsibility_on=D(2025, 11, 3), **kwargs)
    db.session.add_all([
        SecurityCheck(case_id=case.id, kind="regelanfrage", requested_on=D(2025, 11, 3), answered_on=D(2025, 11, 20),
                      result="no_findings"),
        SecurityCheck(case_id=case.id, kind="bzr", requested_on=D(2025, 11, 3), answered_on=D(2025, 11, 20),
                      result="no_findings"),
    ])
    db.session.commit()
    return case

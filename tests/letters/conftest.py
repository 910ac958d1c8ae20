"""Fixtures of the letters tests: PDF off unless a test asks for LibreOffice, cases with documents."""
from __future__ import annotations

import datetime as dt

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _letters_config(app):
    """PDF conversion costs seconds; only the LibreOffice tests switch it on."""
    saved = {k: app.config[k] for k in ("LETTERS_PDF", "LETTERS_DIR", "LETTERS_POOL_SIZE")}
    app.config["LETTERS_PDF"] = "off"
    yield app
    app.config.update(saved)


@pytest.fixture
def letter_case(db, office):
    """A § 10 StAG case of a person whose name needs escaping, with two missing documents."""
    from ebh.cases.models import CaseDocument, Sex

    office.phone, office.email = "0221 221-0", "einbuergerung@koeln.example"
    person = factories.person(office, family_name='Öztürk & <Söhne> "Ali"', given_names="Zeynep",
                              preferred_language="tr", sex=Sex.FEMALE)
    case = factories.case(person, "stag_10", file_number="KOE-EB-2027-00042", received_on=dt.date(2027, 3, 1))
    db.session.add_all([
        CaseDocument(case_id=case.id, document_type="passport", required=True, remark="alle Seiten"),
        CaseDocument(case_id=case.id, document_type="birth_certificate", required=True),
        CaseDocument(case_id=case.id, document_type="application_form", required=True,
                     received_on=dt.date(2027, 3, 1)),
    ])
    db.session.commit()
    return case

"""Test data builders. They write rows directly (fast) and commit, so that requests see them;
the services under test are called by the tests themselves."""
from __future__ import annotations

import datetime as dt

from ebh.auth import passwords
from ebh.auth.models import Office, OfficeKind, Role, User
from ebh.extensions import db

PASSWORD = "richtig-langes-passwort-42"
_PASSWORD_HASH: str | None = None


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = passwords.hash_password(PASSWORD)
    return _PASSWORD_HASH


def office(code: str = "KOE", name: str = "Stadt Köln", kind: OfficeKind = OfficeKind.BOTH, **kwargs) -> Office:
    row = Office(code=code, name=name, kind=kind, bundesland=kwargs.pop("bundesland", "NW"),
                 city=kwargs.pop("city", "Köln"), street=kwargs.pop("street", "Willy-Brandt-Platz 3"),
                 postcode=kwargs.pop("postcode", "50679"), **kwargs)
    db.session.add(row)
    db.session.commit()
    return row


def user(office: Office, username: str, role: str = "caseworker", **kwargs) -> User:
    row = User(office_id=office.id, username=username, display_name=kwargs.pop("display_name", username.upper()),
               role=Role(role), password_hash=_password_hash(), **kwargs)
    db.session.add(row)
    db.session.commit()
    return row


def today() -> dt.date:
    return dt.date.today()


def person(office: Office, family_name: str = "Yılmaz", given_names: str = "Ayşe", **kwargs):
    """A person with search tokens; raw facts may be passed as keyword arguments."""
    from ebh.cases.models import Person, PersonSearchToken
    from ebh.cases.names import tokens

    row = Person(office_id=office.id, family_name=family_name, given_names=given_names,
                 date_of_birth=kwargs.pop("date_of_birth", dt.date(1990, 5, 17)),
                 street=kwargs.pop("street", "Venloer Str. 12"), postcode=kwargs.pop("postcode", "50672"),
                 city=kwargs.pop("city", "Köln"), preferred_language=kwargs.pop("preferred_language", "tr"),
                 **kwargs)
    db.session.add(row)
    db.session.flush()
    for token in tokens(row.family_name, row.given_names, row.birth_name):
        db.session.add(PersonSearchToken(person_id=row.id, office_id=office.id, token=token))
    db.session.commit()
    return row


def residence(person, status: str, start: dt.date, end: dt.date | None = None, paragraph: str = "", **kwargs):
    from ebh.cases.models import ResidencePeriod, ResidenceStatus

    row = ResidencePeriod(person_id=person.id, status=ResidenceStatus(status), start=start, end_date=end,
                          paragraph=paragraph, **kwargs)
    db.session.add(row)
    db.session.commit()
    return row


_SEQ = {"n": 0}


def case(person, case_type: str = "stag_10", status: str = "received", received_on: dt.date | None = None, **kwargs):
    """A case row written directly (the cases service numbers files itself; tests of that use the service)."""
    from ebh.cases.models import Case, CaseType

    _SEQ["n"] += 1
    kind = CaseType(case_type)
    row = Case(office_id=person.office_id, person_id=person.id,
               file_number=kwargs.pop("file_number", f"T-{_SEQ['n']:05d}"), case_type=kind, family=kind.family,
               status=status, received_on=received_on or dt.date(2026, 1, 15), **kwargs)
    db.session.add(row)
    db.session.commit()
    return row

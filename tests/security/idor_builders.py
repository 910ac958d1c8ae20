"""How the office-isolation (IDOR) test fills route parameters with real objects of one office.

Every route parameter that names an object (``<int:case_id>``, ``<int:document_id>`` ...) needs a
builder here: a function that creates a complete, valid object of the world's office and returns
it. Builders may ask the world for the objects they depend on (``world.obj("case_id")``), so a
document belongs to a case of the same office. Parameters that are not object ids (a kind, a year)
get a fixed value in :data:`VALUES`. The test fails loudly for any parameter found in neither, so a
new route cannot slip through unchecked: add a builder next to the others.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ebh.auth.models import Office, UserSession
from ebh.extensions import db
from tests import factories

Builder = Callable[["World"], Any]
BUILDERS: dict[str, Builder] = {}
#: Route parameters that are not object ids, with a value that makes the route do its work.
VALUES: dict[str, Any] = {}
#: Plausible form data per endpoint, for views that validate the form before loading the object:
#: with it the request reaches the service and its office check (without it, only the form errors).
FORM_DATA: dict[str, dict[str, str]] = {
    "deadlines.mark_done": {"reason": "erledigt"},
    "deadlines.snooze": {"until": "2099-01-01", "reason": "später"},
}
#: Routes that only work on objects of the logged-in user; the positive control cannot use a
#: builder's object for them (their own tests cover the positive case).
OWNER_ONLY: dict[str, str] = {
    "auth.end_own_session": "ends only the caller's own sessions (tests/auth/test_admin.py)",
}

_COUNTER = itertools.count(1)
TODAY = dt.date(2026, 3, 2)


class MissingBuilder(LookupError):
    pass


class World:
    """The objects of one office, created on demand (one per parameter name) and cached."""

    def __init__(self, office: Office, name: str) -> None:
        self.office = office
        self.name = name
        self._objects: dict[str, Any] = {}

    def obj(self, param: str) -> Any:
        if param not in self._objects:
            if param not in BUILDERS:
                raise MissingBuilder(param)
            row = BUILDERS[param](self)
            db.session.add(row)
            db.session.commit()
            self._objects[param] = row
        return self._objects[param]

    def id(self, param: str) -> int:
        return self.obj(param).id

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{self.name}-{next(_COUNTER)}"


def builds(*params: str) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        for param in params:
            BUILDERS[param] = fn
        return fn

    return register


# --- auth ------------------------------------------------------------------------------------------


@builds("user_id")
def _user(w: World):
    return factories.user(w.office, w.unique("u"))


@builds("session_id")
def _session(w: World):
    return UserSession(token_hash=secrets.token_hex(32), user_id=w.id("user_id"), ip="192.0.2.1")


# --- cases -----------------------------------------------------------------------------------------


@builds("person_id")
def _person(w: World):
    return factories.person(w.office, family_name=w.unique("Person"), given_names="Ayşe")


@builds("relative_id")
def _relative(w: World):
    return factories.person(w.office, family_name=w.unique("Verwandt"), given_names="Emre",
                            date_of_birth=dt.date(2015, 1, 1))


@builds("case_id")
def _case(w: World):
    return factories.case(w.obj("person_id"), received_on=dt.date(2026, 1, 15))


@builds("document_id")
def _document(w: World):
    from ebh.cases.models import CaseDocument

    return CaseDocument(case_id=w.id("case_id"), document_type="passport", requested_on=TODAY,
                        deadline=TODAY + dt.timedelta(days=30))


@builds("fee_id")
def _fee(w: World):
    from ebh.cases.models import Fee

    return Fee(case_id=w.id("case_id"), legal_basis="§ 38 Abs. 2 S. 1 StAG", amount_cents=25500, due_on=TODAY)


@builds("check_id")
def _security_check(w: World):
    from ebh.cases.models import SecurityCheck

    return SecurityCheck(case_id=w.id("case_id"), kind="bzr", requested_on=TODAY)


@builds("note_id")
def _note(w: World):
    from ebh.cases.models import Note

    return Note(case_id=w.id("case_id"), author_id=w.id("user_id"), text="Vermerk")


@builds("link_id")
def _family_link(w: World):
    from ebh.cases.models import FamilyLink, Relation

    person, relative = w.obj("person_id"), w.obj("relative_id")
    db.session.add(FamilyLink(person_id=relative.id, relative_id=person.id, relation=Relation.PARENT))
    return FamilyLink(person_id=person.id, relative_id=relative.id, relation=Relation.CHILD)


@builds("period_id")
def _residence_period(w: World):
    from ebh.cases.models import ResidencePeriod, ResidenceStatus

    return ResidencePeriod(person_id=w.id("person_id"), status=ResidenceStatus.RESIDENCE_PERMIT,
                           paragraph="§ 25 Abs. 2 AufenthG", start=dt.date(2018, 1, 1))


@builds("certificate_id")
def _language_certificate(w: World):
    from ebh.cases.models import LanguageCertificate

    return LanguageCertificate(person_id=w.id("person_id"), level="B1", issued_on=dt.date(2022, 5, 1))


@builds("test_id")
def _civic_test(w: World):
    from ebh.cases.models import CivicTest

    return CivicTest(person_id=w.id("person_id"), taken_on=dt.date(2022, 6, 1), passed=True, score=25)


@builds("conviction_id")
def _conviction(w: World):
    from ebh.cases.models import Conviction

    return Conviction(person_id=w.id("person_id"), decided_on=dt.date(2020, 3, 1), sanction="fine", daily_rates=30)


@builds("school_record_id")
def _school_record(w: World):
    from ebh.cases.models import SchoolRecord

    return SchoolRecord(person_id=w.id("person_id"), start=dt.date(2015, 8, 1), end_date=dt.date(2019, 7, 1))


# --- deadlines -------------------------------------------------------------------------------------


@builds("deadline_id")
def _deadline(w: World):
    from ebh.deadlines.models import Deadline, DeadlineKind

    return Deadline(office_id=w.office.id, case_id=w.id("case_id"), kind=DeadlineKind.WIEDERVORLAGE,
                    source_key=w.unique("idor"), due_on=TODAY + dt.timedelta(days=7), label="Wiedervorlage",
                    user_id=w.id("user_id"))


@builds("reminder_id")
def _reminder(w: World):
    from ebh.deadlines.models import Reminder, ReminderStatus

    now = dt.datetime(2026, 3, 2, 7, tzinfo=dt.UTC)
    key = w.unique("reminder")
    return Reminder(office_id=w.office.id, deadline_id=w.id("deadline_id"), kind="due", recipient_id=w.id("user_id"),
                    due_at=now, next_attempt_at=now, status=ReminderStatus.FAILED, attempts=8,
                    idempotency_key=key, message_id=f"<{key}@ebh.test>")


@builds("closing_day_id")
def _closing_day(w: World):
    from ebh.deadlines.models import OfficeClosingDay

    return OfficeClosingDay(office_id=w.office.id, day=dt.date(2026, 1, 1) + dt.timedelta(days=next(_COUNTER)),
                            reason="Betriebsruhe")


# --- letters ---------------------------------------------------------------------------------------


def _data_file(w: World, suffix: str, content: bytes) -> tuple[str, str]:
    """Write a file below DATA_DIR; returns (relative path, sha256)."""
    from flask import current_app

    relative = Path("idor") / f"{w.unique('file')}{suffix}"
    path = Path(current_app.config["DATA_DIR"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return str(relative), hashlib.sha256(content).hexdigest()


@builds("letter_id")
def _letter(w: World):
    from ebh.letters.models import Letter

    content = b"PK synthetic letter of office " + w.name.encode()
    relative, sha = _data_file(w, ".docx", content)
    case = w.obj("case_id")
    return Letter(office_id=w.office.id, person_id=case.person_id, case_id=case.id, template_id="idor",
                  template_version="1", language="de", data_hash="0" * 64, file_path=relative, file_sha256=sha,
                  file_size=len(content), created_by_id=w.id("user_id"))


@builds("batch_id")
def _letter_batch(w: World):
    from ebh.letters.models import BatchStatus, LetterBatch

    manifest, _sha = _data_file(w, ".csv", b"person_id;status\n")
    return LetterBatch(office_id=w.office.id, template_id="idor", template_versions={"de": "1"}, letter_date=TODAY,
                       source="cases", status=BatchStatus.DONE, total=0, created_by_id=w.id("user_id"),
                       manifest_path=manifest)


VALUES["kind"] = "manifest"  # letters.batch_download: which output of the batch


# --- rules -----------------------------------------------------------------------------------------


@builds("evaluation_id")
def _evaluation(w: World):
    from ebh.rules.models import Evaluation

    case = w.obj("case_id")
    return Evaluation(office_id=w.office.id, case_id=case.id, person_id=case.person_id, actor_id=w.id("user_id"),
                      trigger="manual", as_of=TODAY, basis=case.case_type.value, version="2024-06-27",
                      valid_from=dt.date(2024, 6, 27), file_sha256="0" * 64, outcome="undetermined",
                      facts={}, result={})

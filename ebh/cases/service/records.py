"""A person's fact records (residence periods, language certificates, civic tests, convictions, school
records) and the livelihood assessment."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ebh.audit.service import changes_of
from ebh.auth.models import User
from ebh.cases.models import (
    CivicTest,
    Conviction,
    LanguageCertificate,
    Livelihood,
    Person,
    ResidencePeriod,
    ResidenceStatus,
    SchoolRecord,
)
from ebh.cases.service.common import (
    MIN_CASE_DATE,
    _birth_bound,
    _flush,
    _fmt,
    _person,
    _person_changed,
    _person_child,
    _person_event,
    _writes,
    require_case_role,
    today,
)
from ebh.extensions import db
from ebh.kit.errors import UserError
from ebh.kit.validation import read_bool, read_choice, read_date, read_int, read_text, years_ahead


@dataclasses.dataclass(frozen=True)
class RecordKind:
    """A kind of fact record of a person: its model, audit entity, German label and validator."""

    key: str
    model: type
    entity: str
    label: str
    #: ``validate(person, data, row_or_None) -> values`` raises :class:`UserError`.
    validate: Callable[[Person, Mapping[str, Any], Any], dict[str, Any]]


def _validate_residence(person: Person, data: Mapping[str, Any], row: ResidencePeriod | None) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    values: dict[str, Any] = {
        "status": ResidenceStatus(read_choice(data, "status", _l("Aufenthaltsstatus"), [s.value for s in ResidenceStatus],
                                          current=row.status.value if row else None)),
        "paragraph": read_text(data, "paragraph", _l("Rechtsgrundlage"), 60, current=row.paragraph if row else ""),
        "document_number": read_text(data, "document_number", _l("Dokumentennummer"), 40,
                                 current=row.document_number if row else ""),
    }
    values["start"] = read_date(data, "start", _l("Beginn"), required=True, earliest=birth, earliest_label=birth_label,
                            latest=years_ahead(1, today()), current=row.start if row else None)
    values["end_date"] = read_date(data, "end_date", _l("Ende"), earliest=values["start"], earliest_label=_("dem Beginn"),
                               latest=years_ahead(20, today()), current=row.end_date if row else None)
    values["valid_until"] = read_date(data, "valid_until", _l("Gültig bis"), earliest=values["start"],
                                  earliest_label=_("dem Beginn"), latest=years_ahead(20, today()),
                                  current=row.valid_until if row else None)
    start, end = values["start"], values["end_date"] or dt.date.max
    for other in person.residence_periods:
        if row is not None and other.id == row.id:
            continue
        other_end = other.end_date or dt.date.max
        if start <= other_end and other.start <= end:
            raise UserError(
                _("Der Zeitraum überschneidet sich mit dem Aufenthalt vom %(start)s bis %(end)s. "
                  "Bitte zuerst jenen Zeitraum beenden oder korrigieren.",
                  start=_fmt(other.start), end=_fmt(other.end_date)),
                "start",
            )
    return values


def _validate_language(person: Person, data: Mapping[str, Any], row: Any) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    return {
        "level": read_choice(data, "level", _l("Niveau"), ["A1", "A2", "B1", "B2", "C1", "C2"],
                         current=row.level if row else None),
        "issued_on": read_date(data, "issued_on", _l("Ausstellungsdatum"), required=True, earliest=birth,
                           earliest_label=birth_label, latest=today(), latest_label=_("heute"),
                           current=row.issued_on if row else None),
        "kind": read_text(data, "kind", _l("Art des Nachweises"), 60, current=row.kind if row else ""),
        "oral_only": read_bool(data, "oral_only", row.oral_only if row else False),
    }


def _validate_civic_test(person: Person, data: Mapping[str, Any], row: Any) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    values = {
        "kind": read_choice(data, "kind", _l("Art des Tests"), ["einbuergerungstest", "leben_in_deutschland", "school_degree", "abh_interview"],
                        current=row.kind if row else "einbuergerungstest"),
        "taken_on": read_date(data, "taken_on", _l("Testdatum"), required=True, earliest=birth, earliest_label=birth_label,
                          latest=today(), latest_label=_("heute"), current=row.taken_on if row else None),
        "passed": read_bool(data, "passed", row.passed if row else True),
        "score": read_int(data, "score", _l("Punktzahl"), 0, 33, current=row.score if row else None),
    }
    if values["kind"] in {"einbuergerungstest", "leben_in_deutschland"} and values["score"] is not None and values["score"] < 17 and values["passed"]:
        raise UserError(_("Mit weniger als 17 richtigen Antworten ist der Test nicht bestanden."), "score")
    return values


CONVICTION_SANCTIONS = ("fine", "prison", "youth_measure", "youth_sentence", "measure")


def _validate_conviction(person: Person, data: Mapping[str, Any], row: Any) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    values = {
        "decided_on": read_date(data, "decided_on", _l("Datum der Entscheidung"), required=True, earliest=birth,
                            earliest_label=birth_label, latest=today(), latest_label=_("heute"),
                            current=row.decided_on if row else None),
        "sanction": read_choice(data, "sanction", _l("Sanktion"), CONVICTION_SANCTIONS, current=row.sanction if row else None),
        # § 40 Abs. 1, § 54 Abs. 2 StGB: at most 360 daily rates, 720 as a combined sentence.
        "daily_rates": read_int(data, "daily_rates", _l("Tagessätze"), 1, 720, current=row.daily_rates if row else None),
        "months": read_int(data, "months", _l("Monate"), 1, 180, current=row.months if row else None),
    }
    for key in ("suspended", "remitted", "inhuman_motive", "intentional", "foreigner_only_offence", "in_germany"):
        values[key] = read_bool(data, key, getattr(row, key) if row else key in ("intentional", "in_germany"))
    if values["sanction"] == "fine" and values["daily_rates"] is None:
        raise UserError(_("Bei einer Geldstrafe bitte die Zahl der Tagessätze angeben."), "daily_rates")
    if values["sanction"] in ("prison", "youth_sentence") and values["months"] is None:
        raise UserError(_("Bei einer Freiheits- oder Jugendstrafe bitte die Dauer in Monaten angeben."), "months")
    return values


def _validate_school(person: Person, data: Mapping[str, Any], row: Any) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    start = read_date(data, "start", _l("Beginn"), required=True, earliest=birth, earliest_label=birth_label,
                  latest=today(), latest_label=_("heute"), current=row.start if row else None)
    return {
        "start": start,
        "end_date": read_date(data, "end_date", _l("Ende"), earliest=start, earliest_label=_("dem Beginn"),
                          latest=years_ahead(10, today()), current=row.end_date if row else None),
        "kind": read_choice(data, "kind", _l("Art"), ["school", "vocational_training", "university", "qualification"],
                        current=row.kind if row else "school"),
        "successful": read_bool(data, "successful", row.successful if row else True),
    }


RECORD_KINDS: dict[str, RecordKind] = {
    k.key: k
    for k in (
        RecordKind("residence", ResidencePeriod, "residence_period", "Aufenthaltszeit", _validate_residence),
        RecordKind("language", LanguageCertificate, "language_certificate", "Sprachnachweis", _validate_language),
        RecordKind("civic_test", CivicTest, "civic_test", "Einbürgerungstest", _validate_civic_test),
        RecordKind("conviction", Conviction, "conviction", "Verurteilung", _validate_conviction),
        RecordKind("school", SchoolRecord, "school_record", "Schul- oder Ausbildungszeit", _validate_school),
    )
}


@_writes
def add_record(actor: User, person_id: int, kind: str, data: Mapping[str, Any]) -> Any:
    """Add a fact record of ``kind`` (see :data:`RECORD_KINDS`) to a person."""
    require_case_role(actor)
    spec = RECORD_KINDS[kind]
    person = _person(actor, person_id)
    values = spec.validate(person, data, None)
    row = spec.model(person_id=person.id, **values)
    db.session.add(row)
    changes = changes_of(row)
    _flush(_("Die Person"))
    db.session.expire(person)
    _person_event(actor, "create", spec.entity, row.id, person, f"{spec.label} {row.id} für Person {person.id} angelegt",
                  changes)
    _person_changed(actor, person)
    return row


@_writes
def update_record(actor: User, kind: str, record_id: int, data: Mapping[str, Any]) -> Any:
    require_case_role(actor)
    spec = RECORD_KINDS[kind]
    row = _person_child(actor, spec.model, record_id, spec.label)
    person = db.session.get(Person, row.person_id)
    values = spec.validate(person, data, row)
    for key, value in values.items():
        setattr(row, key, value)
    changes = changes_of(row)
    _flush(_("Die Person"))
    if changes:
        _person_event(actor, "update", spec.entity, row.id, person,
                      f"{spec.label} {row.id} für Person {person.id} geändert", changes)
        _person_changed(actor, person)
    return row


@_writes
def delete_record(actor: User, kind: str, record_id: int) -> None:
    require_case_role(actor)
    spec = RECORD_KINDS[kind]
    row = _person_child(actor, spec.model, record_id, spec.label)
    person = db.session.get(Person, row.person_id)
    db.session.delete(row)
    _flush(_("Die Person"))
    db.session.expire(person)
    _person_event(actor, "delete", spec.entity, record_id, person,
                  f"{spec.label} {record_id} für Person {person.id} gelöscht")
    _person_changed(actor, person)


def get_record(actor: User, kind: str, record_id: int) -> Any:
    """Load a fact record for an edit form (office-checked)."""
    require_case_role(actor)
    spec = RECORD_KINDS[kind]
    return _person_child(actor, spec.model, record_id, spec.label)


@_writes
def set_livelihood(actor: User, person_id: int, data: Mapping[str, Any]) -> Livelihood:
    """Create or replace the livelihood assessment of a person."""
    require_case_role(actor)
    person = _person(actor, person_id)
    row = person.livelihood
    values: dict[str, Any] = {
        "assessed_on": read_date(data, "assessed_on", _l("Stand vom"), required=True, earliest=MIN_CASE_DATE, latest=today(),
                             latest_label=_("heute"), current=row.assessed_on if row else None),
        "months_employed_last_24": read_int(data, "months_employed_last_24", _l("Monate Vollzeit in den letzten 24 Monaten"),
                                        0, 24, current=row.months_employed_last_24 if row else None),
        "monthly_net_income_cents": read_int(data, "monthly_net_income_cents", _l("Monatliches Nettoeinkommen"), 0,
                                         100_000_000, current=row.monthly_net_income_cents if row else None),
    }
    for key in ("receives_sgb2_sgb12", "responsible_for_benefits", "full_time_employed", "secured_by_employment",
                "self_supporting", "in_education"):
        values[key] = read_bool(data, key, getattr(row, key) if row else None, tristate=True)
    if row is None:
        row = Livelihood(person_id=person.id)
        db.session.add(row)
        action = "create"
    else:
        action = "update"
    for key, value in values.items():
        setattr(row, key, value)
    changes = changes_of(row)
    _flush(_("Die Person"))
    db.session.expire(person, ["livelihood"])
    _person_event(actor, action, "livelihood", row.id, person, f"Lebensunterhalt für Person {person.id} erfasst",
                  changes)
    _person_changed(actor, person)
    return row

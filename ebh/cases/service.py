"""The only writers of persons, cases and their details.

Every function takes the acting user first, checks role (:data:`CASE_ROLES`) and office (objects of
another office are 404), validates *before* changing anything (bad input raises
:class:`ValidationError` naming the field and leaves the session untouched), flushes, writes audit
events (German summaries with ids and file numbers only) and sends ``case_changed``/``person_changed``.
Nothing here commits: the request, CLI command or job does.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from ebh.audit.models import AuditEvent
from ebh.audit.service import changes_of, record
from ebh.auth.access import CASE_ROLES, ObjectNotFound, require_role, require_same_office
from ebh.auth.models import Office, User
from ebh.cases import catalog, workflow
from ebh.cases.models import (
    Case,
    CaseDocument,
    CaseFamily,
    CaseType,
    CivicTest,
    Conviction,
    FamilyLink,
    Fee,
    FileNumberCounter,
    LanguageCertificate,
    Livelihood,
    Nationality,
    Note,
    Person,
    PersonAlias,
    PersonSearchToken,
    Relation,
    RECIPROCAL_RELATION,
    ResidencePeriod,
    ResidenceStatus,
    SchoolRecord,
    SecurityCheck,
    Sex,
    StatusChange,
)
from ebh.cases.names import tokens as name_tokens
from ebh.cases.search import sort_name
from ebh.cases.signals import case_changed, person_changed
from ebh.db import is_postgresql
from ebh.extensions import db


class ValidationError(ValueError):
    """Bad input; ``field`` names the form field the German ``message`` belongs to (None: whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(ValidationError):
    """The row was changed by someone else since the form was loaded (optimistic locking)."""


#: Earliest plausible date anywhere (birth, entry, certificates).
MIN_DATE = dt.date(1900, 1, 1)
#: Earliest plausible date of a case receipt.
MIN_CASE_DATE = dt.date(1990, 1, 1)
MAX_NOTE_LENGTH = 5000
MAX_REASON_LENGTH = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINE = re.compile(r"[\r\n]")


def today() -> dt.date:
    return dt.date.today()


# --------------------------------------------------------------------------- access and helpers


def require_case_role(actor: User) -> User:
    """The actor may work on individual cases (caseworker, supervisor, admin); 403 otherwise."""
    return require_role(actor, *CASE_ROLES)


_actor = require_case_role


def _person(actor: User, person_id: int) -> Person:
    return require_same_office(actor, db.session.get(Person, person_id), "Person")


def _case(actor: User, case_id: int) -> Case:
    return require_same_office(actor, db.session.get(Case, case_id), "Fall")


def _case_child(actor: User, model: type, row_id: int, entity: str) -> Any:
    row = db.session.get(model, row_id)
    require_same_office(actor, row.case if row is not None else None, entity)
    return row


def _person_child(actor: User, model: type, row_id: int, entity: str) -> Any:
    row = db.session.get(model, row_id)
    owner = db.session.get(Person, row.person_id) if row is not None else None
    require_same_office(actor, owner, entity)
    return row


def _writes(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a service without autoflush: a lazy load in the middle of a change must not flush half of it
    (that would also hide the change from :func:`changes_of` and the audit log). Services flush explicitly."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with db.session.no_autoflush:
            return func(*args, **kwargs)

    return wrapper


def _check_version(obj: Any, version: int | str | None, what: str) -> None:
    if version in (None, ""):
        return
    try:
        expected = int(version)
    except (TypeError, ValueError):
        raise ValidationError(_("Ungültige Versionsangabe."), "version") from None
    if expected != obj.version:
        raise ConflictError(_conflict_message(what))


def _conflict_message(what: str) -> str:
    return _(
        "%(what)s wurde inzwischen von jemand anderem geändert. Ihre Änderungen wurden nicht gespeichert. "
        "Bitte laden Sie die Seite neu und tragen Sie Ihre Änderungen erneut ein.",
        what=what,
    )


def _flush(what: str) -> None:
    """Flush; a concurrent change between load and save (stale version) becomes a :class:`ConflictError`."""
    try:
        db.session.flush()
    except StaleDataError:
        raise ConflictError(_conflict_message(what)) from None


def _text(data: Mapping[str, Any], key: str, label: str, max_len: int, *, required: bool = False,
          multiline: bool = False, current: str = "") -> str:
    """Read a string field: stripped, bounded, without control characters."""
    value = data.get(key, current)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise ValidationError(_("Bitte %(label)s angeben.", label=label), key)
    if len(value) > max_len:
        raise ValidationError(
            _("%(label)s darf höchstens %(n)s Zeichen lang sein.", label=label, n=max_len), key
        )
    if _CONTROL.search(value) or (not multiline and _NEWLINE.search(value)):
        raise ValidationError(_("%(label)s enthält unzulässige Steuerzeichen.", label=label), key)
    return value


def _date(data: Mapping[str, Any], key: str, label: str, *, required: bool = False,
          earliest: dt.date | None = MIN_DATE, earliest_label: str | None = None,
          latest: dt.date | None = None, latest_label: str | None = None,
          current: dt.date | None = None) -> dt.date | None:
    """Read a date field and check it lies within [earliest, latest]."""
    value = data.get(key, current)
    if value in (None, ""):
        if required:
            raise ValidationError(_("Bitte %(label)s angeben.", label=label), key)
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(_("%(label)s ist kein gültiges Datum.", label=label), key)
    if earliest is not None and value < earliest:
        bound = earliest_label or earliest.strftime("%d.%m.%Y")
        raise ValidationError(_("%(label)s darf nicht vor %(bound)s liegen.", label=label, bound=bound), key)
    if latest is not None and value > latest:
        bound = latest_label or latest.strftime("%d.%m.%Y")
        raise ValidationError(_("%(label)s darf nicht nach %(bound)s liegen.", label=label, bound=bound), key)
    return value


def _int(data: Mapping[str, Any], key: str, label: str, low: int, high: int, *, required: bool = False,
         current: int | None = None) -> int | None:
    value = data.get(key, current)
    if value in (None, ""):
        if required:
            raise ValidationError(_("Bitte %(label)s angeben.", label=label), key)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            raise ValidationError(_("%(label)s muss eine ganze Zahl sein.", label=label), key) from None
    if not low <= value <= high:
        raise ValidationError(
            _("%(label)s muss zwischen %(low)s und %(high)s liegen.", label=label, low=low, high=high), key
        )
    return value


def _bool(data: Mapping[str, Any], key: str, current: bool | None = None, *, tristate: bool = False) -> bool | None:
    value = data.get(key, current)
    if value is None:
        return None if tristate else False
    return bool(value)


def _choice(data: Mapping[str, Any], key: str, label: str, choices: Iterable[str], *, current: str | None = None,
            required: bool = True) -> str | None:
    value = data.get(key, current)
    value = getattr(value, "value", value)
    if value in (None, "") and not required:
        return None
    if value not in set(choices):
        raise ValidationError(_("Bitte einen gültigen Wert für %(label)s wählen.", label=label), key)
    return value


def _birth_bound(person: Person) -> tuple[dt.date, str | None]:
    if person.date_of_birth:
        return person.date_of_birth, _("dem Geburtsdatum")
    return MIN_DATE, None


def _years_ahead(years: int) -> dt.date:
    t = today()
    return t.replace(year=t.year + years) if not (t.month == 2 and t.day == 29) else dt.date(t.year + years, 2, 28)


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "offen"


def _person_event(actor: User, action: str, entity: str, entity_id: int | None, person: Person, summary: str,
                  changes: dict[str, Any] | None = None) -> None:
    record(actor, action, entity, entity_id, person_id=person.id, summary=summary, changes=changes)


def _case_event(actor: User, action: str, entity: str, entity_id: int | None, case: Case, summary: str,
                changes: dict[str, Any] | None = None) -> None:
    record(actor, action, entity, entity_id, case_id=case.id, person_id=case.person_id, summary=summary,
           changes=changes)


def _person_changed(actor: User, person: Person) -> None:
    person_changed.send(person, actor=actor)


def _case_changed(actor: User, case: Case) -> None:
    case_changed.send(case, actor=actor)


# --------------------------------------------------------------------------- persons

PERSON_TEXT_FIELDS: dict[str, tuple[Any, int]] = {
    "family_name": (_l("Familienname"), 200),
    "given_names": (_l("Vornamen"), 200),
    "birth_name": (_l("Geburtsname"), 200),
    "native_name": (_l("Name in Originalschrift"), 200),
    "place_of_birth": (_l("Geburtsort"), 200),
    "marital_status": (_l("Familienstand"), 20),
    "street": (_l("Straße und Hausnummer"), 200),
    "postcode": (_l("Postleitzahl"), 10),
    "city": (_l("Ort"), 100),
    "district": (_l("Stadtteil"), 100),
    "email": (_l("E-Mail-Adresse"), 200),
    "phone": (_l("Telefon"), 50),
}
#: Raw facts for the rules (tri-state: None = unknown).
PERSON_FACTS = (
    "identity_clarified", "legally_incapacitated", "guest_worker", "illness_or_disability",
    "age_related_inability", "pending_investigation", "removal_prevented_by_own_deception", "has_own_dwelling",
    "special_integration", "integration_course_certificate", "oral_everyday_german", "previous_nationality_renounced",
)
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ALIASES = 20
MAX_NATIONALITIES = 5


def _person_values(data: Mapping[str, Any], person: Person | None) -> dict[str, Any]:
    """Validate all person fields; returns the values to assign (nothing is changed here)."""
    values: dict[str, Any] = {}
    for key, (label, max_len) in PERSON_TEXT_FIELDS.items():
        values[key] = _text(data, key, label, max_len, required=key == "family_name",
                            current=getattr(person, key, "") if person else "")
    if values["email"] and not _EMAIL.match(values["email"]):
        raise ValidationError(_("Bitte eine gültige E-Mail-Adresse angeben."), "email")
    values["date_of_birth"] = _date(data, "date_of_birth", _l("Geburtsdatum"), latest=today(),
                                    latest_label=_("heute"), current=person.date_of_birth if person else None)
    dob = values["date_of_birth"] or MIN_DATE
    dob_label = _("dem Geburtsdatum") if values["date_of_birth"] else None
    values["entry_date"] = _date(data, "entry_date", _l("Einreisedatum"), earliest=dob, earliest_label=dob_label,
                                 latest=today(), latest_label=_("heute"),
                                 current=person.entry_date if person else None)
    values["married_to_german_since"] = _date(
        data, "married_to_german_since", "Verheiratet mit Deutscher/Deutschem seit", earliest=dob,
        earliest_label=dob_label, latest=today(), latest_label=_("heute"),
        current=person.married_to_german_since if person else None,
    )
    country = _text(data, "country_of_birth", _l("Geburtsland"), 3, current=person.country_of_birth if person else "")
    if country and not _COUNTRY.match(country.upper()):
        raise ValidationError(_("Geburtsland bitte als dreistelligen ISO-Code angeben (z. B. TUR)."),
                              "country_of_birth")
    values["country_of_birth"] = country.upper()
    language = _text(data, "preferred_language", _l("Bevorzugte Sprache"), 5,
                     current=person.preferred_language if person else "de") or "de"
    if not _LANGUAGE.match(language.lower()):
        raise ValidationError(_("Sprache bitte als ISO-639-Code angeben (z. B. de, tr, ar)."), "preferred_language")
    values["preferred_language"] = language.lower()
    values["sex"] = Sex(_choice(data, "sex", _l("Geschlecht"), [s.value for s in Sex],
                                current=(person.sex.value if person else Sex.UNKNOWN.value)))
    for key in PERSON_FACTS:
        values[key] = _bool(data, key, getattr(person, key) if person else None, tristate=True)
    return values


def _aliases(data: Mapping[str, Any]) -> list[tuple[str, str, str]] | None:
    """``aliases``: iterable of (family_name, given_names, kind); None = leave unchanged."""
    if "aliases" not in data or data["aliases"] is None:
        return None
    result = []
    for row in data["aliases"]:
        family, given, kind = (list(row) + ["", "", "spelling"])[:3]
        entry = {"family": family, "given": given}
        family = _text(entry, "family", "Familienname der Namensvariante", 200)
        given = _text(entry, "given", "Vornamen der Namensvariante", 200)
        if not family and not given:
            continue
        if not family:
            raise ValidationError(_("Jede Namensvariante braucht einen Familiennamen."), "aliases")
        if kind not in ("spelling", "transliteration", "former_name"):
            kind = "spelling"
        result.append((family, given, kind))
    if len(result) > MAX_ALIASES:
        raise ValidationError(_("Höchstens %(n)s Namensvarianten.", n=MAX_ALIASES), "aliases")
    return result


def _nationalities(data: Mapping[str, Any]) -> list[str] | None:
    if "nationalities" not in data or data["nationalities"] is None:
        return None
    codes: list[str] = []
    for raw in data["nationalities"]:
        code = str(raw).strip().upper()
        if not code:
            continue
        if not _COUNTRY.match(code):
            raise ValidationError(
                _("Staatsangehörigkeit „%(code)s“ ist kein dreistelliger ISO-Code (z. B. TUR, SYR, XXA).",
                  code=code[:10]),
                "nationalities",
            )
        if code not in codes:
            codes.append(code)
    if len(codes) > MAX_NATIONALITIES:
        raise ValidationError(_("Höchstens %(n)s Staatsangehörigkeiten.", n=MAX_NATIONALITIES), "nationalities")
    return codes


def _sync_names(person: Person) -> None:
    """Rebuild the search tokens of a person and the sort key of its cases (after a name change)."""
    wanted = name_tokens(person.family_name, person.given_names, person.birth_name, person.native_name,
                         *(f"{a.family_name} {a.given_names}" for a in person.aliases))
    wanted = {t[:100] for t in wanted}
    if person.id is not None:
        existing = {
            t.token: t
            for t in db.session.scalars(sa.select(PersonSearchToken).where(PersonSearchToken.person_id == person.id))
        }
    else:
        existing = {}
    for token, row in existing.items():
        if token not in wanted:
            db.session.delete(row)
    for token in wanted - existing.keys():
        db.session.add(PersonSearchToken(person_id=person.id, office_id=person.office_id, token=token))
    key = sort_name(person.family_name, person.given_names)
    for case in person.cases:
        if case.sort_name != key:
            case.sort_name = key


def _apply_lists(person: Person, aliases: list[tuple[str, str, str]] | None, nationalities: list[str] | None) -> dict:
    changes: dict[str, Any] = {}
    if aliases is not None:
        old = [(a.family_name, a.given_names, a.kind) for a in person.aliases]
        if old != aliases:
            person.aliases[:] = [PersonAlias(family_name=f, given_names=g, kind=k) for f, g, k in aliases]
            changes["aliases"] = [len(old), len(aliases)]  # counts only: names are personal data
    if nationalities is not None:
        old_codes = [n.country for n in person.nationalities]
        if old_codes != nationalities:
            keep = {n.country: n for n in person.nationalities}
            person.nationalities[:] = [keep.get(c) or Nationality(country=c) for c in nationalities]
            changes["nationalities"] = [old_codes, nationalities]
    return changes


@_writes
def create_person(actor: User, data: Mapping[str, Any]) -> Person:
    """Create a person of the actor's office (names, birth data, address, facts, aliases, nationalities)."""
    _actor(actor)
    values = _person_values(data, None)
    aliases = _aliases(data)
    nationalities = _nationalities(data)
    person = Person(office_id=actor.office_id, **values)
    db.session.add(person)
    _apply_lists(person, aliases, nationalities)
    changes = changes_of(person)
    _flush("Die Person")
    _sync_names(person)
    _flush("Die Person")
    _person_event(actor, "create", "person", person.id, person, f"Person {person.id} angelegt",
                  _redact_names(changes))
    _person_changed(actor, person)
    return person


@_writes
def update_person(actor: User, person_id: int, data: Mapping[str, Any], version: int | str | None = None) -> Person:
    """Change a person; ``version`` is the row version the form was based on (optimistic locking)."""
    _actor(actor)
    person = _person(actor, person_id)
    _check_version(person, version, _("Die Person"))
    values = _person_values(data, person)
    aliases = _aliases(data)
    nationalities = _nationalities(data)
    for key, value in values.items():
        setattr(person, key, value)
    list_changes = _apply_lists(person, aliases, nationalities)
    changes = {**_redact_names(changes_of(person)), **list_changes}
    if not changes:
        return person
    person.updated_at = dt.datetime.now(dt.UTC)  # bump the version even if only lists changed
    _sync_names(person)
    _flush(_("Die Person"))
    _person_event(actor, "update", "person", person.id, person, f"Person {person.id} geändert", changes)
    _person_changed(actor, person)
    return person


#: Person fields whose values are not copied into the audit log (the field name is).
_REDACTED = {"family_name", "given_names", "birth_name", "native_name", "street", "email", "phone", "place_of_birth"}


def _redact_names(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: (["…", "…"] if k in _REDACTED else v) for k, v in changes.items()}


def get_person(actor: User, person_id: int) -> Person:
    """Load a person of the actor's office for display and audit the read."""
    _actor(actor)
    person = _person(actor, person_id)
    record(actor, "read", "person", person.id, person_id=person.id, summary=f"Person {person.id} angesehen")
    return person


# --------------------------------------------------------------------------- family links


@_writes
def add_family_link(actor: User, person_id: int, relative_id: int, relation: Relation | str,
                    same_household: bool = True) -> FamilyLink:
    """Link two persons of the office; the reciprocal link (child ↔ parent, spouse ↔ spouse) is stored too."""
    _actor(actor)
    person = _person(actor, person_id)
    relation = Relation(_choice({"relation": relation}, "relation", "Beziehung", [r.value for r in Relation]))
    try:
        relative = _person(actor, int(relative_id))
    except (ObjectNotFound, TypeError, ValueError):
        raise ValidationError(_("Die angegebene Person wurde nicht gefunden."), "relative_id") from None
    if relative.id == person.id:
        raise ValidationError(_("Eine Person kann nicht mit sich selbst verknüpft werden."), "relative_id")
    if any(link.relative_id == relative.id for link in person.family_links):
        raise ValidationError(_("Diese Personen sind bereits verknüpft."), "relative_id")
    parent, child = (person, relative) if relation is Relation.CHILD else (relative, person)
    if relation is not Relation.SPOUSE and parent.date_of_birth and child.date_of_birth \
            and child.date_of_birth <= parent.date_of_birth:
        raise ValidationError(_("Das Kind muss jünger sein als der Elternteil."), "relative_id")
    link = FamilyLink(person=person, relative=relative, relation=relation, same_household=bool(same_household))
    back = FamilyLink(person=relative, relative=person, relation=RECIPROCAL_RELATION[relation],
                      same_household=bool(same_household))
    db.session.add_all([link, back])
    _flush(_("Die Person"))
    summary = f"Familienverknüpfung Person {person.id} – Person {relative.id} ({relation.value}) angelegt"
    for subject in (person, relative):
        _person_event(actor, "create", "family_link", link.id, subject, summary)
        _person_changed(actor, subject)
    return link


@_writes
def remove_family_link(actor: User, link_id: int) -> None:
    """Remove a family link and its reciprocal link."""
    _actor(actor)
    link = _person_child(actor, FamilyLink, link_id, "Familienverknüpfung")
    person, relative = link.person, link.relative
    back = db.session.scalar(
        sa.select(FamilyLink).where(FamilyLink.person_id == relative.id, FamilyLink.relative_id == person.id)
    )
    summary = f"Familienverknüpfung Person {person.id} – Person {relative.id} entfernt"
    db.session.delete(link)
    if back is not None:
        db.session.delete(back)
    _flush(_("Die Person"))
    db.session.expire(person, ["family_links"])
    db.session.expire(relative, ["family_links"])
    for subject in (person, relative):
        _person_event(actor, "delete", "family_link", link_id, subject, summary)
        _person_changed(actor, subject)


# --------------------------------------------------------------------------- person records (residence, certificates ...)


@dataclasses.dataclass(frozen=True)
class RecordKind:
    """A kind of fact record of a person: its model, audit entity, German label and validator."""

    key: str
    model: type
    entity: str
    label: str
    #: ``validate(person, data, row_or_None) -> values`` raises :class:`ValidationError`.
    validate: Callable[[Person, Mapping[str, Any], Any], dict[str, Any]]


def _validate_residence(person: Person, data: Mapping[str, Any], row: ResidencePeriod | None) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    values: dict[str, Any] = {
        "status": ResidenceStatus(_choice(data, "status", _l("Aufenthaltsstatus"), [s.value for s in ResidenceStatus],
                                          current=row.status.value if row else None)),
        "paragraph": _text(data, "paragraph", _l("Rechtsgrundlage"), 60, current=row.paragraph if row else ""),
        "document_number": _text(data, "document_number", _l("Dokumentennummer"), 40,
                                 current=row.document_number if row else ""),
    }
    values["start"] = _date(data, "start", _l("Beginn"), required=True, earliest=birth, earliest_label=birth_label,
                            latest=_years_ahead(1), current=row.start if row else None)
    values["end_date"] = _date(data, "end_date", _l("Ende"), earliest=values["start"], earliest_label=_("dem Beginn"),
                               latest=_years_ahead(20), current=row.end_date if row else None)
    values["valid_until"] = _date(data, "valid_until", _l("Gültig bis"), earliest=values["start"],
                                  earliest_label=_("dem Beginn"), latest=_years_ahead(20),
                                  current=row.valid_until if row else None)
    start, end = values["start"], values["end_date"] or dt.date.max
    for other in person.residence_periods:
        if row is not None and other.id == row.id:
            continue
        other_end = other.end_date or dt.date.max
        if start <= other_end and other.start <= end:
            raise ValidationError(
                _("Der Zeitraum überschneidet sich mit dem Aufenthalt vom %(start)s bis %(end)s. "
                  "Bitte zuerst jenen Zeitraum beenden oder korrigieren.",
                  start=_fmt(other.start), end=_fmt(other.end_date)),
                "start",
            )
    return values


def _validate_language(person: Person, data: Mapping[str, Any], row: Any) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    return {
        "level": _choice(data, "level", _l("Niveau"), ["A1", "A2", "B1", "B2", "C1", "C2"],
                         current=row.level if row else None),
        "issued_on": _date(data, "issued_on", _l("Ausstellungsdatum"), required=True, earliest=birth,
                           earliest_label=birth_label, latest=today(), latest_label=_("heute"),
                           current=row.issued_on if row else None),
        "kind": _text(data, "kind", _l("Art des Nachweises"), 60, current=row.kind if row else ""),
        "oral_only": _bool(data, "oral_only", row.oral_only if row else False),
    }


def _validate_civic_test(person: Person, data: Mapping[str, Any], row: Any) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    values = {
        "kind": _choice(data, "kind", _l("Art des Tests"), ["einbuergerungstest", "leben_in_deutschland", "school_degree", "abh_interview"],
                        current=row.kind if row else "einbuergerungstest"),
        "taken_on": _date(data, "taken_on", _l("Testdatum"), required=True, earliest=birth, earliest_label=birth_label,
                          latest=today(), latest_label=_("heute"), current=row.taken_on if row else None),
        "passed": _bool(data, "passed", row.passed if row else True),
        "score": _int(data, "score", _l("Punktzahl"), 0, 33, current=row.score if row else None),
    }
    if values["kind"] in {"einbuergerungstest", "leben_in_deutschland"} and values["score"] is not None and values["score"] < 17 and values["passed"]:
        raise ValidationError(_("Mit weniger als 17 richtigen Antworten ist der Test nicht bestanden."), "score")
    return values


CONVICTION_SANCTIONS = ("fine", "prison", "youth_measure", "youth_sentence", "measure")


def _validate_conviction(person: Person, data: Mapping[str, Any], row: Any) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    values = {
        "decided_on": _date(data, "decided_on", _l("Datum der Entscheidung"), required=True, earliest=birth,
                            earliest_label=birth_label, latest=today(), latest_label=_("heute"),
                            current=row.decided_on if row else None),
        "sanction": _choice(data, "sanction", _l("Sanktion"), CONVICTION_SANCTIONS, current=row.sanction if row else None),
        # § 40 Abs. 1, § 54 Abs. 2 StGB: at most 360 daily rates, 720 as a combined sentence.
        "daily_rates": _int(data, "daily_rates", _l("Tagessätze"), 1, 720, current=row.daily_rates if row else None),
        "months": _int(data, "months", _l("Monate"), 1, 180, current=row.months if row else None),
    }
    for key in ("suspended", "remitted", "inhuman_motive", "intentional", "foreigner_only_offence", "in_germany"):
        values[key] = _bool(data, key, getattr(row, key) if row else key in ("intentional", "in_germany"))
    if values["sanction"] == "fine" and values["daily_rates"] is None:
        raise ValidationError(_("Bei einer Geldstrafe bitte die Zahl der Tagessätze angeben."), "daily_rates")
    if values["sanction"] in ("prison", "youth_sentence") and values["months"] is None:
        raise ValidationError(_("Bei einer Freiheits- oder Jugendstrafe bitte die Dauer in Monaten angeben."), "months")
    return values


def _validate_school(person: Person, data: Mapping[str, Any], row: Any) -> dict[str, Any]:
    birth, birth_label = _birth_bound(person)
    start = _date(data, "start", _l("Beginn"), required=True, earliest=birth, earliest_label=birth_label,
                  latest=today(), latest_label=_("heute"), current=row.start if row else None)
    return {
        "start": start,
        "end_date": _date(data, "end_date", _l("Ende"), earliest=start, earliest_label=_("dem Beginn"),
                          latest=_years_ahead(10), current=row.end_date if row else None),
        "kind": _choice(data, "kind", _l("Art"), ["school", "vocational_training", "university", "qualification"],
                        current=row.kind if row else "school"),
        "successful": _bool(data, "successful", row.successful if row else True),
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
    _actor(actor)
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
    _actor(actor)
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
    _actor(actor)
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
    _actor(actor)
    spec = RECORD_KINDS[kind]
    return _person_child(actor, spec.model, record_id, spec.label)


@_writes
def set_livelihood(actor: User, person_id: int, data: Mapping[str, Any]) -> Livelihood:
    """Create or replace the livelihood assessment of a person."""
    _actor(actor)
    person = _person(actor, person_id)
    row = person.livelihood
    values: dict[str, Any] = {
        "assessed_on": _date(data, "assessed_on", _l("Stand vom"), required=True, earliest=MIN_CASE_DATE, latest=today(),
                             latest_label=_("heute"), current=row.assessed_on if row else None),
        "months_employed_last_24": _int(data, "months_employed_last_24", _l("Monate Vollzeit in den letzten 24 Monaten"),
                                        0, 24, current=row.months_employed_last_24 if row else None),
        "monthly_net_income_cents": _int(data, "monthly_net_income_cents", _l("Monatliches Nettoeinkommen"), 0,
                                         100_000_000, current=row.monthly_net_income_cents if row else None),
    }
    for key in ("receives_sgb2_sgb12", "responsible_for_benefits", "full_time_employed", "secured_by_employment",
                "self_supporting", "in_education"):
        values[key] = _bool(data, key, getattr(row, key) if row else None, tristate=True)
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


# --------------------------------------------------------------------------- cases

#: Who may be a co-applicant of a main applicant, per case family/type (relation seen from the main applicant).
def _co_applicant_relations(case_type: CaseType) -> tuple[Relation, ...]:
    if case_type is CaseType.AUFENTHG_25A:
        return (Relation.PARENT,)  # § 25a Abs. 2 AufenthG: parents of a minor § 25a holder
    return (Relation.SPOUSE, Relation.CHILD)  # § 10 Abs. 2 StAG, § 25b Abs. 4, § 104c Abs. 2 AufenthG


def _next_sequence(office_id: int, prefix: str, year: int) -> int:
    """Atomically increment the counter of (office, prefix, year) and return the new value.

    ``UPDATE … SET last_value = last_value + 1 RETURNING last_value`` takes the row lock (PostgreSQL) or
    the database write lock (SQLite) until commit, so two concurrent creators never get the same value.
    A missing counter row is created with ``INSERT … ON CONFLICT DO NOTHING`` first.
    """
    table = FileNumberCounter.__table__
    bump = (
        sa.update(table)
        .where(table.c.office_id == office_id, table.c.prefix == prefix, table.c.year == year)
        .values(last_value=table.c.last_value + 1)
        .returning(table.c.last_value)
    )
    value = db.session.execute(bump).scalar_one_or_none()
    if value is None:
        if is_postgresql():
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        db.session.execute(
            insert(table)
            .values(office_id=office_id, prefix=prefix, year=year, last_value=0)
            .on_conflict_do_nothing(index_elements=["office_id", "prefix", "year"])
        )
        value = db.session.execute(bump).scalar_one()
    return value


def next_file_number(office: Office, family: CaseFamily, year: int) -> str:
    """The next free file number of an office from its ``file_number_pattern``."""
    prefix = catalog.FILE_NUMBER_PREFIX[family]
    pattern = office.file_number_pattern or "{office}-{prefix}-{year}-{seq:05d}"
    if "{seq" not in pattern:
        raise ValidationError(_("Das Aktenzeichenmuster der Behörde enthält keinen Platzhalter {seq}."))
    while True:
        seq = _next_sequence(office.id, prefix, year)
        try:
            number = pattern.format(office=office.code, prefix=prefix, year=year, seq=seq)
        except (KeyError, IndexError, ValueError):
            raise ValidationError(_("Das Aktenzeichenmuster der Behörde ist ungültig.")) from None
        if len(number) > 40:
            raise ValidationError(_("Das Aktenzeichen ist länger als 40 Zeichen."))
        taken = db.session.scalar(
            sa.select(Case.id).where(Case.office_id == office.id, Case.file_number == number).limit(1)
        )
        if taken is None:  # numbers imported from older systems are skipped
            return number


def _assignee(actor: User, user_id: int | str | None) -> User | None:
    if user_id in (None, "", 0, "0"):
        return None
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        user = None
    if user is None or user.office_id != actor.office_id or not user.active or user.role not in CASE_ROLES:
        raise ValidationError(_("Bitte eine aktive Sachbearbeitung der eigenen Behörde wählen."), "assigned_to_id")
    return user


def _own_income(person: Person) -> bool:
    return bool(person.livelihood and (person.livelihood.monthly_net_income_cents or 0) > 0)


def _is_married(person: Person) -> bool:
    return any(link.relation is Relation.SPOUSE for link in person.family_links) or (
        person.marital_status or ""
    ).lower().startswith(("verh", "married"))


def _open_case(actor: User, person: Person, case_type: CaseType, received_on: dt.date, assignee: User | None,
               main: Case | None) -> Case:
    """Insert one case with its checklist and fee; returns it flushed (no audit yet)."""
    office = db.session.get(Office, actor.office_id)
    wf = workflow.workflow_for(case_type)
    case = Case(
        office_id=office.id, person=person, file_number=next_file_number(office, case_type.family, received_on.year),
        case_type=case_type, family=case_type.family, status=wf.initial, main_case=main, assigned_to=assignee,
        received_on=received_on, sort_name=sort_name(person.family_name, person.given_names),
    )
    db.session.add(case)
    case.status_changes.append(StatusChange(from_status=None, to_status=wf.initial, changed_by_id=actor.id,
                                            reason=_("Antrag eingegangen")))
    age = catalog.age_on(person.date_of_birth, received_on)
    minor = age is not None and age < 18
    for key in catalog.required_documents(case_type, minor=minor, married=_is_married(person)):
        case.documents.append(CaseDocument(document_type=key, required=True))
    if case_type.family is CaseFamily.NATURALIZATION:
        with_parent = main is not None and any(
            link.relative_id == main.person_id and link.relation is Relation.PARENT for link in person.family_links
        )
        fee = catalog.naturalization_fee(minor=minor, with_parent=with_parent, own_income=_own_income(person))
        case.fees.append(Fee(legal_basis=fee.legal_basis, amount_cents=fee.amount_cents))
    _flush(_("Der Fall"))
    return case


@_writes
def create_case(actor: User, person_id: int, case_type: CaseType | str, received_on: dt.date | None = None,
                assigned_to_id: int | None = None, co_applicant_ids: Iterable[int] = ()) -> Case:
    """Open a case for a person, numbered from the office pattern, with document checklist and fees.

    ``co_applicant_ids`` are family members (spouse, minor children; parents for § 25a) who get linked
    cases (§ 10 Abs. 2 StAG → ``stag_10_2``; § 25b Abs. 4 / § 104c Abs. 2 → same type) with ``main_case_id``.
    """
    _actor(actor)
    person = _person(actor, person_id)
    case_type = CaseType(_choice({"case_type": case_type}, "case_type", "Verfahrensart", [c.value for c in CaseType]))
    received_on = _date({"received_on": received_on or today()}, "received_on", "Antragseingang", required=True,
                        earliest=max(MIN_CASE_DATE, person.date_of_birth or MIN_CASE_DATE), latest=today(),
                        latest_label=_("heute"))
    assignee = _assignee(actor, assigned_to_id)
    relatives = _co_applicants(person, case_type, received_on, co_applicant_ids)

    main = _open_case(actor, person, case_type, received_on, assignee, None)
    _case_event(actor, "create", "case", main.id, main, f"Fall {main.file_number} angelegt ({case_type.value})",
                {"status": [None, main.status], "case_type": [None, case_type.value]})
    co_type = catalog.co_applicant_case_type(case_type)
    for relative in relatives:
        co = _open_case(actor, relative, co_type, received_on, assignee, main)
        _case_event(actor, "create", "case", co.id, co,
                    f"Fall {co.file_number} als Mitantrag zu {main.file_number} angelegt ({co_type.value})",
                    {"status": [None, co.status], "main_case_id": [None, main.id]})
        _case_event(actor, "update", "case", main.id, main, f"Mitantrag {co.file_number} verknüpft")
    for case in [main, *main.co_cases]:
        _case_changed(actor, case)
    return main


def _co_applicants(person: Person, case_type: CaseType, received_on: dt.date, ids: Iterable[int]) -> list[Person]:
    allowed = _co_applicant_relations(case_type)
    links = {link.relative_id: link for link in person.family_links}
    result = []
    for raw in ids:
        link = links.get(int(raw))
        if link is None or link.relation not in allowed:
            raise ValidationError(
                _("Mitantragsteller müssen als Ehegatte oder Kind (bei § 25a: Elternteil) mit der Person verknüpft sein."),
                "co_applicants",
            )
        relative = link.relative
        if link.relation is Relation.CHILD:
            age = catalog.age_on(relative.date_of_birth, received_on)
            if age is None or age >= 18:
                raise ValidationError(
                    _("Nur minderjährige Kinder können mitbeantragt werden (Person %(id)s).", id=relative.id),
                    "co_applicants",
                )
        if relative not in result:
            result.append(relative)
    return result


def get_case(actor: User, case_id: int) -> Case:
    """Load a case of the actor's office for display and audit the read."""
    _actor(actor)
    case = _case(actor, case_id)
    record(actor, "read", "case", case.id, case_id=case.id, person_id=case.person_id,
           summary=f"Fall {case.file_number} angesehen")
    return case


@_writes
def update_case(actor: User, case_id: int, data: Mapping[str, Any], version: int | str | None = None) -> Case:
    """Change the case details (receipt date, declarations, proof of the children's school attendance)."""
    _actor(actor)
    case = _case(actor, case_id)
    _check_version(case, version, _("Der Fall"))
    received_on = _date(data, "received_on", _l("Antragseingang"), required=True, earliest=MIN_CASE_DATE,
                        latest=case.decided_on or today(), current=case.received_on)
    values = {
        "received_on": received_on,
        "declaration_fdgo_on": _date(data, "declaration_fdgo_on", _l("Bekenntniserklärung vom"),
                                     earliest=MIN_CASE_DATE, latest=today(), latest_label=_("heute"),
                                     current=case.declaration_fdgo_on),
        "declaration_historic_responsibility_on": _date(
            data, "declaration_historic_responsibility_on", "Erklärung zur historischen Verantwortung vom",
            earliest=MIN_CASE_DATE, latest=today(), latest_label=_("heute"),
            current=case.declaration_historic_responsibility_on),
        "children_school_attendance_proven": _bool(data, "children_school_attendance_proven",
                                                   case.children_school_attendance_proven, tristate=True),
    }
    for key, value in values.items():
        setattr(case, key, value)
    return _save_case(actor, case, "update", f"Fall {case.file_number} geändert")


def _save_case(actor: User, case: Case, action: str, summary: str) -> Case:
    changes = changes_of(case)
    if not changes:
        return case
    _flush(_("Der Fall"))
    _case_event(actor, action, "case", case.id, case, summary, changes)
    _case_changed(actor, case)
    return case


@_writes
def assign_case(actor: User, case_id: int, user_id: int | None, version: int | str | None = None) -> Case:
    _actor(actor)
    case = _case(actor, case_id)
    _check_version(case, version, _("Der Fall"))
    case.assigned_to = _assignee(actor, user_id)
    case.assigned_to_id = case.assigned_to.id if case.assigned_to else None
    return _save_case(actor, case, "assign", f"Fall {case.file_number} zugewiesen")


@_writes
def change_status(actor: User, case_id: int, to_status: str, *, reason: str = "", decided_on: dt.date | None = None,
                  version: int | str | None = None) -> Case:
    """Move a case along its state machine; decisions set decided_on/outcome (refusals need a reason)."""
    _actor(actor)
    case = _case(actor, case_id)
    _check_version(case, version, _("Der Fall"))
    wf = workflow.workflow_for(case.family)
    try:
        target = wf.check(case.status, to_status)
    except workflow.WorkflowError as exc:
        raise ValidationError(str(exc), "to_status") from None
    reason = _text({"reason": reason}, "reason", "Begründung", MAX_REASON_LENGTH, required=target.reason_required,
                   multiline=True)
    if target.outcome is not None:
        decided = _date({"decided_on": decided_on or today()}, "decided_on", "Entscheidungsdatum", required=True,
                        earliest=case.received_on, earliest_label=_("dem Antragseingang"), latest=today(),
                        latest_label=_("heute"))
        case.outcome = target.outcome
        case.decided_on = decided
        case.outcome_reason = reason
    old = case.status
    case.status = target.key
    case.last_office_action_on = today()
    case.status_changes.append(StatusChange(from_status=old, to_status=target.key, changed_by_id=actor.id,
                                            reason=reason))
    return _save_case(actor, case, "status",
                      f"Status von Fall {case.file_number}: {wf.label(old)} → {wf.label(target.key)}")


# --------------------------------------------------------------------------- documents


def _refresh_due_on(case: Case) -> None:
    """``Case.due_on`` = earliest deadline of a requested document that has not been received."""
    deadlines = [d.deadline for d in case.documents if d.deadline and d.received_on is None]
    case.due_on = min(deadlines) if deadlines else None


@_writes
def add_document(actor: User, case_id: int, document_type: str, remark: str = "") -> CaseDocument:
    """Add a further line to the checklist (beyond the documents the case type requires)."""
    _actor(actor)
    case = _case(actor, case_id)
    key = _choice({"document_type": document_type}, "document_type", "Dokumentart", catalog.DOCUMENT_TYPES)
    remark = _text({"remark": remark}, "remark", "Bemerkung", 500)
    doc = CaseDocument(document_type=key, required=False, remark=remark)
    case.documents.append(doc)
    _flush(_("Der Fall"))
    _case_event(actor, "create", "document", doc.id, case,
                f"Dokument {doc.id} ({key}) zur Checkliste von Fall {case.file_number} hinzugefügt")
    _case_changed(actor, case)
    return doc


@_writes
def request_document(actor: User, document_id: int, deadline: dt.date | None, requested_on: dt.date | None = None,
                     remark: str | None = None) -> CaseDocument:
    """Request a document from the applicant with a deadline; the case's due date follows the earliest deadline."""
    _actor(actor)
    doc = _case_child(actor, CaseDocument, document_id, "Dokument")
    case = doc.case
    if doc.received_on is not None:
        raise ValidationError(_("Das Dokument liegt bereits vor."), "deadline")
    requested = _date({"requested_on": requested_on or today()}, "requested_on", "Angefordert am", required=True,
                      earliest=case.received_on, earliest_label=_("dem Antragseingang"), latest=today(),
                      latest_label=_("heute"))
    deadline = _date({"deadline": deadline}, "deadline", "Frist", required=True, earliest=requested,
                     earliest_label=_("dem Anforderungsdatum"), latest=requested + dt.timedelta(days=366),
                     latest_label=_("einem Jahr nach Anforderung"))
    doc.requested_on, doc.deadline = requested, deadline
    if remark is not None:
        doc.remark = _text({"remark": remark}, "remark", "Bemerkung", 500)
    changes = changes_of(doc)
    case.last_office_action_on = today()
    _refresh_due_on(case)
    _flush(_("Der Fall"))
    _case_event(actor, "request", "document", doc.id, case,
                f"Dokument {doc.id} ({doc.document_type}) angefordert, Frist {_fmt(deadline)}", changes)
    _case_changed(actor, case)
    return doc


@_writes
def receive_document(actor: User, document_id: int, received_on: dt.date | None = None,
                     issued_on: dt.date | None = None, valid_until: dt.date | None = None,
                     remark: str | None = None) -> CaseDocument:
    """Record that a document was submitted (with issue date and validity for the validity clock)."""
    _actor(actor)
    doc = _case_child(actor, CaseDocument, document_id, "Dokument")
    case = doc.case
    received = _date({"received_on": received_on or today()}, "received_on", "Eingegangen am", required=True,
                     earliest=MIN_CASE_DATE, latest=today(), latest_label=_("heute"))
    issued = _date({"issued_on": issued_on}, "issued_on", "Ausgestellt am", earliest=MIN_DATE, latest=received,
                   latest_label=_("dem Eingang"))
    valid = _date({"valid_until": valid_until}, "valid_until", "Gültig bis", earliest=issued or MIN_DATE,
                  earliest_label=_("dem Ausstellungsdatum") if issued else None, latest=_years_ahead(30))
    doc.received_on, doc.issued_on, doc.valid_until = received, issued, valid
    if remark is not None:
        doc.remark = _text({"remark": remark}, "remark", "Bemerkung", 500)
    changes = changes_of(doc)
    _refresh_due_on(case)
    _flush(_("Der Fall"))
    _case_event(actor, "receive", "document", doc.id, case, f"Dokument {doc.id} ({doc.document_type}) eingegangen",
                changes)
    _case_changed(actor, case)
    return doc


# --------------------------------------------------------------------------- fees


@_writes
def add_fee(actor: User, case_id: int, legal_basis: str, amount_cents: int, due_on: dt.date | None = None) -> Fee:
    """Enter a fee by hand: residence cases (the amount and its AufenthV provision come from the caseworker)."""
    _actor(actor)
    case = _case(actor, case_id)
    if case.family is not CaseFamily.RESIDENCE:
        raise ValidationError(_("Die Einbürgerungsgebühr wird nach § 38 StAG automatisch festgesetzt."), "legal_basis")
    basis = _text({"legal_basis": legal_basis}, "legal_basis", "Rechtsgrundlage", 80, required=True)
    if "aufenthv" not in basis.lower():
        raise ValidationError(_("Bitte die Vorschrift der AufenthV angeben (z. B. „§ 45 AufenthV“)."), "legal_basis")
    amount = _int({"amount_cents": amount_cents}, "amount_cents", "Betrag", 0, catalog.MAX_MANUAL_FEE_CENTS,
                  required=True)
    due = _date({"due_on": due_on}, "due_on", "Fällig am", earliest=case.received_on, latest=_years_ahead(2))
    fee = Fee(legal_basis=basis, amount_cents=amount, due_on=due)
    case.fees.append(fee)
    changes = changes_of(fee)
    _flush(_("Der Fall"))
    _case_event(actor, "create", "fee", fee.id, case, f"Gebühr {fee.id} für Fall {case.file_number} festgesetzt",
                changes)
    _case_changed(actor, case)
    return fee


@_writes
def reduce_fee(actor: User, fee_id: int, reduction_cents: int, reason: str) -> Fee:
    """Reduce or waive a fee (§ 38 Abs. 4 StAG: equity or public interest); a reason is required."""
    _actor(actor)
    fee = _case_child(actor, Fee, fee_id, "Gebühr")
    if fee.paid_on is not None:
        raise ValidationError(_("Eine bezahlte Gebühr kann nicht mehr ermäßigt werden."), "reduction_cents")
    reduction = _int({"reduction_cents": reduction_cents}, "reduction_cents", "Ermäßigung", 0, fee.amount_cents,
                     required=True)
    reason = _text({"reason": reason}, "reason", "Begründung der Ermäßigung", 500, required=reduction > 0,
                   multiline=True)
    if fee.case.family is CaseFamily.NATURALIZATION and reduction > 0 and catalog.FEE_REDUCTION_BASIS not in reason:
        reason = f"{catalog.FEE_REDUCTION_BASIS}: {reason}"[:500]
    fee.reduction_cents, fee.reduction_reason = reduction, reason
    changes = changes_of(fee)
    _flush(_("Der Fall"))
    what = "erlassen" if reduction == fee.amount_cents and reduction > 0 else "ermäßigt"
    _case_event(actor, "update", "fee", fee.id, fee.case, f"Gebühr {fee.id} {what}", changes)
    _case_changed(actor, fee.case)
    return fee


@_writes
def pay_fee(actor: User, fee_id: int, paid_on: dt.date | None = None) -> Fee:
    _actor(actor)
    fee = _case_child(actor, Fee, fee_id, "Gebühr")
    if fee.paid_on is not None:
        raise ValidationError(_("Die Gebühr ist bereits als bezahlt erfasst."), "paid_on")
    fee.paid_on = _date({"paid_on": paid_on or today()}, "paid_on", "Bezahlt am", required=True,
                        earliest=MIN_CASE_DATE, latest=today(), latest_label=_("heute"))
    changes = changes_of(fee)
    _flush(_("Der Fall"))
    _case_event(actor, "update", "fee", fee.id, fee.case, f"Gebühr {fee.id} bezahlt", changes)
    _case_changed(actor, fee.case)
    return fee


# --------------------------------------------------------------------------- security checks


@_writes
def request_security_check(actor: User, case_id: int, kind: str, requested_on: dt.date | None = None) -> SecurityCheck:
    _actor(actor)
    case = _case(actor, case_id)
    kind = _choice({"kind": kind}, "kind", "Abfrage", catalog.SECURITY_CHECK_KINDS)
    if any(c.kind == kind and c.answered_on is None for c in case.security_checks):
        raise ValidationError(_("Diese Abfrage ist bereits angefragt und noch nicht beantwortet."), "kind")
    requested = _date({"requested_on": requested_on or today()}, "requested_on", "Angefragt am", required=True,
                      earliest=case.received_on, earliest_label=_("dem Antragseingang"), latest=today(),
                      latest_label=_("heute"))
    check = SecurityCheck(kind=kind, requested_on=requested, result="pending")
    case.security_checks.append(check)
    case.last_office_action_on = today()
    changes = changes_of(check)
    _flush(_("Der Fall"))
    _case_event(actor, "request", "security_check", check.id, case,
                f"Abfrage {kind} für Fall {case.file_number} gestellt", changes)
    _case_changed(actor, case)
    return check


@_writes
def answer_security_check(actor: User, check_id: int, result: str, answered_on: dt.date | None = None,
                          remark: str = "") -> SecurityCheck:
    _actor(actor)
    check = _case_child(actor, SecurityCheck, check_id, "Abfrage")
    if check.answered_on is not None:
        raise ValidationError(_("Die Antwort auf diese Abfrage ist bereits erfasst."), "result")
    check.result = _choice({"result": result}, "result", "Ergebnis", ["no_findings", "findings"])
    check.answered_on = _date({"answered_on": answered_on or today()}, "answered_on", "Beantwortet am",
                              required=True, earliest=check.requested_on, earliest_label=_("der Anfrage"),
                              latest=today(), latest_label=_("heute"))
    check.remark = _text({"remark": remark}, "remark", "Bemerkung", 500, multiline=True)
    changes = changes_of(check)
    _flush(_("Der Fall"))
    _case_event(actor, "answer", "security_check", check.id, check.case,
                f"Antwort auf Abfrage {check.kind} ({check.result}) erfasst", changes)
    _case_changed(actor, check.case)
    return check


# --------------------------------------------------------------------------- notes and timeline


@_writes
def add_note(actor: User, case_id: int, text: str) -> Note:
    """Append a note; notes are never edited (a correction is a new note)."""
    _actor(actor)
    case = _case(actor, case_id)
    text = _text({"text": text}, "text", "Notiz", MAX_NOTE_LENGTH, required=True, multiline=True)
    note = Note(case=case, author_id=actor.id, text=text)
    db.session.add(note)
    _flush(_("Der Fall"))
    _case_event(actor, "create", "note", note.id, case, f"Notiz {note.id} zu Fall {case.file_number} angelegt")
    return note


@dataclasses.dataclass(frozen=True)
class Timeline:
    #: Write audit events of the case, newest first.
    events: list[AuditEvent]
    #: Status history, newest first.
    status_changes: list[StatusChange]
    #: user id → display name for the events.
    users: dict[int, str]


def timeline(actor: User, case_id: int, limit: int = 300) -> Timeline:
    """Everything that happened to a case (write events and status history), newest first."""
    _actor(actor)
    case = _case(actor, case_id)
    events = list(db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action != "read")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ))
    changes = sorted(case.status_changes, key=lambda s: s.id, reverse=True)
    user_ids = {e.user_id for e in events if e.user_id} | {s.changed_by_id for s in changes if s.changed_by_id}
    users = dict(db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(user_ids))).all()) \
        if user_ids else {}
    return Timeline(events, changes, users)


def office_caseworkers(actor: User) -> list[User]:
    """Active users of the actor's office who can be assigned cases."""
    _actor(actor)
    return list(db.session.scalars(
        sa.select(User).where(User.office_id == actor.office_id, User.active.is_(True), User.role.in_(CASE_ROLES))
        .order_by(User.display_name)
    ))

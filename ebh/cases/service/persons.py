"""Persons: names, birth data, address, raw facts, aliases, nationalities, and family links."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ebh.audit.service import changes_of, record
from ebh.auth.access import ObjectNotFound
from ebh.auth.models import User
from ebh.cases.models import (
    RECIPROCAL_RELATION,
    FamilyLink,
    Nationality,
    Person,
    PersonAlias,
    PersonSearchToken,
    Relation,
    Sex,
)
from ebh.cases.names import tokens as name_tokens
from ebh.cases.raw_facts import BOOL, RAW_FACTS
from ebh.cases.search import sort_name
from ebh.cases.service.common import (
    _check_version,
    _flush,
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
from ebh.kit.validation import MIN_DATE, read_bool, read_choice, read_date, read_text

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
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ALIASES = 20
MAX_NATIONALITIES = 5


def _person_values(data: Mapping[str, Any], person: Person | None) -> dict[str, Any]:
    """Validate all person fields; returns the values to assign (nothing is changed here)."""
    values: dict[str, Any] = {}
    for key, (label, max_len) in PERSON_TEXT_FIELDS.items():
        values[key] = read_text(data, key, label, max_len, required=key == "family_name",
                                current=getattr(person, key, "") if person else "")
    if values["email"] and not _EMAIL.match(values["email"]):
        raise UserError(_("Bitte eine gültige E-Mail-Adresse angeben."), "email")
    values["date_of_birth"] = read_date(data, "date_of_birth", _l("Geburtsdatum"), latest=today(),
                                        latest_label=_("heute"), current=person.date_of_birth if person else None)
    dob = values["date_of_birth"] or MIN_DATE
    dob_label = _("dem Geburtsdatum") if values["date_of_birth"] else None
    values["entry_date"] = read_date(data, "entry_date", _l("Einreisedatum"), earliest=dob, earliest_label=dob_label,
                                     latest=today(), latest_label=_("heute"),
                                     current=person.entry_date if person else None)
    country = read_text(data, "country_of_birth", _l("Geburtsland"), 3, current=person.country_of_birth if person else "")
    if country and not _COUNTRY.match(country.upper()):
        raise UserError(_("Geburtsland bitte als dreistelligen ISO-Code angeben (z. B. TUR)."), "country_of_birth")
    values["country_of_birth"] = country.upper()
    language = read_text(data, "preferred_language", _l("Bevorzugte Sprache"), 5,
                         current=person.preferred_language if person else "de") or "de"
    if not _LANGUAGE.match(language.lower()):
        raise UserError(_("Sprache bitte als ISO-639-Code angeben (z. B. de, tr, ar)."), "preferred_language")
    values["preferred_language"] = language.lower()
    values["sex"] = Sex(read_choice(data, "sex", _l("Geschlecht"), [s.value for s in Sex],
                                current=(person.sex.value if person else Sex.UNKNOWN.value)))
    for fact in RAW_FACTS:
        current = getattr(person, fact.name) if person else None
        if fact.kind == BOOL:
            values[fact.name] = read_bool(data, fact.name, current, tristate=True)
        else:
            values[fact.name] = read_date(data, fact.name, fact.label, earliest=dob, earliest_label=dob_label,
                                          latest=today(), latest_label=_("heute"), current=current)
    return values


def _aliases(data: Mapping[str, Any]) -> list[tuple[str, str, str]] | None:
    """``aliases``: iterable of (family_name, given_names, kind); None = leave unchanged."""
    if "aliases" not in data or data["aliases"] is None:
        return None
    result = []
    for row in data["aliases"]:
        family, given, kind = (list(row) + ["", "", "spelling"])[:3]
        entry = {"family": family, "given": given}
        family = read_text(entry, "family", "Familienname der Namensvariante", 200)
        given = read_text(entry, "given", "Vornamen der Namensvariante", 200)
        if not family and not given:
            continue
        if not family:
            raise UserError(_("Jede Namensvariante braucht einen Familiennamen."), "aliases")
        if kind not in ("spelling", "transliteration", "former_name"):
            kind = "spelling"
        result.append((family, given, kind))
    if len(result) > MAX_ALIASES:
        raise UserError(_("Höchstens %(n)s Namensvarianten.", n=MAX_ALIASES), "aliases")
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
            raise UserError(
                _("Staatsangehörigkeit „%(code)s“ ist kein dreistelliger ISO-Code (z. B. TUR, SYR, XXA).",
                  code=code[:10]),
                "nationalities",
            )
        if code not in codes:
            codes.append(code)
    if len(codes) > MAX_NATIONALITIES:
        raise UserError(_("Höchstens %(n)s Staatsangehörigkeiten.", n=MAX_NATIONALITIES), "nationalities")
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
    require_case_role(actor)
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
    require_case_role(actor)
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
    require_case_role(actor)
    person = _person(actor, person_id)
    record(actor, "read", "person", person.id, person_id=person.id, summary=f"Person {person.id} angesehen")
    return person




@_writes
def add_family_link(actor: User, person_id: int, relative_id: int, relation: Relation | str,
                    same_household: bool = True) -> FamilyLink:
    """Link two persons of the office; the reciprocal link (child ↔ parent, spouse ↔ spouse) is stored too."""
    require_case_role(actor)
    person = _person(actor, person_id)
    relation = Relation(read_choice({"relation": relation}, "relation", "Beziehung", [r.value for r in Relation]))
    try:
        relative = _person(actor, int(relative_id))
    except (ObjectNotFound, TypeError, ValueError):
        raise UserError(_("Die angegebene Person wurde nicht gefunden."), "relative_id") from None
    if relative.id == person.id:
        raise UserError(_("Eine Person kann nicht mit sich selbst verknüpft werden."), "relative_id")
    if any(link.relative_id == relative.id for link in person.family_links):
        raise UserError(_("Diese Personen sind bereits verknüpft."), "relative_id")
    parent, child = (person, relative) if relation is Relation.CHILD else (relative, person)
    if relation is not Relation.SPOUSE and parent.date_of_birth and child.date_of_birth \
            and child.date_of_birth <= parent.date_of_birth:
        raise UserError(_("Das Kind muss jünger sein als der Elternteil."), "relative_id")
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
    require_case_role(actor)
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

"""The plain record: a person's raw data as a case holds it, as JSON-compatible data.

The rules never read ORM objects. :func:`record_from_person` turns a person (and optionally one of
their cases) into a record; the CLI reads the same shape from a JSON file; rule-file examples write it
in TOML. :func:`parse_record` validates a record and names the offending field in German.

``None`` (or a missing key) always means "not known". Lists that are empty mean "nothing recorded",
which the fact derivation also treats as not known where absence cannot be proven (certificates,
tests, school). ``convictions: null`` means the criminal record has not been checked; ``[]`` means
it was checked and is clean.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ebh.cases.models import ResidenceStatus
from ebh.cases.raw_facts import BOOL_FACTS, DATE_FACTS

#: The person's yes/no raw facts and its dates (:mod:`ebh.cases.raw_facts` declares the facts).
PERSON_BOOLS = BOOL_FACTS
PERSON_DATES = ("date_of_birth", "entry_date", *DATE_FACTS)
STATUSES = tuple(s.value for s in ResidenceStatus)
CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
CIVIC_KINDS = ("einbuergerungstest", "leben_in_deutschland", "school_degree", "abh_interview")
SANCTIONS = ("fine", "prison", "youth_measure", "youth_sentence", "measure")
SCHOOL_KINDS = ("school", "vocational_training", "university", "qualification")
SECURITY_RESULTS = ("pending", "no_findings", "findings")

_BOOL, _DATE, _INT, _STR = "bool", "date", "int", "str"

# field -> (type, required)
_RESIDENCE = {"status": (_STR, True), "paragraph": (_STR, False), "start": (_DATE, True), "end": (_DATE, False)}
_CERT = {"level": (_STR, True), "issued_on": (_DATE, True), "oral_only": (_BOOL, False), "kind": (_STR, False)}
_CIVIC = {"kind": (_STR, True), "taken_on": (_DATE, True), "passed": (_BOOL, True), "score": (_INT, False)}
_CONVICTION = {
    "decided_on": (_DATE, True), "sanction": (_STR, True), "daily_rates": (_INT, False), "months": (_INT, False),
    "suspended": (_BOOL, False), "remitted": (_BOOL, False), "inhuman_motive": (_BOOL, False),
    "intentional": (_BOOL, False), "foreigner_only_offence": (_BOOL, False), "in_germany": (_BOOL, False),
}
_SCHOOL = {"start": (_DATE, True), "end": (_DATE, False), "kind": (_STR, True), "successful": (_BOOL, False)}
_LIVELIHOOD = {
    "receives_sgb2_sgb12": (_BOOL, False), "responsible_for_benefits": (_BOOL, False),
    "full_time_employed": (_BOOL, False), "months_employed_last_24": (_INT, False),
    "secured_by_employment": (_BOOL, False), "self_supporting": (_BOOL, False), "in_education": (_BOOL, False),
}
_CHILD = {"date_of_birth": (_DATE, False), "same_household": (_BOOL, False)}
_SPOUSE = {"same_household": (_BOOL, False), "full_time_employed": (_BOOL, False),
           "months_employed_last_24": (_INT, False)}
_CASE = {
    "received_on": (_DATE, False), "declaration_fdgo_on": (_DATE, False),
    "declaration_historic_responsibility_on": (_DATE, False), "children_school_attendance_proven": (_BOOL, False),
    "security_check": (_STR, False), "has_main_applicant": (_BOOL, False),
}
_LISTS = {"residence": _RESIDENCE, "language_certificates": _CERT, "civic_tests": _CIVIC,
          "convictions": _CONVICTION, "school_records": _SCHOOL, "children": _CHILD}
_OBJECTS = {"livelihood": _LIVELIHOOD, "spouse": _SPOUSE, "case": _CASE}
_CHOICES = {
    ("residence", "status"): STATUSES, ("language_certificates", "level"): CEFR,
    ("civic_tests", "kind"): CIVIC_KINDS, ("convictions", "sanction"): SANCTIONS,
    ("school_records", "kind"): SCHOOL_KINDS, ("case", "security_check"): SECURITY_RESULTS,
}
TOP_LEVEL = (*PERSON_BOOLS, *PERSON_DATES, "nationalities", *_LISTS, *_OBJECTS)


class RecordError(ValueError):
    """The record is invalid; ``errors`` are German messages that each start with the field path."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_record(data: Any) -> dict[str, Any]:
    """Validate ``data`` and return a normalized copy (dates as ``datetime.date``)."""
    errors: list[str] = []
    if not isinstance(data, Mapping):
        raise RecordError(["Datensatz: ein Objekt {...} wird erwartet"])
    for key in data:
        if key not in TOP_LEVEL:
            errors.append(f"{key}: unbekanntes Feld{_close(key, TOP_LEVEL)}")
    out: dict[str, Any] = {}
    for key in PERSON_BOOLS:
        out[key] = _value(data.get(key), _BOOL, key, errors)
    for key in PERSON_DATES:
        out[key] = _value(data.get(key), _DATE, key, errors)
    nationalities = data.get("nationalities") or []
    if not isinstance(nationalities, list) or not all(isinstance(c, str) and len(c) == 3 for c in nationalities):
        errors.append("nationalities: Liste von ISO-3166-alpha-3-Codes erwartet, z. B. [\"TUR\"]")
        nationalities = []
    out["nationalities"] = [c.upper() for c in nationalities]
    for name, spec in _LISTS.items():
        raw = data.get(name)
        if raw is None:
            out[name] = None if name == "convictions" else []
            continue
        if not isinstance(raw, list):
            errors.append(f"{name}: Liste erwartet")
            out[name] = []
            continue
        out[name] = [_object(item, spec, f"{name}[{i}]", name, errors) for i, item in enumerate(raw)]
    for name, spec in _OBJECTS.items():
        raw = data.get(name)
        out[name] = None if raw is None else _object(raw, spec, name, name, errors)
    if not errors:
        _check_plausibility(out, errors)
    if errors:
        raise RecordError(errors)
    return out


def _close(key: str, options: tuple[str, ...]) -> str:
    import difflib

    match = difflib.get_close_matches(key, options, n=1, cutoff=0.6)
    return f" (meinten Sie {match[0]!r}?)" if match else ""


def _value(raw: Any, typ: str, path: str, errors: list[str]) -> Any:
    if raw is None:
        return None
    if typ == _BOOL:
        if isinstance(raw, bool):
            return raw
        errors.append(f"{path}: true oder false erwartet, nicht {raw!r}")
    elif typ == _INT:
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 100_000:
            return raw
        errors.append(f"{path}: ganze Zahl ≥ 0 erwartet, nicht {raw!r}")
    elif typ == _STR:
        if isinstance(raw, str) and len(raw) <= 200:
            return raw
        errors.append(f"{path}: Text erwartet, nicht {raw!r}")
    elif typ == _DATE:
        if isinstance(raw, dt.datetime):
            errors.append(f"{path}: Datum ohne Uhrzeit erwartet")
        elif isinstance(raw, dt.date):
            return raw
        elif isinstance(raw, str):
            try:
                value = dt.date.fromisoformat(raw)
                if len(raw) == 10:
                    return value
            except ValueError:
                pass
            errors.append(f"{path}: {raw!r} ist kein gültiges Datum (JJJJ-MM-TT)")
        else:
            errors.append(f"{path}: Datum im Format JJJJ-MM-TT erwartet, nicht {raw!r}")
    return None


def _object(raw: Any, spec: dict[str, tuple[str, bool]], path: str, name: str, errors: list[str]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        errors.append(f"{path}: Objekt {{...}} erwartet")
        return {}
    for key in raw:
        if key not in spec:
            errors.append(f"{path}.{key}: unbekanntes Feld{_close(key, tuple(spec))}")
    out = {}
    for key, (typ, required) in spec.items():
        value = _value(raw.get(key), typ, f"{path}.{key}", errors)
        if required and value is None and raw.get(key) is None:
            errors.append(f"{path}.{key}: Pflichtfeld fehlt")
        choices = _CHOICES.get((name, key))
        if choices and value is not None and value not in choices:
            errors.append(f"{path}.{key}: {value!r} ist nicht erlaubt (erlaubt: {', '.join(choices)})")
            value = None
        out[key] = value
    return out


def _check_plausibility(record: dict[str, Any], errors: list[str]) -> None:
    dob = record["date_of_birth"]
    periods = record["residence"]
    for i, period in enumerate(periods):
        if period["end"] is not None and period["end"] < period["start"]:
            errors.append(f"residence[{i}].end: Ende {period['end']} liegt vor dem Beginn {period['start']}")
        if dob is not None and period["start"] < dob:
            errors.append(f"residence[{i}].start: Beginn {period['start']} liegt vor dem Geburtsdatum {dob}")
    order = sorted(range(len(periods)), key=lambda i: periods[i]["start"])
    for before, after in zip(order, order[1:]):
        end = periods[before]["end"]
        if end is None or end >= periods[after]["start"]:
            errors.append(f"residence[{after}]: überschneidet sich mit residence[{before}] "
                          f"(Zeiträume dürfen sich nicht überlappen)")
    for i, school in enumerate(record["school_records"]):
        if school["end"] is not None and school["end"] < school["start"]:
            errors.append(f"school_records[{i}].end: Ende liegt vor dem Beginn")
    if dob is not None:
        for name, field in (("language_certificates", "issued_on"), ("civic_tests", "taken_on"),
                            ("convictions", "decided_on"), ("school_records", "start")):
            for i, item in enumerate(record[name] or []):
                if item[field] < dob:
                    errors.append(f"{name}[{i}].{field}: liegt vor dem Geburtsdatum {dob}")
        for key in ("entry_date", *DATE_FACTS):
            if record[key] is not None and record[key] < dob:
                errors.append(f"{key}: liegt vor dem Geburtsdatum {dob}")
    for i, conviction in enumerate(record["convictions"] or []):
        if conviction["sanction"] == "fine" and conviction["daily_rates"] is None:
            errors.append(f"convictions[{i}].daily_rates: Tagessätze fehlen bei einer Geldstrafe")
        if conviction["sanction"] in ("prison", "youth_sentence") and conviction["months"] is None:
            errors.append(f"convictions[{i}].months: Dauer in Monaten fehlt")


def to_json(record: dict[str, Any]) -> dict[str, Any]:
    """A normalized record as JSON-compatible data (dates as ISO strings)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(record)


# --------------------------------------------------------------------------------------- ORM adapter
def record_from_person(person: Any, case: Any = None) -> dict[str, Any]:
    """Build a record (JSON-compatible) from a :class:`~ebh.cases.models.Person` and optionally a case."""
    from ebh.cases.models import Relation

    iso = _iso
    record: dict[str, Any] = {key: getattr(person, key, None) for key in PERSON_BOOLS}
    record.update({key: iso(getattr(person, key, None)) for key in PERSON_DATES})
    record["nationalities"] = sorted(n.country for n in person.nationalities)
    record["residence"] = [
        {"status": p.status.value, "paragraph": p.paragraph or "", "start": iso(p.start), "end": iso(p.end_date)}
        for p in person.residence_periods
    ]
    record["language_certificates"] = [
        {"level": c.level, "issued_on": iso(c.issued_on), "oral_only": bool(c.oral_only)}
        for c in person.language_certificates
    ]
    record["civic_tests"] = [
        {"kind": t.kind, "taken_on": iso(t.taken_on), "passed": bool(t.passed)} for t in person.civic_tests
    ]
    checked = any(
        check.kind == "bzr" and check.result in ("no_findings", "findings")
        for other in person.cases for check in other.security_checks
    )
    record["convictions"] = [
        {"decided_on": iso(c.decided_on), "sanction": c.sanction, "daily_rates": c.daily_rates, "months": c.months,
         "suspended": c.suspended, "remitted": c.remitted, "inhuman_motive": c.inhuman_motive,
         "intentional": c.intentional, "foreigner_only_offence": c.foreigner_only_offence,
         "in_germany": c.in_germany}
        for c in person.convictions
    ] if (checked or person.convictions) else None
    record["school_records"] = [
        {"start": iso(s.start), "end": iso(s.end_date), "kind": s.kind, "successful": s.successful}
        for s in person.school_records
    ]
    livelihood = person.livelihood
    record["livelihood"] = None if livelihood is None else {
        key: getattr(livelihood, key) for key in _LIVELIHOOD
    }
    record["children"] = []
    record["spouse"] = None
    for link in person.family_links:
        if link.relation == Relation.CHILD:
            record["children"].append({"date_of_birth": iso(link.relative.date_of_birth),
                                       "same_household": link.same_household})
        elif link.relation == Relation.SPOUSE and (record["spouse"] is None or link.same_household):
            spouse_livelihood = link.relative.livelihood
            record["spouse"] = {
                "same_household": link.same_household,
                "full_time_employed": getattr(spouse_livelihood, "full_time_employed", None),
                "months_employed_last_24": getattr(spouse_livelihood, "months_employed_last_24", None),
            }
    record["case"] = None if case is None else _case_part(case)
    return record


def _case_part(case: Any) -> dict[str, Any]:
    answered = [c for c in case.security_checks if c.kind == "regelanfrage"]
    answered.sort(key=lambda c: (c.requested_on, c.id or 0))
    security = answered[-1].result if answered else None
    return {
        "received_on": _iso(case.received_on),
        "declaration_fdgo_on": _iso(case.declaration_fdgo_on),
        "declaration_historic_responsibility_on": _iso(case.declaration_historic_responsibility_on),
        "children_school_attendance_proven": case.children_school_attendance_proven,
        "security_check": security if security in SECURITY_RESULTS else None,
        "has_main_applicant": case.main_case_id is not None,
    }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None

"""Raw data of many persons straight from the database into a :class:`~ebh.rules.facts.Batch`.

A handful of set-based queries per chunk of persons (no ORM objects, no per-person Python code): dates
come back as day numbers computed in SQL, codes are mapped in SQL with ``CASE``, and columns go into
NumPy arrays (``None`` becomes NaN and then the "known" mask). Used by the law-change comparison and by
``bench/rules_bench.py``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ebh.cases.models import (
    Case,
    CivicTest,
    Conviction,
    FamilyLink,
    LanguageCertificate,
    Livelihood,
    Nationality,
    Person,
    ResidencePeriod,
    SchoolRecord,
    SecurityCheck,
)
from ebh.rules import engine
from ebh.rules.dates import OPEN_END
from ebh.rules.expr import VEnv
from ebh.rules.facts import (
    CEFR_CODE,
    CIVIC_CODE,
    EU_OR_CH,
    SANCTION_CODE,
    SCHOOL_CODE,
    STATUS_CODE,
    Batch,
    derive,
    parse_paragraph,
)
from ebh.rules.record import PERSON_BOOLS

CHUNK = 200_000
_LIVELIHOOD_BOOLS = ("receives_sgb2_sgb12", "responsible_for_benefits", "full_time_employed", "secured_by_employment",
                     "self_supporting", "in_education")


def days(session: Session, column: Any) -> Any:
    """SQL expression: a DATE column as days since 1970-01-01."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(column - sa.cast(sa.literal("1970-01-01"), sa.Date), sa.Integer)
    return sa.cast(sa.func.julianday(column) - 2440587.5, sa.Integer)


def _code(column: Any, mapping: dict[str, int]) -> Any:
    return sa.case(mapping, value=column, else_=-1)


def _fetch(session: Session, stmt: Any, width: int) -> np.ndarray:
    """Run ``stmt`` on the raw DB-API cursor and return a float matrix (NaN for NULL)."""
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if not rows:
        return np.zeros((0, width))
    return np.array(rows, dtype=float).reshape(len(rows), width)


def _fetch_rows(session: Session, stmt: Any) -> list[tuple]:
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _known(column: np.ndarray, dtype: Any, fill: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    known = ~np.isnan(column)
    return np.where(known, column, fill).astype(dtype), known


def _int(column: np.ndarray, fill: int = 0) -> np.ndarray:
    return np.where(np.isnan(column), fill, column).astype(np.int64)


def load_persons(session: Session, where: Any) -> tuple[np.ndarray, Batch]:
    """Person ids (sorted) and their raw data; ``where`` is a condition on :class:`Person` columns."""
    d = lambda col: days(session, col)  # noqa: E731 - short local helper
    cols = [Person.id, d(Person.date_of_birth), d(Person.entry_date), d(Person.married_to_german_since),
            *(getattr(Person, k) for k in PERSON_BOOLS), Livelihood.months_employed_last_24,
            *(getattr(Livelihood, k) for k in _LIVELIHOOD_BOOLS)]
    m = _fetch(session, sa.select(*cols).select_from(Person).outerjoin(Livelihood, Livelihood.person_id == Person.id)
               .where(where).order_by(Person.id), len(cols))
    ids = m[:, 0].astype(np.int64)
    n = len(ids)
    person: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for j, key in enumerate(("date_of_birth", "entry_date", "married_to_german_since"), start=1):
        person[key] = _known(m[:, j], np.int64)
    for j, key in enumerate(PERSON_BOOLS, start=4):
        person[key] = _known(m[:, j], bool)
    j = 4 + len(PERSON_BOOLS)
    person["months_employed_last_24"] = _known(m[:, j], np.int64)
    for k, key in enumerate(_LIVELIHOOD_BOOLS, start=j + 1):
        person[key] = _known(m[:, k], bool)

    def pidx(person_ids: np.ndarray) -> np.ndarray:
        return np.searchsorted(ids, person_ids.astype(np.int64))

    # nationalities
    eu_codes = sa.case({c: 1 for c in EU_OR_CH}, value=Nationality.country, else_=0)
    nat = _fetch(session, sa.select(Nationality.person_id, eu_codes, sa.case((Nationality.country == "XXA", 1), else_=0))
                 .where(_owned(Nationality, where)), 3)
    p = pidx(nat[:, 0])
    has = np.bincount(p, minlength=n) > 0
    person["eu_or_swiss_national"] = (np.bincount(p, weights=nat[:, 1], minlength=n) > 0, has)
    person["stateless"] = (np.bincount(p, weights=nat[:, 2], minlength=n) > 0, has)

    # criminal record checked: a BZR answer on any case of the person, or recorded convictions
    bzr = _fetch(session, sa.select(Case.person_id).distinct().join(SecurityCheck, SecurityCheck.case_id == Case.id)
                 .where(SecurityCheck.kind == "bzr", SecurityCheck.result.in_(("no_findings", "findings")),
                        Case.person_id.in_(sa.select(Person.id).where(where).scalar_subquery())), 1)
    conv = _fetch(session, sa.select(
        Conviction.person_id, d(Conviction.decided_on), _code(Conviction.sanction, SANCTION_CODE), Conviction.daily_rates,
        Conviction.months, Conviction.suspended, Conviction.remitted, Conviction.inhuman_motive, Conviction.intentional,
        Conviction.foreigner_only_offence, Conviction.in_germany).where(_owned(Conviction, where))
        .order_by(Conviction.person_id), 11)
    checked = np.zeros(n, dtype=bool)
    checked[pidx(bzr[:, 0])] = True
    checked[pidx(conv[:, 0])] = True
    person["convictions_known"] = (checked, np.ones(n, dtype=bool))

    # spouse: the one in the household wins (rows sorted so that it comes last)
    spouse_l = sa.orm.aliased(Livelihood)
    sp = _fetch(session, sa.select(FamilyLink.person_id, FamilyLink.same_household, spouse_l.full_time_employed,
                                   spouse_l.months_employed_last_24)
                .outerjoin(spouse_l, spouse_l.person_id == FamilyLink.relative_id)
                .where(FamilyLink.relation == "spouse", _owned(FamilyLink, where))
                .order_by(FamilyLink.same_household), 4)
    p = pidx(sp[:, 0])
    present = np.zeros(n, dtype=bool)
    present[p] = True
    person["spouse_present"] = (present, np.ones(n, dtype=bool))
    for key, col, dtype in (("spouse_household", 1, bool), ("spouse_full_time", 2, bool),
                            ("spouse_months", 3, np.int64)):
        values, known = np.zeros(n, dtype=dtype), np.zeros(n, dtype=bool)
        v, k = _known(sp[:, col], dtype)
        values[p], known[p] = v, k
        person[key] = (values, known)
    for key in ("application_date", "decl_fdgo", "decl_hist", "children_school_attendance_proven", "security",
                "has_main_applicant"):
        dtype = np.int64 if key in ("application_date", "decl_fdgo", "decl_hist") else (
            np.int8 if key == "security" else bool)
        person[key] = (np.zeros(n, dtype=dtype), np.zeros(n, dtype=bool))
    person["case_present"] = (np.zeros(n, dtype=bool), np.ones(n, dtype=bool))

    per = _fetch(session, sa.select(ResidencePeriod.person_id, _code(ResidencePeriod.status, STATUS_CODE),
                                    d(ResidencePeriod.start), d(ResidencePeriod.end_date))
                 .where(_owned(ResidencePeriod, where)), 4)
    paragraphs = _fetch_rows(session, sa.select(ResidencePeriod.paragraph).where(_owned(ResidencePeriod, where)))
    section, subsection = _paragraph_columns([r[0] for r in paragraphs])
    cert = _fetch(session, sa.select(LanguageCertificate.person_id, _code(LanguageCertificate.level, CEFR_CODE),
                                     d(LanguageCertificate.issued_on), LanguageCertificate.oral_only)
                  .where(_owned(LanguageCertificate, where)), 4)
    test = _fetch(session, sa.select(CivicTest.person_id, _code(CivicTest.kind, CIVIC_CODE), d(CivicTest.taken_on),
                                     CivicTest.passed).where(_owned(CivicTest, where)), 4)
    school = _fetch(session, sa.select(SchoolRecord.person_id, d(SchoolRecord.start), d(SchoolRecord.end_date),
                                       _code(SchoolRecord.kind, SCHOOL_CODE), SchoolRecord.successful)
                    .where(_owned(SchoolRecord, where)), 5)
    child = sa.orm.aliased(Person)
    kids = _fetch(session, sa.select(FamilyLink.person_id, d(child.date_of_birth), FamilyLink.same_household)
                  .join(child, child.id == FamilyLink.relative_id)
                  .where(FamilyLink.relation == "child", _owned(FamilyLink, where)), 3)
    batch = Batch(
        n=n, person=person,
        periods={"pidx": pidx(per[:, 0]), "status": per[:, 1].astype(np.int8), "section": section,
                 "subsection": subsection, "start": _int(per[:, 2]), "end": _int(per[:, 3], OPEN_END)},
        certs={"pidx": pidx(cert[:, 0]), "level": cert[:, 1].astype(np.int8), "issued": _int(cert[:, 2]),
               "oral_only": cert[:, 3] > 0},
        tests={"pidx": pidx(test[:, 0]), "kind": test[:, 1].astype(np.int8), "taken": _int(test[:, 2]),
               "passed": test[:, 3] > 0},
        convictions={"pidx": pidx(conv[:, 0]), "decided": _int(conv[:, 1]), "sanction": conv[:, 2].astype(np.int8),
                     "rates": _int(conv[:, 3]), "months": _int(conv[:, 4]),
                     **{k: conv[:, j] > 0 for j, k in enumerate(("suspended", "remitted", "inhuman_motive",
                                                                  "intentional", "foreigner_only_offence",
                                                                  "in_germany"), start=5)}},
        school={"pidx": pidx(school[:, 0]), "start": _int(school[:, 1]), "end": _int(school[:, 2], OPEN_END),
                "kind": school[:, 3].astype(np.int8), "successful": school[:, 4] > 0},
        children={"pidx": pidx(kids[:, 0]), "dob": _int(kids[:, 1]), "dob_known": ~np.isnan(kids[:, 1]),
                  "household": kids[:, 2] > 0},
    )
    return ids, batch


def _owned(model: Any, where: Any) -> Any:
    """Rows of a child table whose person matches ``where``."""
    return model.person_id.in_(sa.select(Person.id).where(where).scalar_subquery())


def _paragraph_columns(texts: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    if not texts:
        return np.zeros(0, dtype="U6"), np.zeros(0, dtype=np.int16)
    unique, inverse = np.unique(np.array([t or "" for t in texts], dtype=object), return_inverse=True)
    parsed = [parse_paragraph(t) for t in unique]
    sections = np.array([s for s, _ in parsed], dtype="U6")
    subsections = np.array([a for _, a in parsed], dtype=np.int16)
    return sections[inverse], subsections[inverse]


def take(batch: Batch, index: np.ndarray) -> Batch:
    """A batch whose person ``j`` is person ``index[j]`` of ``batch`` (persons may repeat)."""
    index = np.asarray(index, dtype=np.int64)

    def table(rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        order = np.argsort(rows["pidx"], kind="stable")
        counts = np.bincount(rows["pidx"], minlength=batch.n)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        lengths = counts[index]
        total = int(lengths.sum())
        new_pidx = np.repeat(np.arange(len(index)), lengths)
        offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        source = order[np.repeat(starts[index], lengths) + offsets]
        out = {k: v[source] for k, v in rows.items()}
        out["pidx"] = new_pidx
        return out

    return Batch(
        n=len(index), person={k: (v[index], kn[index]) for k, (v, kn) in batch.person.items()},
        periods=table(batch.periods), certs=table(batch.certs), tests=table(batch.tests),
        convictions=table(batch.convictions), school=table(batch.school), children=table(batch.children),
    )


@dataclasses.dataclass
class Chunk:
    batch: Batch
    #: case ids (cases) or person ids (persons)
    ids: np.ndarray
    #: file numbers for cases
    labels: list[str]


def load_cases(session: Session, where: Any) -> Chunk:
    """Open cases matching ``where`` (a condition on :class:`Case`) with their persons' data."""
    d = lambda col: days(session, col)  # noqa: E731
    latest = (sa.select(sa.func.max(SecurityCheck.id)).where(SecurityCheck.case_id == Case.id,
                                                              SecurityCheck.kind == "regelanfrage")
              .correlate(Case).scalar_subquery())
    result = sa.select(SecurityCheck.result).where(SecurityCheck.id == latest).scalar_subquery()
    rows = _fetch_rows(session, sa.select(
        Case.id, Case.file_number, Case.person_id, d(Case.received_on), d(Case.declaration_fdgo_on),
        d(Case.declaration_historic_responsibility_on), Case.children_school_attendance_proven,
        Case.main_case_id.isnot(None), result).where(where).order_by(Case.id))
    if not rows:
        return Chunk(Batch.from_records([]), np.zeros(0, dtype=np.int64), [])
    ids, persons = load_persons(session, Person.id.in_(sa.select(Case.person_id).where(where).scalar_subquery()))
    batch = take(persons, np.searchsorted(ids, np.array([r[2] for r in rows], dtype=np.int64)))
    m = np.array([[r[3], r[4], r[5], r[6], r[7]] for r in rows], dtype=float)
    n = len(rows)
    batch.person["case_present"] = (np.ones(n, dtype=bool), np.ones(n, dtype=bool))
    for j, key in enumerate(("application_date", "decl_fdgo", "decl_hist"), start=0):
        batch.person[key] = _known(m[:, j], np.int64)
    batch.person["children_school_attendance_proven"] = _known(m[:, 3], bool)
    batch.person["has_main_applicant"] = (m[:, 4] > 0, np.ones(n, dtype=bool))
    security = np.array([{"no_findings": 0, "findings": 1}.get(r[8], -1) for r in rows])
    batch.person["security"] = (np.maximum(security, 0).astype(np.int8), security >= 0)
    return Chunk(batch, np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows])


def iter_subjects(session: Session, *, basis: str, office_id: int | None,
                  chunk: int = CHUNK) -> Iterator[tuple[str, Chunk]]:
    """("cases", open cases of ``basis``) then ("persons", every register person) in chunks."""
    from ebh.cases.workflow import TERMINAL_KEYS

    open_case = sa.or_(*(sa.and_(Case.family == family, Case.status.notin_(keys))
                         for family, keys in TERMINAL_KEYS.items()))
    office = (Case.office_id == office_id) if office_id is not None else sa.true()
    yield "cases", load_cases(session, sa.and_(Case.case_type == basis, open_case, office))
    bounds = session.execute(sa.select(sa.func.min(Person.id), sa.func.max(Person.id)).where(
        (Person.office_id == office_id) if office_id is not None else sa.true())).one()
    if bounds[0] is None:
        return
    for lo in range(bounds[0], bounds[1] + 1, chunk):
        where = sa.and_(Person.id >= lo, Person.id < lo + chunk,
                        (Person.office_id == office_id) if office_id is not None else sa.true())
        ids, batch = load_persons(session, where)
        if len(ids):
            yield "persons", Chunk(batch, ids, [])


def outcomes(batch: Batch, version: engine.RuleVersion, on: dt.date) -> np.ndarray:
    """Outcome codes (:data:`ebh.rules.engine.OUTCOME_CODES`) of every person of ``batch`` under ``version``."""
    env = VEnv(derive(batch, on), on, batch.n)
    return engine.vector_outcomes(engine.vector_statuses(version, env), batch.n)

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


BLOCK = 50_000


def _blocks(session: Session, stmt: Any) -> Iterator[list[tuple]]:
    """Rows of ``stmt`` from the raw DB-API cursor in blocks (no ORM rows; few Python objects alive at once).
    The statement is compiled with literal values: they are internal ids and codes, never user input."""
    connection = session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(BLOCK):
            yield rows
    finally:
        cursor.close()


def _cursor_rows(session: Session, stmt: Any) -> list[tuple]:
    return [row for block in _blocks(session, stmt) for row in block]


def _fetch(session: Session, stmt: Any, width: int) -> np.ndarray:
    """A float matrix of the result (NaN for NULL); every column must be numeric."""
    parts = [np.array(block, dtype=float).reshape(len(block), width) for block in _blocks(session, stmt)]
    return np.concatenate(parts) if parts else np.zeros((0, width))


def _known(column: np.ndarray, dtype: Any, fill: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    known = ~np.isnan(column)
    return np.where(known, column, fill).astype(dtype), known


def _int(column: np.ndarray, fill: int = 0) -> np.ndarray:
    return np.where(np.isnan(column), fill, column).astype(np.int64)


@dataclasses.dataclass(frozen=True)
class Scope:
    """Persons with ``lo <= id < hi`` (and of one office): range scans on the person_id indexes."""

    lo: int
    hi: int
    office_id: int | None = None

    def persons(self) -> Any:
        office = (Person.office_id == self.office_id) if self.office_id is not None else sa.true()
        return sa.and_(Person.id >= self.lo, Person.id < self.hi, office)

    def rows(self, column: Any) -> Any:
        """Child rows by range only; rows of other offices' persons are dropped in NumPy."""
        return sa.and_(column >= self.lo, column < self.hi)


def load_persons(session: Session, scope: Scope) -> tuple[np.ndarray, Batch]:
    """Person ids (sorted) and their raw data for ``scope``; no case facts (see :func:`attach_cases`)."""
    d = lambda col: days(session, col)  # noqa: E731 - short local helper
    cols = [Person.id, d(Person.date_of_birth), d(Person.entry_date), d(Person.married_to_german_since),
            *(getattr(Person, k) for k in PERSON_BOOLS), Livelihood.months_employed_last_24,
            *(getattr(Livelihood, k) for k in _LIVELIHOOD_BOOLS)]
    m = _fetch(session, sa.select(*cols).select_from(Person).outerjoin(Livelihood, Livelihood.person_id == Person.id)
               .where(scope.persons()).order_by(Person.id), len(cols))
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
    del m

    def table(stmt: Any, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows of a child table whose person is in ``ids``, and their person index."""
        rows = _fetch(session, stmt, width)
        pos = np.searchsorted(ids, rows[:, 0].astype(np.int64)) if len(rows) else np.zeros(0, dtype=np.int64)
        inside = (pos < n) & (ids[np.minimum(pos, max(n - 1, 0))] == rows[:, 0]) if n else np.zeros(len(rows), bool)
        return rows[inside], pos[inside]

    eu_codes = sa.case({c: 1 for c in EU_OR_CH}, value=Nationality.country, else_=0)
    nat, p = table(sa.select(Nationality.person_id, eu_codes, sa.case((Nationality.country == "XXA", 1), else_=0))
                   .where(scope.rows(Nationality.person_id)), 3)
    has = np.bincount(p, minlength=n) > 0
    person["eu_or_swiss_national"] = (np.bincount(p, weights=nat[:, 1], minlength=n) > 0, has)
    person["stateless"] = (np.bincount(p, weights=nat[:, 2], minlength=n) > 0, has)

    # criminal record checked: a BZR answer on any case of the person, or recorded convictions
    _, bzr_p = table(sa.select(Case.person_id).join(SecurityCheck, SecurityCheck.case_id == Case.id)
                     .where(SecurityCheck.kind == "bzr", SecurityCheck.result.in_(("no_findings", "findings")),
                            scope.rows(Case.person_id)), 1)
    conv, conv_p = table(sa.select(
        Conviction.person_id, d(Conviction.decided_on), _code(Conviction.sanction, SANCTION_CODE), Conviction.daily_rates,
        Conviction.months, Conviction.suspended, Conviction.remitted, Conviction.inhuman_motive, Conviction.intentional,
        Conviction.foreigner_only_offence, Conviction.in_germany).where(scope.rows(Conviction.person_id)), 11)
    checked = np.zeros(n, dtype=bool)
    checked[bzr_p] = True
    checked[conv_p] = True
    person["convictions_known"] = (checked, np.ones(n, dtype=bool))

    # spouse: the one in the household wins (rows sorted so that it comes last)
    spouse_l = sa.orm.aliased(Livelihood)
    sp, p = table(sa.select(FamilyLink.person_id, FamilyLink.same_household, spouse_l.full_time_employed,
                            spouse_l.months_employed_last_24)
                  .outerjoin(spouse_l, spouse_l.person_id == FamilyLink.relative_id)
                  .where(FamilyLink.relation == "spouse", scope.rows(FamilyLink.person_id))
                  .order_by(FamilyLink.same_household), 4)
    present = np.zeros(n, dtype=bool)
    present[p] = True
    person["spouse_present"] = (present, np.ones(n, dtype=bool))
    for key, col, dtype in (("spouse_household", 1, bool), ("spouse_full_time", 2, bool),
                            ("spouse_months", 3, np.int64)):
        values, known = np.zeros(n, dtype=dtype), np.zeros(n, dtype=bool)
        v, k = _known(sp[:, col], dtype)
        values[p], known[p] = v, k
        person[key] = (values, known)
    for key, dtype in (("application_date", np.int64), ("decl_fdgo", np.int64), ("decl_hist", np.int64),
                       ("children_school_attendance_proven", bool), ("security", np.int8),
                       ("has_main_applicant", bool)):
        person[key] = (np.zeros(n, dtype=dtype), np.zeros(n, dtype=bool))
    person["case_present"] = (np.zeros(n, dtype=bool), np.ones(n, dtype=bool))

    numbers, texts = [], []
    for block in _blocks(session, sa.select(ResidencePeriod.person_id, _code(ResidencePeriod.status, STATUS_CODE),
                                            d(ResidencePeriod.start), d(ResidencePeriod.end_date),
                                            ResidencePeriod.paragraph).where(scope.rows(ResidencePeriod.person_id))):
        numbers.append(np.array([row[:4] for row in block], dtype=float).reshape(len(block), 4))
        texts.extend(row[4] for row in block)
    per = np.concatenate(numbers) if numbers else np.zeros((0, 4))
    section, subsection = _paragraph_columns(texts)
    del numbers, texts
    pos = np.searchsorted(ids, per[:, 0].astype(np.int64)) if len(per) else np.zeros(0, dtype=np.int64)
    inside = (pos < n) & (ids[np.minimum(pos, max(n - 1, 0))] == per[:, 0]) if n else np.zeros(len(per), bool)
    per, per_p, section, subsection = per[inside], pos[inside], section[inside], subsection[inside]
    cert, cert_p = table(sa.select(LanguageCertificate.person_id, _code(LanguageCertificate.level, CEFR_CODE),
                                   d(LanguageCertificate.issued_on), LanguageCertificate.oral_only)
                         .where(scope.rows(LanguageCertificate.person_id)), 4)
    test, test_p = table(sa.select(CivicTest.person_id, _code(CivicTest.kind, CIVIC_CODE), d(CivicTest.taken_on),
                                   CivicTest.passed).where(scope.rows(CivicTest.person_id)), 4)
    school, school_p = table(sa.select(SchoolRecord.person_id, d(SchoolRecord.start), d(SchoolRecord.end_date),
                                       _code(SchoolRecord.kind, SCHOOL_CODE), SchoolRecord.successful)
                             .where(scope.rows(SchoolRecord.person_id)), 5)
    child = sa.orm.aliased(Person)
    kids, kids_p = table(sa.select(FamilyLink.person_id, d(child.date_of_birth), FamilyLink.same_household)
                         .join(child, child.id == FamilyLink.relative_id)
                         .where(FamilyLink.relation == "child", scope.rows(FamilyLink.person_id)), 3)
    batch = Batch(
        n=n, person=person,
        periods={"pidx": per_p, "status": per[:, 1].astype(np.int8), "section": section,
                 "subsection": subsection, "start": _int(per[:, 2]), "end": _int(per[:, 3], OPEN_END)},
        certs={"pidx": cert_p, "level": cert[:, 1].astype(np.int8), "issued": _int(cert[:, 2]),
               "oral_only": cert[:, 3] > 0},
        tests={"pidx": test_p, "kind": test[:, 1].astype(np.int8), "taken": _int(test[:, 2]),
               "passed": test[:, 3] > 0},
        convictions={"pidx": conv_p, "decided": _int(conv[:, 1]), "sanction": conv[:, 2].astype(np.int8),
                     "rates": _int(conv[:, 3]), "months": _int(conv[:, 4]),
                     **{k: conv[:, j] > 0 for j, k in enumerate(("suspended", "remitted", "inhuman_motive",
                                                                  "intentional", "foreigner_only_offence",
                                                                  "in_germany"), start=5)}},
        school={"pidx": school_p, "start": _int(school[:, 1]), "end": _int(school[:, 2], OPEN_END),
                "kind": school[:, 3].astype(np.int8), "successful": school[:, 4] > 0},
        children={"pidx": kids_p, "dob": _int(kids[:, 1]), "dob_known": ~np.isnan(kids[:, 1]),
                  "household": kids[:, 2] > 0},
    )
    return ids, batch


def _paragraph_columns(texts: Any) -> tuple[np.ndarray, np.ndarray]:
    """Section and subsection per row; each distinct paragraph text is parsed once."""
    lookup: dict[str, int] = {}
    codes = np.fromiter((lookup.setdefault(t or "", len(lookup)) for t in texts), dtype=np.int64, count=len(texts))
    parsed = [parse_paragraph(t) for t in lookup]
    sections = np.array([s for s, _ in parsed] or [""], dtype="U6")
    subsections = np.array([a for _, a in parsed] or [0], dtype=np.int16)
    return sections[codes], subsections[codes]


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


def attach_cases(session: Session, scope: Scope, ids: np.ndarray, persons: Batch, where: Any) -> Chunk:
    """The cases matching ``where`` whose person is in ``ids``, each with its person's data and case facts."""
    d = lambda col: days(session, col)  # noqa: E731
    rows = _cursor_rows(session, sa.select(
        Case.id, Case.file_number, Case.person_id, d(Case.received_on), d(Case.declaration_fdgo_on),
        d(Case.declaration_historic_responsibility_on), Case.children_school_attendance_proven,
        Case.main_case_id.isnot(None)).where(where, scope.rows(Case.person_id)).order_by(Case.id))
    members = set(ids.tolist())
    rows = [r for r in rows if r[2] in members]
    if not rows:
        return Chunk(Batch.from_records([]), np.zeros(0, dtype=np.int64), [])
    case_ids = np.array([r[0] for r in rows], dtype=np.int64)
    batch = take(persons, np.searchsorted(ids, np.array([r[2] for r in rows], dtype=np.int64)))
    m = np.array([r[3:] for r in rows], dtype=float).reshape(len(rows), 5)
    n = len(rows)
    batch.person["case_present"] = (np.ones(n, dtype=bool), np.ones(n, dtype=bool))
    for j, key in enumerate(("application_date", "decl_fdgo", "decl_hist")):
        batch.person[key] = _known(m[:, j], np.int64)
    batch.person["children_school_attendance_proven"] = _known(m[:, 3], bool)
    batch.person["has_main_applicant"] = (m[:, 4] > 0, np.ones(n, dtype=bool))
    # the latest answered-or-not Regelanfrage per case (highest id wins)
    checks = _fetch(session, sa.select(SecurityCheck.case_id, SecurityCheck.id,
                                       _code(SecurityCheck.result, {"no_findings": 0, "findings": 1}))
                    .join(Case, Case.id == SecurityCheck.case_id)
                    .where(SecurityCheck.kind == "regelanfrage", where, scope.rows(Case.person_id))
                    .order_by(SecurityCheck.id), 3)
    security = np.full(n, -1, dtype=np.int64)
    pos = np.searchsorted(case_ids, checks[:, 0].astype(np.int64))
    hit = (pos < n) & (case_ids[np.minimum(pos, n - 1)] == checks[:, 0])
    security[pos[hit]] = np.nan_to_num(checks[hit, 2], nan=-1).astype(np.int64)  # ordered by id: the last (latest) write wins
    batch.person["security"] = (np.maximum(security, 0).astype(np.int8), security >= 0)
    return Chunk(batch, case_ids, [r[1] for r in rows])


def iter_chunks(session: Session, *, office_id: int | None, cases: Any,
                chunk: int = CHUNK) -> Iterator[tuple[Chunk, Chunk]]:
    """Register persons in id ranges of ``chunk``, each with the cases matching ``cases`` of those persons:
    yields ``(persons, cases)``; every person is read once."""
    bounds = session.execute(sa.select(sa.func.min(Person.id), sa.func.max(Person.id)).where(
        (Person.office_id == office_id) if office_id is not None else sa.true())).one()
    if bounds[0] is None:
        return
    for lo in range(bounds[0], bounds[1] + 1, chunk):
        scope = Scope(lo, lo + chunk, office_id)
        ids, persons = load_persons(session, scope)
        if len(ids):
            yield Chunk(persons, ids, []), attach_cases(session, scope, ids, persons, cases)


def open_cases(basis: str, office_id: int | None) -> Any:
    """Condition for the open cases of ``basis`` (of one office)."""
    from ebh.cases.workflow import TERMINAL_KEYS

    open_case = sa.or_(*(sa.and_(Case.family == family, Case.status.notin_(keys))
                         for family, keys in TERMINAL_KEYS.items()))
    office = (Case.office_id == office_id) if office_id is not None else sa.true()
    return sa.and_(Case.case_type == basis, open_case, office)


def outcomes(batch: Batch, version: engine.RuleVersion, on: dt.date) -> np.ndarray:
    """Outcome codes (:data:`ebh.rules.engine.OUTCOME_CODES`) of every person of ``batch`` under ``version``."""
    env = VEnv(derive(batch, on), on, batch.n)
    return engine.vector_outcomes(engine.vector_statuses(version, env), batch.n)

"""Raw data of many persons straight from the database into a :class:`~ebh.rules.facts.Batch`.

One set-based query per table and chunk of persons (no ORM objects, no per-person Python code). The
cost of a bulk read is the database driver's work per row and per value, so the queries hand over as
little as possible:

* every value is an integer computed in SQL: dates as day numbers, codes mapped with ``CASE``,
  paragraphs as an index into the list of distinct paragraph texts, flags as 0/1;
* several values are packed into one 64-bit integer per row (:class:`Packing`, ``NULL`` kept apart
  from every value), so a person is four integers instead of thirty values;
* per-person aggregates (nationalities, BZR answer, last Regelanfrage) are correlated subqueries of the
  person or case row, not extra result rows;
* SQLite rows come from the raw ``sqlite3`` cursor into NumPy, PostgreSQL rows as ``COPY ... (FORMAT
  BINARY)``: fixed-width rows that NumPy reads without any per-row Python code.

Used by the law-change comparison (:mod:`ebh.rules.service`) and by ``bench/rules_bench.py``.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import queue
from collections.abc import Iterator, Sequence
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
from ebh.rules.record import PERSON_BOOLS, PERSON_DATES

CHUNK = 250_000
#: Rows per ``fetchmany`` of the SQLite cursor (bounds the Python tuples alive at once).
BLOCK = 100_000
_LIVELIHOOD_BOOLS = ("receives_sgb2_sgb12", "responsible_for_benefits", "full_time_employed", "secured_by_employment",
                     "self_supporting", "in_education")


# ------------------------------------------------------------------------------------------ packing
@dataclasses.dataclass(frozen=True)
class Field:
    """One value of a packed row: ``expr`` is an integer SQL expression (or NULL) between ``low`` and
    ``low + 2**bits - 1``; it is stored as ``expr - low + 1`` in ``bits + 1`` bits, so that 0 means NULL."""

    name: str
    expr: Any
    bits: int
    low: int
    boolean: bool = False


def flag(name: str, expr: Any) -> Field:
    """A boolean column (or expression) as 0/1."""
    return Field(name, expr, 1, 0, boolean=True)


def code(name: str, expr: Any, mapping: dict[str, int]) -> Field:
    """A text column mapped to small codes; values outside ``mapping`` become -1."""
    mapped = sa.case(mapping, value=expr, else_=-1) if mapping else sa.literal_column("-1")
    return Field(name, mapped, (max(mapping.values(), default=0) + 1).bit_length(), -1)


def integer(name: str, expr: Any) -> Field:
    """An ``INTEGER`` column (32 bits signed, as in PostgreSQL)."""
    return Field(name, expr, 32, -(2**31))


def date(dialect: str, name: str, expr: Any) -> Field:
    """A date as days since 1970-01-01; any date of years 1–9999 fits."""
    return Field(name, days(dialect, expr), 22, -719_163)


_WORD_BITS = 62  # keeps every packed word a positive signed 64-bit integer


class Packing:
    """Fields packed into as few 64-bit words as fit (in the given order); SQL to build them, NumPy to
    take them apart again."""

    def __init__(self, fields: Sequence[Field]) -> None:
        self.fields = list(fields)
        self.slots: list[tuple[int, int]] = []  # (word, shift) per field
        word, used = 0, 0
        for f in self.fields:
            assert f.bits + 1 <= _WORD_BITS, f.name
            if used + f.bits + 1 > _WORD_BITS:
                word, used = word + 1, 0
            self.slots.append((word, used))
            used += f.bits + 1
        self.width = word + 1 if self.fields else 0

    def columns(self, dialect: str) -> list[Any]:
        """One BIGINT per word. SQLite computes in 64-bit integers and stores booleans as 0/1 already, so it
        gets no casts: every operator per value and row counts there."""
        pg = dialect == "postgresql"
        words: list[list[Any]] = [[] for _ in range(self.width)]
        for f, (word, shift) in zip(self.fields, self.slots, strict=True):
            if pg:
                value = sa.cast(sa.cast(f.expr, sa.Integer) if f.boolean else f.expr, sa.BigInteger)
            else:
                value = sa.type_coerce(f.expr, sa.Integer) if f.boolean else f.expr
            stored = sa.func.coalesce(value + sa.literal_column(str(1 - f.low)), 0)
            words[word].append(stored * sa.literal_column(str(1 << shift)) if shift else stored)
        total = [sum(parts[1:], parts[0]) for parts in words]
        return [(sa.cast(t, sa.BigInteger) if pg else t).label(f"w{k}") for k, t in enumerate(total)]

    def unpack(self, matrix: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """``name -> (values, known)``; unknown values are 0."""
        out = {}
        for f, (word, shift) in zip(self.fields, self.slots, strict=True):
            raw = (matrix[:, word] >> shift) & ((1 << (f.bits + 1)) - 1)
            known = raw != 0
            out[f.name] = (np.where(known, raw + (f.low - 1), 0), known)
        return out


# ---------------------------------------------------------------------------------------- transport
def days(dialect: str, column: Any) -> Any:
    """SQL expression: a DATE column as days since 1970-01-01."""
    if dialect == "postgresql":
        return column - sa.cast(sa.literal("1970-01-01"), sa.Date)
    return sa.cast(sa.func.julianday(column) - 2440587.5, sa.Integer)


def _matrix(connection: sa.Connection, stmt: Any, width: int) -> np.ndarray:
    """The result of ``stmt`` (``width`` non-NULL BIGINT columns) as an int64 matrix, read with the raw
    DB-API connection (same transaction as ``connection``)."""
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        return _copy_binary(raw, compiled.string, compiled.params, width)
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    cursor = raw.cursor()
    try:
        cursor.execute(compiled.string, params)
        parts = [np.array(rows, dtype=np.int64) for rows in iter(lambda: cursor.fetchmany(BLOCK), [])]
    finally:
        cursor.close()
    return np.concatenate(parts).reshape(-1, width) if parts else np.zeros((0, width), dtype=np.int64)


def _copy_binary(raw: Any, sql: str, params: dict[str, Any], width: int) -> np.ndarray:
    """``COPY (sql) TO STDOUT (FORMAT BINARY)`` into NumPy: with only non-NULL int8 columns every row is
    a field count (int16) and ``width`` pairs of length (int32) and value (int64), big-endian."""
    data = bytearray()
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params) as copy:
        for block in copy:
            data += block
    extension = int.from_bytes(data[15:19], "big")  # 11-byte signature, flags, header extension length
    body = memoryview(data)[19 + extension:len(data) - 2]  # trailer: field count -1
    row = np.dtype([("count", ">i2"), *((name, t) for k in range(width)
                                         for name, t in ((f"len{k}", ">i4"), (f"v{k}", ">i8")))])
    rows = np.frombuffer(body, dtype=row)
    assert not len(rows) or (rows["count"] == width).all()
    return np.stack([rows[f"v{k}"].astype(np.int64) for k in range(width)], axis=1).reshape(-1, width)


Columns = dict[str, tuple[np.ndarray, np.ndarray]]


@dataclasses.dataclass(frozen=True)
class Read:
    """One query of a chunk: ``stmt`` (without columns) selecting the packed ``fields``."""

    stmt: Any
    fields: list[Field]

    def run(self, connection: sa.Connection) -> Columns:
        packing = Packing(self.fields)
        columns = packing.columns(connection.dialect.name)
        return packing.unpack(_matrix(connection, self.stmt.add_columns(*columns), packing.width))


# ------------------------------------------------------------------------------------------- loading
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


def paragraphs(session: Session, scope: Scope | None = None) -> list[str]:
    """The distinct paragraph texts of residence periods (of ``scope``), in a fixed order."""
    stmt = sa.select(ResidencePeriod.paragraph).distinct()
    if scope is not None:
        stmt = stmt.where(scope.rows(ResidencePeriod.person_id))
    return sorted(p or "" for p in session.scalars(stmt))


def _person_index(ids: np.ndarray, person_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of each row's person in ``ids`` and whether the person is there at all."""
    n = len(ids)
    pos = np.searchsorted(ids, person_ids)
    inside = (pos < n) & (ids[np.minimum(pos, max(n - 1, 0))] == person_ids) if n else np.zeros(len(pos), bool)
    return pos, inside


_CONVICTION_FLAGS = ("suspended", "remitted", "inhuman_motive", "intentional", "foreigner_only_offence", "in_germany")


def _person_reads(dialect: str, scope: Scope, texts: list[str]) -> dict[str, Read]:
    """The queries for the persons of ``scope``; independent of each other (they may run in parallel)."""
    d = lambda name, col: date(dialect, name, col)
    eu = sa.case((Nationality.country.in_(sorted(EU_OR_CH)), 1), else_=0)
    stateless = sa.case((Nationality.country == "XXA", 2), else_=0)
    nationality = sa.func.max(eu) + sa.func.max(stateless)
    bzr = sa.select(Case.person_id).join(SecurityCheck, SecurityCheck.case_id == Case.id).where(
        SecurityCheck.kind == "bzr", SecurityCheck.result.in_(("no_findings", "findings")))
    persons = sa.select().select_from(Person).where(scope.persons()).order_by(Person.id)
    checks = persons
    if dialect == "postgresql":  # joins with grouped ranges: hash joins instead of a subplan per person
        nat = (sa.select(Nationality.person_id, nationality.label("value")).where(scope.rows(Nationality.person_id))
               .group_by(Nationality.person_id).subquery())
        convicted = sa.select(Conviction.person_id).where(scope.rows(Conviction.person_id)).distinct().subquery()
        answered = bzr.where(scope.rows(Case.person_id)).distinct().subquery()
        checks = (persons.outerjoin(nat, nat.c.person_id == Person.id)
                  .outerjoin(convicted, convicted.c.person_id == Person.id)
                  .outerjoin(answered, answered.c.person_id == Person.id))
        check_fields = [Field("nationality", nat.c.value, 2, 0),
                        flag("convictions_known", sa.or_(convicted.c.person_id.isnot(None),
                                                         answered.c.person_id.isnot(None)))]
    else:  # SQLite: correlated lookups on the person_id indexes are its cheapest plan
        check_fields = [
            Field("nationality", sa.select(nationality).where(Nationality.person_id == Person.id).correlate(Person)
                  .scalar_subquery(), 2, 0),
            flag("convictions_known", sa.or_(
                sa.exists().where(Conviction.person_id == Person.id).correlate(Person),
                sa.exists(bzr.where(Case.person_id == Person.id).correlate(Person))))]
    spouse_l, child = sa.orm.aliased(Livelihood), sa.orm.aliased(Person)

    def rows(stmt: Any, person_id: Any, fields: list[Field]) -> Read:
        return Read(stmt.where(scope.rows(person_id)), [integer("person_id", person_id), *fields])

    return {
        "persons": Read(persons.outerjoin(Livelihood, Livelihood.person_id == Person.id), [
            integer("id", Person.id), *(d(k, getattr(Person, k)) for k in PERSON_DATES),
            integer("months_employed_last_24", Livelihood.months_employed_last_24),
            *(flag(k, getattr(Person, k)) for k in PERSON_BOOLS),
            *(flag(k, getattr(Livelihood, k)) for k in _LIVELIHOOD_BOOLS)]),
        "person_checks": Read(checks, [integer("id", Person.id), *check_fields]),
        "periods": rows(sa.select(), ResidencePeriod.person_id, [
            code("status", ResidencePeriod.status, STATUS_CODE), d("start", ResidencePeriod.start),
            d("end", ResidencePeriod.end_date),
            code("paragraph", sa.func.coalesce(ResidencePeriod.paragraph, ""), {t: i for i, t in enumerate(texts)})]),
        "certs": rows(sa.select(), LanguageCertificate.person_id, [
            code("level", LanguageCertificate.level, CEFR_CODE), d("issued", LanguageCertificate.issued_on),
            flag("oral_only", LanguageCertificate.oral_only)]),
        "tests": rows(sa.select(), CivicTest.person_id, [
            code("kind", CivicTest.kind, CIVIC_CODE), d("taken", CivicTest.taken_on), flag("passed", CivicTest.passed)]),
        "convictions": rows(sa.select(), Conviction.person_id, [
            d("decided", Conviction.decided_on), code("sanction", Conviction.sanction, SANCTION_CODE),
            integer("rates", Conviction.daily_rates), integer("months", Conviction.months),
            *(flag(k, getattr(Conviction, k)) for k in _CONVICTION_FLAGS)]),
        "school": rows(sa.select(), SchoolRecord.person_id, [
            d("start", SchoolRecord.start), d("end", SchoolRecord.end_date), code("kind", SchoolRecord.kind, SCHOOL_CODE),
            flag("successful", SchoolRecord.successful)]),
        "children": rows(sa.select().select_from(FamilyLink).join(child, child.id == FamilyLink.relative_id)
                         .where(FamilyLink.relation == "child"), FamilyLink.person_id,
                         [d("dob", child.date_of_birth), flag("household", FamilyLink.same_household)]),
        "spouses": rows(sa.select().select_from(FamilyLink)
                        .outerjoin(spouse_l, spouse_l.person_id == FamilyLink.relative_id)
                        .where(FamilyLink.relation == "spouse"), FamilyLink.person_id,
                        [integer("link", FamilyLink.id), flag("household", FamilyLink.same_household),
                         flag("full_time", spouse_l.full_time_employed),
                         integer("months", spouse_l.months_employed_last_24)]),
    }


def _persons_batch(cols: dict[str, Columns], texts: list[str]) -> tuple[np.ndarray, Batch]:
    """Person ids (sorted) and the batch from the results of :func:`_person_reads`."""
    main, checks = cols["persons"], cols["person_checks"]
    ids = main["id"][0]
    n = len(ids)
    # both read the persons of the scope in id order; a person added in between is read in the next run
    pos, inside = _person_index(ids, checks["id"][0])
    person: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key in (*PERSON_DATES, "months_employed_last_24"):
        person[key] = main[key]
    for key in (*PERSON_BOOLS, *_LIVELIHOOD_BOOLS):
        person[key] = (main[key][0] > 0, main[key][1])
    nat, has = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    nat[pos[inside]], has[pos[inside]] = checks["nationality"][0][inside], checks["nationality"][1][inside]
    person["eu_or_swiss_national"] = ((nat & 1) > 0, has)
    person["stateless"] = ((nat & 2) > 0, has)
    convictions_known = np.zeros(n, dtype=bool)
    convictions_known[pos[inside]] = checks["convictions_known"][0][inside] > 0
    person["convictions_known"] = (convictions_known, np.ones(n, dtype=bool))

    def table(key: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Rows of a child table whose person is in ``ids`` (values, NULL as 0, and ``*_known``), person index."""
        rows = dict(cols[key])
        at, keep = _person_index(ids, rows.pop("person_id")[0])
        return ({k: v[keep] for k, (v, _) in rows.items()} | {f"{k}_known": kn[keep] for k, (_, kn) in rows.items()},
                at[keep])

    # spouse: a spouse in the household wins (the last one), else the first link (as the per-case adapter)
    sp, p = table("spouses")
    household = sp["household"] > 0
    order = np.lexsort((np.where(household, sp["link"], -sp["link"]), household, p))
    present = np.zeros(n, dtype=bool)
    present[p] = True
    person["spouse_present"] = (present, np.ones(n, dtype=bool))
    for key, col, dtype in (("spouse_household", "household", bool), ("spouse_full_time", "full_time", bool),
                            ("spouse_months", "months", np.int64)):
        values, known = np.zeros(n, dtype=dtype), np.zeros(n, dtype=bool)
        values[p[order]] = sp[col][order]  # fancy assignment: the last row per person wins
        known[p[order]] = sp[f"{col}_known"][order]
        if key == "spouse_household":  # not recorded counts as same household
            values, known = values | (present & ~known), present
        person[key] = (values, known)
    for key, dtype in (("application_date", np.int64), ("decl_fdgo", np.int64), ("decl_hist", np.int64),
                       ("children_school_attendance_proven", bool), ("security", np.int8),
                       ("has_main_applicant", bool)):
        person[key] = (np.zeros(n, dtype=dtype), np.zeros(n, dtype=bool))
    person["case_present"] = (np.zeros(n, dtype=bool), np.ones(n, dtype=bool))

    per, per_p = table("periods")
    parsed = [parse_paragraph(t) for t in texts] + [("", 0)]  # last: NULL or a text added since
    paragraph = np.where(per["paragraph_known"] & (per["paragraph"] >= 0), per["paragraph"], len(texts))
    cert, cert_p = table("certs")
    test, test_p = table("tests")
    conv, conv_p = table("convictions")
    school, school_p = table("school")
    kids, kids_p = table("children")
    yes_unless_false = lambda t, k: (t[k] > 0) | ~t[f"{k}_known"]
    batch = Batch(
        n=n, person=person,
        periods={"pidx": per_p, "status": per["status"].astype(np.int8),
                 "section": np.array([s for s, _ in parsed], dtype="U6")[paragraph],
                 "subsection": np.array([a for _, a in parsed], dtype=np.int16)[paragraph],
                 "start": per["start"], "end": np.where(per["end_known"], per["end"], OPEN_END)},
        certs={"pidx": cert_p, "level": cert["level"].astype(np.int8), "issued": cert["issued"],
               "oral_only": cert["oral_only"] > 0},
        tests={"pidx": test_p, "kind": test["kind"].astype(np.int8), "taken": test["taken"],
               "passed": test["passed"] > 0},
        convictions={"pidx": conv_p, "decided": conv["decided"], "sanction": conv["sanction"].astype(np.int8),
                     "rates": conv["rates"], "months": conv["months"],
                     **{k: (yes_unless_false(conv, k) if k in ("intentional", "in_germany") else conv[k] > 0)
                        for k in _CONVICTION_FLAGS}},
        school={"pidx": school_p, "start": school["start"], "end": np.where(school["end_known"], school["end"], OPEN_END),
                "kind": school["kind"].astype(np.int8), "successful": yes_unless_false(school, "successful")},
        children={"pidx": kids_p, "dob": kids["dob"], "dob_known": kids["dob_known"],
                  "household": yes_unless_false(kids, "household")},
    )
    return ids, batch


def _run(connection: sa.Connection, reads: dict[str, Read]) -> dict[str, Columns]:
    return {key: read.run(connection) for key, read in reads.items()}


def load_persons(session: Session, scope: Scope, paragraph_texts: list[str] | None = None) -> tuple[np.ndarray, Batch]:
    """Person ids (sorted) and their raw data for ``scope``; no case facts (see :func:`attach_cases`).
    ``paragraph_texts`` (from :func:`paragraphs`) saves a query per chunk."""
    texts = paragraphs(session, scope) if paragraph_texts is None else paragraph_texts
    connection = session.connection()
    return _persons_batch(_run(connection, _person_reads(connection.dialect.name, scope, texts)), texts)


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


class FileNumbers(Sequence[str]):
    """File numbers of a chunk's cases, read on first use (most callers never need them)."""

    def __init__(self, session: Session, case_ids: np.ndarray) -> None:
        self._session, self._ids, self._numbers = session, case_ids, None

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, i: Any) -> Any:
        if self._numbers is None:
            found: dict[int, str] = {}
            ids = self._ids.tolist()
            for k in range(0, len(ids), 10_000):
                found.update(self._session.execute(sa.select(Case.id, Case.file_number)
                                                   .where(Case.id.in_(ids[k:k + 10_000]))).all())
            self._numbers = [found[i] for i in ids]
        return self._numbers[i]


@dataclasses.dataclass
class Chunk:
    batch: Batch
    #: case ids (cases) or person ids (persons)
    ids: np.ndarray
    #: file numbers for cases
    labels: Sequence[str]


def _case_read(dialect: str, scope: Scope, where: Any) -> Read:
    d = lambda name, col: date(dialect, name, col)
    # the latest Regelanfrage of the case as the per-case adapter sees it (by requested_on, then id), found
    # with max() over (day, id, result) packed into one number instead of sorting per case
    result = sa.case({"no_findings": 1, "findings": 2}, value=SecurityCheck.result, else_=0)
    packed = sa.func.max((sa.cast(days(dialect, SecurityCheck.requested_on), sa.BigInteger) + 719_163)
                         * sa.literal_column(str(1 << 34)) + sa.cast(SecurityCheck.id, sa.BigInteger) * 4 + result)
    stmt = sa.select().select_from(Case)
    if dialect == "postgresql":
        checks = (sa.select(SecurityCheck.case_id, packed.label("value")).join(Case, Case.id == SecurityCheck.case_id)
                  .where(SecurityCheck.kind == "regelanfrage", scope.rows(Case.person_id))
                  .group_by(SecurityCheck.case_id).subquery())
        stmt, latest = stmt.outerjoin(checks, checks.c.case_id == Case.id), checks.c.value
    else:
        latest = (sa.select(packed).where(SecurityCheck.case_id == Case.id, SecurityCheck.kind == "regelanfrage")
                  .correlate(Case).scalar_subquery())
    return Read(stmt.where(where, scope.rows(Case.person_id)).order_by(Case.id), [
        integer("id", Case.id), integer("person_id", Case.person_id), d("application_date", Case.received_on),
        d("decl_fdgo", Case.declaration_fdgo_on), d("decl_hist", Case.declaration_historic_responsibility_on),
        flag("children_school_attendance_proven", Case.children_school_attendance_proven),
        flag("has_main_applicant", Case.main_case_id.isnot(None)), Field("latest_check", latest, 57, 0)])


def _cases_chunk(session: Session, cols: Columns, ids: np.ndarray, persons: Batch) -> Chunk:
    pos, inside = _person_index(ids, cols["person_id"][0])
    case_ids = cols["id"][0][inside]
    batch = take(persons, pos[inside])
    n = len(case_ids)
    batch.person["case_present"] = (np.ones(n, dtype=bool), np.ones(n, dtype=bool))
    for key in ("application_date", "decl_fdgo", "decl_hist"):
        batch.person[key] = (cols[key][0][inside], cols[key][1][inside])
    for key in ("children_school_attendance_proven", "has_main_applicant"):
        batch.person[key] = (cols[key][0][inside] > 0, cols[key][1][inside])
    result = cols["latest_check"][0][inside] & 3  # 0: none or unanswered, 1: no findings, 2: findings
    batch.person["security"] = (np.maximum(result - 1, 0).astype(np.int8), result > 0)
    return Chunk(batch, case_ids, FileNumbers(session, case_ids))


def attach_cases(session: Session, scope: Scope, ids: np.ndarray, persons: Batch, where: Any) -> Chunk:
    """The cases matching ``where`` whose person is in ``ids``, each with its person's data and case facts."""
    connection = session.connection()
    return _cases_chunk(session, _case_read(connection.dialect.name, scope, where).run(connection), ids, persons)


class _Readers:
    """Runs reads on ``workers`` extra connections of the session's engine, in threads. The drivers leave
    the interpreter lock while the database works (SQLite in ``sqlite3_step``, PostgreSQL in its own
    process), so two readers use both cores. Each read is its own short transaction."""

    def __init__(self, engine: sa.Engine, workers: int) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="ebh-bulk")
        self._connections: queue.SimpleQueue[sa.Connection] = queue.SimpleQueue()
        self._opened: list[sa.Connection] = []
        for _ in range(workers):
            connection = engine.connect()
            self._opened.append(connection)
            self._connections.put(connection)

    def _one(self, read: Read) -> Columns:
        connection = self._connections.get()
        try:
            with connection.begin():
                return read.run(connection)
        finally:
            self._connections.put(connection)

    def submit(self, reads: dict[str, Read]) -> dict[str, concurrent.futures.Future[Columns]]:
        return {key: self._pool.submit(self._one, read) for key, read in reads.items()}

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for connection in self._opened:
            connection.close()


def _threads_possible(engine: sa.Engine) -> bool:
    """Extra connections see the same data, except for an in-memory SQLite database."""
    return not (engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"))


def iter_chunks(session: Session, *, office_id: int | None, cases: Any, chunk: int = CHUNK,
                workers: int = 2) -> Iterator[tuple[Chunk, Chunk]]:
    """Register persons in id ranges of ``chunk``, each with the cases matching ``cases`` of those persons:
    yields ``(persons, cases)``; every person is read once.

    With ``workers > 1`` the queries run on that many extra connections in threads, and the next chunk
    is read while the caller works on the current one (two chunks in memory)."""
    bounds = session.execute(sa.select(sa.func.min(Person.id), sa.func.max(Person.id)).where(
        (Person.office_id == office_id) if office_id is not None else sa.true())).one()
    if bounds[0] is None:
        return
    texts = paragraphs(session)
    dialect = session.get_bind().dialect.name
    scopes = [Scope(lo, lo + chunk, office_id) for lo in range(bounds[0], bounds[1] + 1, chunk)]

    def reads(scope: Scope) -> dict[str, Read]:
        return {**_person_reads(dialect, scope, texts), "cases": _case_read(dialect, scope, cases)}

    def assemble(results: dict[str, Columns]) -> tuple[Chunk, Chunk] | None:
        ids, persons = _persons_batch(results, texts)
        if not len(ids):
            return None
        return Chunk(persons, ids, []), _cases_chunk(session, results["cases"], ids, persons)

    engine = session.get_bind()
    if workers <= 1 or not _threads_possible(engine):
        for scope in scopes:
            if (pair := assemble(_run(session.connection(), reads(scope)))) is not None:
                yield pair
        return
    readers = _Readers(engine, workers)
    try:
        pending = readers.submit(reads(scopes[0]))
        for k in range(len(scopes)):
            results = {key: future.result() for key, future in pending.items()}
            if k + 1 < len(scopes):
                pending = readers.submit(reads(scopes[k + 1]))
            pair = assemble(results)
            del results
            if pair is not None:
                yield pair
    finally:
        readers.close()


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

"""Bulk load of the generated rows into one transaction: ``executemany`` on SQLite, ``COPY`` on PostgreSQL,
secondary indexes (and on PostgreSQL foreign keys) rebuilt after a large load into empty tables."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import multiprocessing
import queue as queue_module
import resource
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import click
import sqlalchemy as sa

from ebh.demo import data
from ebh.demo.generator import TABLES, Generator, _Office, columns
from ebh.extensions import db

#: Shared password of all demo users (passes the policy of :mod:`ebh.auth.passwords`).
DEMO_PASSWORD = "Rheinufer-Demo-Zugang-7319"
#: Above this many persons on empty tables, secondary indexes are rebuilt after the load.
REBUILD_INDEXES_FROM = 20_000
#: From this many persons the rows are generated in a separate process while the database writes.
PARALLEL_FROM = 20_000
#: Rows buffered before they are written.
CHUNK_ROWS = 20_000


@dataclasses.dataclass
class DemoResult:
    persons: int
    cases: int
    rows: dict[str, int]
    seconds: float
    users: list[tuple[str, str, str]]
    password: str
    #: Seconds per phase: rows (generate and write), indexes (rebuild), foreign_keys (re-add on PostgreSQL),
    #: analyze (planner statistics after a large load); CPU seconds of this process while writing the rows
    #: (cpu_writer) and of the generator process (cpu_generator, 0 for small in-process loads).
    timings: dict[str, float]



class _Sink:
    """Writes row tuples of one table into the current transaction with the driver's bulk path."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.postgresql = connection.dialect.name == "postgresql"
        self.columns = {table: columns(table) for table in TABLES}

    def __enter__(self) -> _Sink:
        if not self.postgresql:
            # A large page cache keeps the B-trees of one big transaction in memory instead of spilling them.
            self._cache_size = self.connection.exec_driver_sql("PRAGMA cache_size").scalar()
            self.connection.exec_driver_sql("PRAGMA cache_size = -1000000")
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.postgresql:
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {int(self._cache_size)}")

    def write(self, table: str, rows: list[tuple]) -> None:
        if not rows:
            return
        cols = self.columns[table]
        if len(rows[0]) != len(cols):
            raise RuntimeError(f"ebh demo: a row of {table} has {len(rows[0])} values, the table {len(cols)} columns")
        if self.postgresql:
            raw = self.connection.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(cols))
            self.connection.exec_driver_sql(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)



def _ensure_offices(count: int) -> list[tuple[Any, data.OfficeSpec]]:
    """The first ``count`` demo offices; existing offices with the same code are reused unchanged."""
    from ebh.auth.models import Office, OfficeKind

    result = []
    for spec in data.OFFICES[:count]:
        office = db.session.scalar(sa.select(Office).where(Office.code == spec.code))
        if office is None:
            office = Office(code=spec.code, name=spec.name, kind=OfficeKind(spec.kind), bundesland="NW",
                            street=spec.street, postcode=spec.postcode, city=spec.city,
                            email=f"{spec.code.lower()}@example.org", file_number_pattern=spec.pattern)
            db.session.add(office)
        result.append((office, spec))
    db.session.flush()
    return result


def _demo_usernames(spec: data.OfficeSpec, caseworkers: int) -> list[tuple[str, str, str]]:
    """(username, role, display name) of the demo users of an office."""
    code = spec.code.lower()
    users = [(f"{code}.sb{i}", "caseworker", f"Sachbearbeitung {i} ({spec.city})") for i in range(1, caseworkers + 1)]
    users += [(f"{code}.kampagne", "campaign", f"Kampagnenteam ({spec.city})"),
              (f"{code}.leitung", "supervisor", f"Teamleitung ({spec.city})"),
              (f"{code}.admin", "admin", f"Administration ({spec.city})")]
    return users


def _ensure_users(offices: list[tuple[Any, data.OfficeSpec]], persons: int) -> tuple[list[_Office], list[tuple]]:
    """Demo users of every role per office (existing usernames are kept); caseworker ids per office."""
    from ebh.auth import passwords
    from ebh.auth.models import Role, User

    passwords.check_policy(DEMO_PASSWORD)
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    total_weight = sum(spec.weight for _, spec in offices)
    contexts, listing = [], []
    for office, spec in offices:
        caseworkers = max(3, min(25, int(persons * spec.weight / total_weight) // 15_000))
        ids = []
        for username, role, display in _demo_usernames(spec, caseworkers):
            user = db.session.scalar(sa.select(User).where(User.username == username))
            if user is None:
                user = User(office_id=office.id, username=username, display_name=display, role=Role(role),
                            email=f"{username}@example.org", password_hash=password_hash)
                db.session.add(user)
                db.session.flush()
            if user.office_id == office.id:
                listing.append((username, role, spec.name))
                if role == "caseworker":
                    ids.append(user.id)
        if not ids:
            raise click.ClickException(f"Behörde {spec.code}: keine Demo-Sachbearbeitung vorhanden.")
        contexts.append(_Office(office.id, spec, ids))
    return contexts, listing


def _max_ids(connection: sa.Connection) -> dict[str, int]:
    return {table: (connection.execute(sa.select(sa.func.max(db.metadata.tables[table].c.id))).scalar() or 0) + 1
            for table in TABLES}


def _secondary_indexes() -> list[sa.Index]:
    return [index for table in TABLES for index in db.metadata.tables[table].indexes]


def _foreign_keys() -> list[sa.ForeignKeyConstraint]:
    return [fk for table in TABLES for fk in db.metadata.tables[table].foreign_key_constraints]


def _counters(offices: list[_Office]) -> dict[tuple[int, str, int], int]:
    from ebh.cases.models import FileNumberCounter

    rows = db.session.scalars(sa.select(FileNumberCounter).where(
        FileNumberCounter.office_id.in_([o.id for o in offices])))
    return {(r.office_id, r.prefix, r.year): r.last_value for r in rows}


def _save_counters(counters: dict[tuple[int, str, int], int]) -> None:
    from ebh.cases.models import FileNumberCounter

    existing = {(r.office_id, r.prefix, r.year): r for r in db.session.scalars(sa.select(FileNumberCounter))}
    for (office_id, prefix, year), value in counters.items():
        row = existing.get((office_id, prefix, year))
        if row is None:
            db.session.add(FileNumberCounter(office_id=office_id, prefix=prefix, year=year, last_value=value))
        elif row.last_value < value:
            row.last_value = value


@dataclasses.dataclass
class _GeneratorParams:
    seed: int
    today: dt.date
    offices: list[_Office]
    next_ids: dict[str, int]
    counters: dict[tuple[int, str, int], int]
    persons: int


@dataclasses.dataclass
class _Chunk:
    rows: dict[str, list[tuple]]
    #: Persons generated so far.
    persons: int


@dataclasses.dataclass
class _Done:
    persons: int
    cases: int
    counters: dict[tuple[int, str, int], int]


def _chunks_in_process(params: _GeneratorParams) -> Iterator[_Chunk | _Done]:
    """All rows in chunks of about :data:`CHUNK_ROWS`, then the totals."""
    generator = Generator(params.seed, params.today, params.offices, params.next_ids, params.counters)
    while generator.persons < params.persons:
        generator.household(params.persons - generator.persons)
        if generator.pending() >= CHUNK_ROWS:
            yield _Chunk(generator.take_rows(), generator.persons)
    yield _Chunk(generator.take_rows(), generator.persons)
    yield _Done(generator.persons, generator.cases, generator.counters)


def _generate_into(params: _GeneratorParams, queue: Any) -> None:
    """Entry point of the generator process: the same chunks as in-process, sent through ``queue``."""
    try:
        for item in _chunks_in_process(params):
            queue.put(item)
    except BaseException:  # the parent re-raises it; nothing else reports errors of this process
        queue.put(RuntimeError(f"ebh demo: generator failed\n{traceback.format_exc()}"))


def _chunks_from_child(params: _GeneratorParams) -> Iterator[_Chunk | _Done]:
    """The chunks of :func:`_chunks_in_process`, generated in a separate process.

    On two or more cores the next chunk is generated while the database writes the current one. The
    generator is the same sequential code, so the data is identical to an in-process run.
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=3)
    child = context.Process(target=_generate_into, args=(params, queue), name="ebh-demo-generator", daemon=True)
    child.start()
    try:
        while True:
            try:
                item = queue.get(timeout=5)
            except queue_module.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"ebh demo: generator process ended with exit code {child.exitcode}") from None
                continue
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, _Done):
                child.join(timeout=30)  # so that its CPU time is counted (RUSAGE_CHILDREN)
                yield item
                return
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=10)


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def has_persons() -> bool:
    from ebh.cases.models import Person

    return db.session.scalar(sa.select(Person.id).limit(1)) is not None


def load_demo(persons: int = 300, seed: int = 1, offices: int = 5, *, today: dt.date | None = None,
              progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Generate and store demo data in the current transaction (the caller commits once)."""
    started = time.perf_counter()
    cpu_self, cpu_children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    office_contexts, listing = _ensure_users(_ensure_offices(offices), persons)
    connection = db.session.connection()
    next_ids = _max_ids(connection)
    rebuild = persons >= REBUILD_INDEXES_FROM and all(value == 1 for value in next_ids.values())
    sink = _Sink(connection)
    indexes = _secondary_indexes() if rebuild else []
    # PostgreSQL checks foreign keys row by row in triggers (the larger part of the load time); adding
    # them again afterwards validates all rows in one pass per constraint.
    foreign_keys = _foreign_keys() if rebuild and sink.postgresql else []
    for fk in foreign_keys:
        connection.execute(sa.schema.DropConstraint(fk))
    for index in indexes:
        connection.execute(sa.schema.DropIndex(index, if_exists=True))
    params = _GeneratorParams(seed, today or dt.date.today(), office_contexts, next_ids, _counters(office_contexts),
                              persons)
    written: dict[str, int] = dict.fromkeys(TABLES, 0)
    chunks = _chunks_in_process(params) if persons < PARALLEL_FROM else _chunks_from_child(params)
    with sink, contextlib.closing(chunks):
        for item in chunks:
            if isinstance(item, _Done):
                done = item
                break
            for table, rows in item.rows.items():
                sink.write(table, rows)
                written[table] += len(rows)
            if progress:
                progress(item.persons, persons)
    timings = {"rows": time.perf_counter() - started, "cpu_writer": _cpu(resource.RUSAGE_SELF) - cpu_self,
               "cpu_generator": _cpu(resource.RUSAGE_CHILDREN) - cpu_children}
    for index in indexes:
        connection.execute(sa.schema.CreateIndex(index))
    timings["indexes"] = time.perf_counter() - started - timings["rows"]
    for fk in foreign_keys:
        connection.execute(sa.schema.AddConstraint(fk))
    timings["foreign_keys"] = time.perf_counter() - started - timings["rows"] - timings["indexes"]
    if rebuild:  # planner statistics for the new data (PostgreSQL's autovacuum would do it later)
        if not sink.postgresql:
            connection.exec_driver_sql("PRAGMA analysis_limit = 1000")
        connection.exec_driver_sql("ANALYZE")
    timings["analyze"] = time.perf_counter() - started - timings["rows"] - timings["indexes"] - timings["foreign_keys"]
    if sink.postgresql:
        for table, count in written.items():
            if count:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    _save_counters(done.counters)
    from ebh.audit.service import record

    record(None, "create", "demo", None,
           summary=f"Demodaten geladen: {done.persons} Personen, {done.cases} Fälle, Seed {seed}")
    db.session.flush()
    return DemoResult(done.persons, done.cases, written, time.perf_counter() - started, listing,
                      DEMO_PASSWORD, timings)


def vacuum_after_load() -> float:
    """PostgreSQL: ``VACUUM ANALYZE`` after a large load (outside the load's transaction), so that the
    visibility map is set and index-only scans need no heap visits – what autovacuum would do later.
    Returns the seconds it took (0 on SQLite, where ANALYZE ran inside the load)."""
    if db.engine.dialect.name != "postgresql":
        return 0.0
    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in TABLES:
            connection.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


def existing_demo_users(offices: int = len(data.OFFICES)) -> list[tuple[str, str, str]]:
    from ebh.auth.models import Office, User

    names = {spec.code: spec for spec in data.OFFICES[:offices]}
    rows = db.session.execute(
        sa.select(User.username, User.role, Office.name, Office.code).join(Office, User.office_id == Office.id)
        .where(Office.code.in_(names)).order_by(Office.id, User.id)).all()
    wanted = {u for spec in names.values() for u, _, _ in _demo_usernames(spec, 25)}
    return [(u, r.value if hasattr(r, "value") else str(r), n) for u, r, n, _ in rows if u in wanted]


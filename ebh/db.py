"""Database base class, column types and the unit-of-work helpers.

Services only ``flush()``; the request (``after_request`` in :mod:`ebh.web`), the CLI command
(:func:`transaction`) or the scheduler job commits exactly once. Side effects such as mail or files
are registered with :func:`after_commit` and run only when that commit succeeded.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as naive UTC and always returned as an aware UTC datetime."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is required")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """Turn on foreign keys and a busy timeout for every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Larger page cache and memory-mapped reads: list and search queries on a million persons stay in memory.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.close()


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a row of an append-only log."""


def append_only(model: type, what: str, error: type[AppendOnlyError] = AppendOnlyError) -> None:
    """Make the ORM refuse UPDATE and DELETE of ``model`` rows (audit log, letter log, evaluations).

    A correction is always a new row; ``what`` names the log in the error message.
    """

    def refuse(mapper: Any, connection: Any, target: Any) -> None:
        raise error(f"{what} are append-only; a correction is a new entry")

    event.listen(model, "before_update", refuse)
    event.listen(model, "before_delete", refuse)


_AFTER_COMMIT_KEY = "ebh_after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction of ``session`` has been committed.

    On rollback the callback is dropped: no mail or file leaves for data that was never stored.
    """
    session.info.setdefault(_AFTER_COMMIT_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop(_AFTER_COMMIT_KEY, [])
    for callback in callbacks:
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_AFTER_COMMIT_KEY, None)


@contextlib.contextmanager
def transaction() -> Iterator[Session]:
    """Commit once at the end of a CLI command or job, roll back on any exception."""
    from ebh.extensions import db

    session = db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def is_postgresql(session: Session | None = None) -> bool:
    from ebh.extensions import db

    bind = (session or db.session).get_bind()
    return bind.dialect.name == "postgresql"

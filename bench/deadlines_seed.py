"""Synthetic data for the deadline and reminder benches: set-based ``INSERT … SELECT generate_series`` on
PostgreSQL. Columns not given get their model default (scalar defaults as literals, ``utcnow`` as now()),
so the generator keeps working when other domains add columns with defaults."""
from __future__ import annotations

import os

import sqlalchemy as sa

PG_ADMIN = os.environ.get("EBH_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def fresh_database(name: str) -> str:
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def _default_sql(column: sa.Column) -> str | None:
    default = column.default
    if default is None:
        return None
    if default.is_scalar:
        value = default.arg
        if hasattr(value, "value"):  # enum member
            value = value.value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"
    return "now()"  # callable defaults here are timestamps (utcnow)


def insert_series(conn: sa.Connection, table: sa.Table, count: int, values: dict[str, str], start: int = 1) -> None:
    """``INSERT INTO table SELECT … FROM generate_series(start, start+count-1) g`` with SQL expressions in ``g``."""
    columns, expressions = [], []
    for column in table.columns:
        if column.name in values:
            expression = values[column.name]
        elif column.primary_key and column.autoincrement:
            continue
        else:
            expression = _default_sql(column)
            if expression is None:
                if column.nullable:
                    continue
                raise ValueError(f"{table.name}.{column.name}: no value and no default")
        columns.append(f'"{column.name}"')
        expressions.append(expression)
    conn.execute(sa.text(
        f'INSERT INTO {table.name} ({", ".join(columns)}) SELECT {", ".join(expressions)} '
        f"FROM generate_series({start}, {start + count - 1}) g"
    ))


def base(conn: sa.Connection, *, persons: int, users: int = 50) -> None:
    """One office (NW), ``users`` caseworkers with mail addresses and ``persons`` persons."""
    from ebh.auth.models import Office, User
    from ebh.cases.models import Person

    insert_series(conn, Office.__table__, 1, {"code": "'KOE'", "name": "'Stadt Köln'", "kind": "'BOTH'",
                                              "bundesland": "'NW'"})
    insert_series(conn, User.__table__, users, {
        "office_id": "1", "username": "'sb' || g", "display_name": "'Sachbearbeitung ' || g",
        "email": "'sb' || g || '@example.org'", "role": "'caseworker'", "password_hash": "'x'",
    })
    insert_series(conn, Person.__table__, persons, {
        "office_id": "1", "family_name": "'Muster' || g", "given_names": "'Anna'",
        "date_of_birth": "date '1980-01-01' + (g % 9000)",
    })

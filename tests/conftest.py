"""Shared fixtures: one app per test session on SQLite (default) or PostgreSQL.

Set ``EBH_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test`` to run the suite on
PostgreSQL: a throwaway database is created next to the given one for this session and dropped at
the end, so parallel runs do not see each other's rows. After every test all rows are deleted, so
tests may commit like the real application does.
"""
from __future__ import annotations

import contextvars
import os
import re
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from flask.testing import FlaskClient

from ebh import create_app
from ebh.extensions import db as _db
from tests import factories

TEST_DATABASE_URL = os.environ.get("EBH_TEST_DATABASE_URL", "")


def _create_pg_database(url: str) -> tuple[str, str]:
    base = make_url(url)
    name = f"ebh_t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), name


def _drop_pg_database(url: str, name: str) -> None:
    admin = sa.create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if TEST_DATABASE_URL.startswith("postgresql"):
        url, name = _create_pg_database(TEST_DATABASE_URL)
        yield url
        _drop_pg_database(TEST_DATABASE_URL, name)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


class IsolatedClient(FlaskClient):
    """A test client whose requests run in a fresh context, like real requests.

    Flask reuses an app context that a test has pushed; then ``g`` and the database session would
    leak from the test into the request and between requests. Each request here gets its own app
    context and session, so tests must commit what the request should see (the factories do).
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory):
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": database_url,
            "DATA_DIR": str(instance / "data"),
            "SMTP_PORT": 1,  # nothing listens there: tests that send mail start their own SMTP server
            "ARGON2_TIME_COST": 1,  # cheap password hashing: logins are part of many tests
            "ARGON2_MEMORY_KIB": 8192,
        },
        instance_path=instance,
    )
    application.test_client_class = IsolatedClient
    with application.app_context():
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _pg_wipe_sql(tables) -> str:
    """One round trip that empties every table and restarts the id sequences.

    DELETE with triggers and foreign-key checks off (``session_replication_role = replica``) is far faster
    than TRUNCATE of ~50 tables per test, and the audit log's append-only trigger stays installed.
    """
    statements = ["SET LOCAL session_replication_role = replica"]
    for table in tables:
        statements.append(f'DELETE FROM "{table.name}"')
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and isinstance(column.type, sa.Integer)):
                statements.append(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{column.name}'), 1, false) "
                    f"WHERE pg_get_serial_sequence('\"{table.name}\"', '{column.name}') IS NOT NULL"
                )
    return ";\n".join(statements)


def _wipe(app) -> None:
    with app.app_context():
        _db.session.remove()
        engine = _db.engine
        tables = list(reversed(_db.metadata.sorted_tables))
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql(_pg_wipe_sql(tables))
            else:
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                for table in tables:
                    connection.execute(table.delete())
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts from empty tables."""
    yield
    if "app" in request.fixturenames:
        _wipe(request.getfixturevalue("app"))


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        _db.session.remove()


@pytest.fixture
def db(app_ctx):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def office(db):
    return factories.office(code="KOE", name="Stadt Köln – Einbürgerung")


@pytest.fixture
def other_office(db):
    return factories.office(code="BN", name="Bundesstadt Bonn – Ausländerbehörde")


@pytest.fixture
def caseworker(db, office):
    return factories.user(office, "sb1", role="caseworker")


@pytest.fixture
def supervisor(db, office):
    return factories.user(office, "tl1", role="supervisor")


_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    """Fetch ``url`` and return the CSRF token of its first form (CSRF stays on in tests)."""
    match = _CSRF_RE.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client, url: str, data: dict, *, token_from: str | None = None, **kwargs):
    """POST a form the way a browser does, with a valid CSRF token."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from or url)}, **kwargs)


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in through the real login form."""

    def _login(user, password: str = factories.PASSWORD):
        _db.session.commit()
        response = post_form(client, "/login", {"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return _login


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent

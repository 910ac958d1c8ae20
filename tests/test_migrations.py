"""Migrations are code: `upgrade head` must produce exactly the schema of the models, and downgrade works."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy.engine import make_url

from ebh import create_app
from ebh.extensions import db
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_database_url(tmp_path):
    if TEST_DATABASE_URL.startswith("postgresql"):
        base = make_url(TEST_DATABASE_URL)
        name = f"ebh_mig_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"


def _migrated_app(url, tmp_path):
    return create_app({"ENV": "testing", "SECRET_KEY": "t", "DATABASE_URL": url}, instance_path=tmp_path)


def test_upgrade_head_matches_models(empty_database_url, tmp_path):
    app = _migrated_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_downgrade_to_base_and_up_again(empty_database_url, tmp_path):
    app = _migrated_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert "cases" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"), reason="the trigger is PostgreSQL-only")
def test_migrated_audit_log_refuses_update_and_delete(empty_database_url, tmp_path):
    app = _migrated_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO audit_events (at, action, entity, summary, ip) "
                                       "VALUES (now(), 'create', 'case', 'x', '')"))
        for statement in ("UPDATE audit_events SET summary = 'changed'", "DELETE FROM audit_events"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as connection:
                connection.execute(sa.text(statement))
        with db.engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT summary FROM audit_events")) == "x"
        db.engine.dispose()

"""``ebh offices ...`` and ``ebh users ...`` for operators."""
import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.auth import passwords
from ebh.auth.models import Office, OfficeKind, Role, User
from ebh.extensions import db

GOOD = "ein-langes-startpasswort-9"


def _invoke(runner, *args, input=None):
    return runner.invoke(args=list(args), input=input)


def test_offices_create_and_list(runner, app_ctx):
    result = _invoke(runner, "offices", "create", "--code", "dus", "--name", "Landeshauptstadt Düsseldorf",
                     "--kind", "EBH", "--city", "Düsseldorf")
    assert result.exit_code == 0, result.output
    office = db.session.scalar(sa.select(Office).where(Office.code == "DUS"))
    assert office.kind is OfficeKind.EBH and office.bundesland == "NW"
    listing = _invoke(runner, "offices", "list")
    assert "DUS\tEBH\tNW\tLandeshauptstadt Düsseldorf" in listing.output


def test_offices_create_refuses_duplicates_and_bad_codes(runner, office):
    result = _invoke(runner, "offices", "create", "--code", "KOE", "--name", "Noch einmal Köln")
    assert result.exit_code == 2 and "code: Eine Behörde mit dem Kürzel KOE gibt es bereits." in result.output
    result = _invoke(runner, "offices", "create", "--code", "K O E", "--name", "X")
    assert result.exit_code == 2 and "code:" in result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Office)) == 1


def test_users_create_list_disable_enable(runner, office):
    result = _invoke(runner, "users", "create", "--office", "koe", "--username", "Admin", "--name", "Frau Admin",
                     "--role", "admin", input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    user = db.session.scalar(sa.select(User).where(User.username == "admin"))
    assert user.role is Role.ADMIN and passwords.verify_password(user.password_hash, GOOD)
    assert "admin\tadmin\tKOE\tactive" in _invoke(runner, "users", "list").output
    assert _invoke(runner, "users", "disable", "admin").exit_code == 0
    assert "admin\tadmin\tKOE\tdisabled" in _invoke(runner, "users", "list").output
    assert _invoke(runner, "users", "enable", "ADMIN").exit_code == 0
    assert "admin\tadmin\tKOE\tactive" in _invoke(runner, "users", "list").output
    db.session.rollback()
    actions = db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.entity == "user")).all()
    assert any("deaktiviert" in a for a in actions) and any("aktiviert" in a for a in actions)


def test_users_create_enforces_the_password_policy(runner, office):
    result = _invoke(runner, "users", "create", "--office", "KOE", "--username", "sb9", "--name", "SB 9",
                     "--role", "caseworker", input="password1234\npassword1234\n")
    assert result.exit_code == 2
    assert "password: Dieses Passwort ist zu leicht zu erraten." in result.output
    db.session.rollback()
    assert db.session.scalar(sa.select(User).where(User.username == "sb9")) is None


def test_users_create_needs_a_known_office(runner, app_ctx):
    result = _invoke(runner, "users", "create", "--office", "XXX", "--username", "sb9", "--name", "SB 9",
                     "--role", "caseworker", input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 2 and "office: Keine Behörde mit dem Kürzel XXX." in result.output


def test_users_set_password(runner, caseworker):
    result = _invoke(runner, "users", "set-password", "sb1", input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert passwords.verify_password(db.session.get(User, caseworker.id).password_hash, GOOD)


def test_unknown_username_is_a_usage_error(runner, app_ctx):
    result = _invoke(runner, "users", "disable", "niemand")
    assert result.exit_code == 2 and "no user 'niemand'" in result.output

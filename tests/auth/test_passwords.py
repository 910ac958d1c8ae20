"""Password policy per ASVS 6.2: length 12..128, deny-list, no composition rules."""
import pytest

from ebh.auth import passwords
from ebh.auth.passwords import PasswordPolicyError, check_policy


@pytest.mark.parametrize(
    "password",
    [
        "kurz",
        "elf-zeichen",  # 11 characters
        "x" * 129,
        "password1234",  # listed
        "PASSWORT1234",  # listed, case-insensitive
        "qwertyuiop123",
        "!!dragon2024!!",  # listed word wrapped in digits and symbols
        "Einbuergerung2026",  # office word
        "123456789012345",  # nothing but digits
        "sb-mueller-sommer",  # contains the username
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(PasswordPolicyError):
        check_policy(password, username="sb-mueller")


@pytest.mark.parametrize(
    "password",
    [
        "korrekt pferd batterie heftklammer",  # a passphrase with spaces, no digits or capitals
        "alleskleinundlang",  # no composition rules
        "Ä" * 6 + "ß" * 6,  # Unicode counts by characters
        "x" * 128,  # the maximum
        "zwölf-zeichen",
    ],
)
def test_good_passwords_are_accepted(password):
    check_policy(password, username="sb-mueller")


def test_context_words_are_refused():
    with pytest.raises(PasswordPolicyError):
        check_policy("Bonn-ist-schoen-2026", context_words=("BN", "Bonn"))
    check_policy("Rhein-ist-schoen-2026", context_words=("BN", "Bonn"))


def test_policy_messages_are_german():
    with pytest.raises(PasswordPolicyError, match="mindestens 12 Zeichen"):
        check_policy("kurz")
    with pytest.raises(PasswordPolicyError, match="zu leicht zu erraten"):
        check_policy("password1234")


def test_deny_list_is_large_enough():
    """ASVS 6.2.4: at least the 3,000 most common passwords."""
    assert len(passwords.common_passwords()) >= 3000


def test_hash_and_verify():
    hashed = passwords.hash_password("ein-gutes-langes-passwort")
    assert hashed.startswith("$argon2id$v=19$")
    assert passwords.verify_password(hashed, "ein-gutes-langes-passwort")
    assert not passwords.verify_password(hashed, "ein-gutes-langes-passwort ")
    assert not passwords.verify_password("kein-hash", "egal")
    assert not passwords.needs_rehash(hashed)


def test_hash_with_old_parameters_is_renewed_at_login(client, office, app):
    from argon2 import PasswordHasher, Type

    from ebh.auth.models import User
    from ebh.extensions import db
    from tests import factories
    from tests.conftest import post_form

    old = PasswordHasher(time_cost=2, memory_cost=4096, parallelism=1, type=Type.ID).hash(factories.PASSWORD)
    user = factories.user(office, "alt-hash")
    user.password_hash = old
    db.session.commit()
    assert passwords.needs_rehash(old)
    assert post_form(client, "/login", {"username": "alt-hash", "password": factories.PASSWORD}).status_code == 302
    db.session.rollback()
    renewed = db.session.get(User, user.id).password_hash
    assert renewed != old and not passwords.needs_rehash(renewed)
    assert passwords.verify_password(renewed, factories.PASSWORD)

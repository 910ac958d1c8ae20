"""Password hashing (argon2id) and the password policy (ASVS 6.2: length, no composition rules, common list)."""
from __future__ import annotations

import functools
import string
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _

_HASHER = PasswordHasher(time_cost=3, memory_cost=2**16, parallelism=2, type=Type.ID)

MIN_LENGTH = 12
MAX_LENGTH = 128

_STRIP = string.digits + string.punctuation + " "


@functools.cache
def common_passwords() -> frozenset[str]:
    """The deny-list shipped in ``common_passwords.txt`` (lowercase)."""
    text = (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


class PasswordPolicyError(ValueError):
    """The password does not meet the policy; the message is German and user-facing."""


def check_policy(password: str, username: str = "", context_words: tuple[str, ...] = ()) -> None:
    """Length 12 to 128, not a listed common password (also not with digits or symbols around a
    listed word), not containing the username or an office word. No composition rules (ASVS 6.2.5)."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(_("Das Passwort muss mindestens %(n)d Zeichen lang sein.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(_("Das Passwort darf höchstens %(n)d Zeichen lang sein.", n=MAX_LENGTH))
    lowered = password.lower()
    core = lowered.strip(_STRIP)
    listed = common_passwords()
    words = [w.lower() for w in (username, *context_words) if w and len(w) >= 3]
    if lowered in listed or core in listed or not core or any(w in lowered for w in words):
        raise PasswordPolicyError(_("Dieses Passwort ist zu leicht zu erraten. Bitte wählen Sie ein anderes."))


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


#: A valid hash to verify against when the user does not exist, so timing does not reveal usernames.
DUMMY_HASH = _HASHER.hash("dummy-password-for-timing")

"""Password hashing (argon2id) and the password policy (ASVS 6.2: length, no composition rules, common list)."""
from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher(time_cost=3, memory_cost=2**16, parallelism=2, type=Type.ID)

MIN_LENGTH = 12
MAX_LENGTH = 128

#: A short deny-list of the most common passwords and office words (extend via instance config later).
COMMON_PASSWORDS = frozenset(
    {
        "123456789012", "passwort1234", "password1234", "qwertzuiop12", "einbuergerung", "einbürgerung",
        "auslaenderbehoerde", "ausländerbehörde", "hallohallo12", "sommer2026!!", "winter2026!!",
        "passwortpasswort", "passwordpassword", "111111111111", "000000000000", "abcdefghijkl",
    }
)


class PasswordPolicyError(ValueError):
    """The password does not meet the policy; the message is German and user-facing."""


def check_policy(password: str, username: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein.")
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or (username and username.lower() in lowered):
        raise PasswordPolicyError("Dieses Passwort ist zu leicht zu erraten.")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


#: A valid hash to verify against when the user does not exist, so timing does not reveal usernames.
DUMMY_HASH = _HASHER.hash("dummy-password-for-timing")

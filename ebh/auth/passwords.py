"""Password hashing (argon2id) and the password policy (ASVS 6.2: length, no composition rules, common list)."""
from __future__ import annotations

import functools
import string
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context
from flask_babel import gettext as _

#: argon2id cost (time, memory KiB, parallelism) unless the app config says otherwise (ARGON2_*).
#: 64 MiB and 3 passes is above the OWASP minimum (19 MiB, 2 passes); tests configure cheaper ones.
DEFAULT_COST = (3, 64 * 1024, 2)

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


def _cost() -> tuple[int, int, int]:
    if not has_app_context():
        return DEFAULT_COST
    config = current_app.config
    return (config.get("ARGON2_TIME_COST", DEFAULT_COST[0]), config.get("ARGON2_MEMORY_KIB", DEFAULT_COST[1]),
            config.get("ARGON2_PARALLELISM", DEFAULT_COST[2]))


@functools.cache
def _hasher_for(cost: tuple[int, int, int]) -> PasswordHasher:
    time_cost, memory_cost, parallelism = cost
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID)


@functools.cache
def _dummy_hash_for(cost: tuple[int, int, int]) -> str:
    return _hasher_for(cost).hash("dummy-password-for-timing")


def dummy_hash() -> str:
    """A valid hash to verify against when the user does not exist, so timing does not reveal usernames."""
    return _dummy_hash_for(_cost())


def needs_rehash(password_hash: str) -> bool:
    """True if the hash was made with other parameters than configured (it is renewed at the next login)."""
    return _hasher_for(_cost()).check_needs_rehash(password_hash)


def hash_password(password: str) -> str:
    return _hasher_for(_cost()).hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher_for(_cost()).verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False

"""Layered configuration: defaults, then ``instance/config.py``, then ``EBH_*`` environment variables.

Every setting has an ``EBH_`` environment variable of the same name, e.g. ``EBH_DATABASE_URL``.
Data folders (rules, letters, templates) are resolved here and nowhere else.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-change-me"

DEFAULTS: dict[str, Any] = {
    # "development", "testing" or "production"; production refuses the default secret key.
    "ENV": "development",
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    "DATABASE_URL": None,  # default: sqlite file in the instance folder
    "RULES_DIR": str(PROJECT_ROOT / "rules"),
    "LETTERS_DIR": str(PROJECT_ROOT / "letters"),
    "TEMPLATES_DIR": str(PROJECT_ROOT / "templates"),
    "DATA_DIR": None,  # generated files (letters, batches); default: instance/data
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    "SMTP_TIMEOUT": 10,
    "MAIL_FROM": "ebh@localhost",
    "BASE_URL": "http://localhost:5000",
    "DEFAULT_BUNDESLAND": "NW",
    "DEFAULT_LOCALE": "de",
    "TIMEZONE": "Europe/Berlin",
    # Sessions: idle and absolute lifetime in minutes (ASVS 7.3.1/7.3.2).
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_MINUTES": 600,
    # Login throttling: at most LOGIN_MAX_FAILURES failed attempts per user in LOGIN_WINDOW_MINUTES.
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_WINDOW_MINUTES": 15,
    # ... and at most LOGIN_MAX_FAILURES_PER_IP failed attempts per client address (password spraying).
    "LOGIN_MAX_FAILURES_PER_IP": 50,
    # Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0 = none).
    "TRUSTED_PROXIES": 0,
    # argon2id password hashing cost; production refuses less than the OWASP minimum (19 MiB, 2 passes).
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_KIB": 65536,
    "ARGON2_PARALLELISM": 2,
    "PAGE_SIZE": 25,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "SOFFICE": "soffice",
    # Letters (ebh.letters): "auto" makes PDFs when LibreOffice is installed, "off" never; largest batch
    # that gets a combined PDF; render processes and chunk size of the batch worker.
    "LETTERS_PDF": "auto",
    "LETTERS_PDF_MAX_BATCH": 500,
    "LETTERS_POOL_SIZE": 2,
    "LETTERS_CHUNK_SIZE": 200,
    # Deadlines and reminders (ebh.deadlines): local hour of reminder mails and digests, claim lease,
    # retries with exponential backoff, parallel SMTP connections per dispatcher, validity defaults.
    "REMINDER_HOUR": 8,
    "REMINDER_DIGEST_HOUR": 7,
    "REMINDER_CLAIM_TIMEOUT_SECONDS": 600,
    "REMINDER_MAX_ATTEMPTS": 8,
    "REMINDER_BACKOFF_SECONDS": 60,
    "REMINDER_BATCH_SIZE": 100,
    "REMINDER_SMTP_CONNECTIONS": 2,
    "DOCUMENT_VALIDITY_MONTHS": 6,
    "ZUSICHERUNG_VALIDITY_YEARS": 2,
}

_INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool)}
_BOOL_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, bool)}


class ConfigError(RuntimeError):
    """The configuration is unusable; the message names the setting."""


def _coerce(key: str, raw: str) -> Any:
    if key in _INT_KEYS:
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"EBH_{key} must be an integer, got {raw!r}") from exc
    if key in _BOOL_KEYS:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw


def load_settings(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the merged settings dict (without the Flask-specific keys)."""
    settings = dict(DEFAULTS)
    instance_file = instance_path / "config.py"
    if instance_file.exists():
        namespace: dict[str, Any] = {}
        exec(compile(instance_file.read_text(encoding="utf-8"), str(instance_file), "exec"), namespace)  # noqa: S102 - operator-owned config file
        settings.update({k: v for k, v in namespace.items() if k.isupper()})
    for key in list(DEFAULTS):
        env_value = os.environ.get(f"EBH_{key}")
        if env_value is not None:
            settings[key] = _coerce(key, env_value)
    if overrides:
        settings.update(overrides)
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = f"sqlite:///{instance_path / 'ebh.sqlite'}"
    if not settings["DATA_DIR"]:
        settings["DATA_DIR"] = str(instance_path / "data")
    if settings["ENV"] == "production" and (
        settings["SECRET_KEY"] == DEFAULT_SECRET_KEY or len(str(settings["SECRET_KEY"] or "")) < 32
    ):
        raise ConfigError(
            "EBH_SECRET_KEY is the default development key or shorter than 32 characters; refusing to start "
            "in production mode. Set EBH_SECRET_KEY to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if settings["ENV"] == "production" and (settings["ARGON2_MEMORY_KIB"] < 19456 or settings["ARGON2_TIME_COST"] < 2):
        raise ConfigError("EBH_ARGON2_MEMORY_KIB must be at least 19456 and EBH_ARGON2_TIME_COST at least 2 in production.")
    return settings

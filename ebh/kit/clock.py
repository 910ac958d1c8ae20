"""One "today" for the whole app: the office's calendar day (default Europe/Berlin), never the server's.

On a UTC server ``date.today()`` disagrees with Berlin for one to two hours every night; every page,
job and rule that needs "today" asks here.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Europe/Berlin"


def office_zone() -> ZoneInfo:
    """The configured office time zone (setting ``TIMEZONE``)."""
    name = current_app.config.get("TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today(now: dt.datetime | None = None) -> dt.date:
    """The office's calendar date at ``now`` (default: this instant)."""
    return (now or now_utc()).astimezone(office_zone()).date()

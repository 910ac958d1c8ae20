"""When to remind of a deadline: pure planning functions (no database).

A reminder is due at a local wall-clock hour (``REMINDER_HOUR``, Europe/Berlin) on a working day
before the deadline; the instant is converted to UTC with zoneinfo, so it is right across the
daylight-saving changes. Its idempotency key names deadline, reminder kind, channel and the due date
the reminder is for; a changed due date yields a new key (the old pending reminder is cancelled).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from ebh.deadlines import calendar
from ebh.deadlines.models import DeadlineKind as K

TZ = ZoneInfo("Europe/Berlin")

#: Days before the due date on which to remind, per deadline kind (0 = on the day).
#: Permits: applications should be made well before expiry (LEGAL.md 4.1: 4–6 weeks in practice).
OFFSETS: dict[K, tuple[int, ...]] = {
    K.WIEDERVORLAGE: (0,),
    K.DOCUMENT: (0,),
    K.VWGO75_APPLICATION: (14, 0),
    K.VWGO75_LAST_ACTION: (14, 0),
    K.PERMIT_EXPIRY: (42, 0),
    K.DOCUMENT_VALIDITY: (14,),
    K.ZUSICHERUNG_EXPIRY: (60, 0),
    K.ELIGIBLE_FROM: (0,),
}


@dataclasses.dataclass(frozen=True)
class PlannedReminder:
    kind: str
    due_at: dt.datetime
    idempotency_key: str


def local_today(now: dt.datetime) -> dt.date:
    return now.astimezone(TZ).date()


def reminder_instant(day: dt.date, hour: int) -> dt.datetime:
    """``hour``:00 local time in Berlin on ``day``, as an aware UTC datetime."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ).astimezone(dt.UTC)


def idempotency_key(deadline_id: int, kind: str, channel: str, due_on: dt.date) -> str:
    return f"{deadline_id}:{kind}:{channel}:{due_on.isoformat()}"


def message_id(key: str, domain: str) -> str:
    """A Message-ID derived from the idempotency key: a resend after a crash carries the same one."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<ebh-{digest}@{domain}>"


def plan(
    deadline_id: int,
    kind: K,
    due_on: dt.date,
    *,
    now: dt.datetime,
    hour: int,
    bundesland: str,
    closing_days: frozenset[dt.date],
    channel: str = "email",
) -> list[PlannedReminder]:
    """Reminders for a deadline due (or snoozed until) ``due_on``.

    A reminder day that is not a working day moves back to the previous working day (it must arrive
    before the deadline). Reminder days already past are skipped; one due today after the hour is due
    now. An overdue deadline gets no mail (it stays in the inbox and the supervisor view).
    """
    today = local_today(now)
    if due_on < today:
        return []
    planned = []
    for offset in OFFSETS[kind]:
        day = _previous_working_day(due_on - dt.timedelta(days=offset), bundesland, closing_days)
        if day < today:
            if offset == 0:
                day = today  # the deadline itself falls on a weekend and is still ahead: remind today
            else:
                continue
        at = max(reminder_instant(day, hour), now) if day == today else reminder_instant(day, hour)
        name = f"d-{offset}"
        planned.append(PlannedReminder(name, at, idempotency_key(deadline_id, name, channel, due_on)))
    return planned


def _previous_working_day(day: dt.date, bundesland: str, closing_days: frozenset[dt.date]) -> dt.date:
    for _ in range(30):
        if calendar.is_working_day(day, bundesland, closing_days):
            return day
        day -= dt.timedelta(days=1)
    return day

"""The per-user iCal feed: one event per open deadline, named by the file number, never by the person.

Events are 30 minutes at ``REMINDER_HOUR`` local time with ``TZID=Europe/Berlin`` (a VTIMEZONE is
included); the UID is stable per deadline, so calendar clients update events instead of duplicating them.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import icalendar

from ebh.deadlines import labels
from ebh.deadlines.models import Deadline
from ebh.deadlines.reminders import TZ


def uid(deadline: Deadline, domain: str) -> str:
    return f"ebh-deadline-{deadline.id}@{domain}"


def build_feed(deadlines: Sequence[Deadline], *, base_url: str, domain: str, hour: int) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//ebh//Fristen//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "ebh Fristen")
    calendar.add("x-wr-timezone", "Europe/Berlin")
    for deadline in deadlines:
        start = dt.datetime.combine(deadline.effective_on, dt.time(hour), tzinfo=TZ)
        event = icalendar.Event()
        event.add("uid", uid(deadline, domain))
        event.add("dtstamp", deadline.updated_at or deadline.created_at)
        event.add("last-modified", deadline.updated_at or deadline.created_at)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=30))
        event.add("summary", f"{labels.KIND_LABELS[deadline.kind]} – Akte {deadline.case.file_number}")
        lines = [labels.title(deadline), f"Fällig am {deadline.due_on:%d.%m.%Y}"]
        if deadline.snoozed_until:
            lines.append(f"Zurückgestellt bis {deadline.snoozed_until:%d.%m.%Y}")
        if deadline.legal_basis:
            lines.append(deadline.legal_basis)
        lines.append(f"{base_url}/cases/{deadline.case_id}")
        event.add("description", "\n".join(lines))
        event.add("url", f"{base_url}/cases/{deadline.case_id}")
        event.add("categories", ["ebh", "Frist"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()

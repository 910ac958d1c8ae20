"""Computing administrative periods (Fristen) and appointments (Termine): pure functions, no database.

Legal basis (see docs/deadlines.md for the sources and what could not be verified):

* § 31 Abs. 1 VwVfG NRW: §§ 187 to 193 BGB apply to periods and appointments.
* § 187 Abs. 1 BGB: a period counted from an event does not count the day of the event.
* § 188 Abs. 1/2 BGB: a period in days ends at the end of its last day; a period in weeks ends on the day
  of the last week with the same weekday as the event; a period in months or years ends on the day of the
  last month with the same number as the event day.
* § 188 Abs. 3 BGB: if that day does not exist in the last month, the period ends on the month's last day
  (31 January + 1 month = 28/29 February).
* § 31 Abs. 3 VwVfG NRW (§ 193 BGB): an end on a Saturday, Sunday or public holiday moves to the end of
  the next working day. Office closing days are treated like holidays (the act cannot be done there).
* § 31 Abs. 5 VwVfG NRW: an appointment (Termin) set by the authority holds on such days too.
"""
from __future__ import annotations

import calendar as _stdcalendar
import datetime as dt
import functools
from collections.abc import Iterable

import holidays

#: The 16 German Länder (ISO 3166-2:DE codes) the holidays library knows; "NW" = Nordrhein-Westfalen.
BUNDESLAENDER: tuple[str, ...] = (
    "BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL", "SN", "ST", "TH",
)

FRIST = "frist"
TERMIN = "termin"
KINDS = (FRIST, TERMIN)

# Upper bound for shifting: no real calendar has this many consecutive non-working days.
_MAX_SHIFT_DAYS = 366


class CalendarError(ValueError):
    """A deadline cannot be computed from the given input; the message is German and names the problem."""


class UnknownBundeslandError(CalendarError):
    pass


def normalize_bundesland(bundesland: str | None) -> str:
    """Return the two-letter code of a Bundesland or raise :class:`UnknownBundeslandError`."""
    code = (bundesland or "").strip().upper()
    if code not in BUNDESLAENDER:
        raise UnknownBundeslandError(
            f"Unbekanntes Bundesland {bundesland!r}: erwartet wird ein Kürzel wie NW "
            f"({', '.join(BUNDESLAENDER)})."
        )
    return code


@functools.lru_cache(maxsize=512)
def _holidays_of_year(bundesland: str, year: int) -> dict[dt.date, str]:
    calendar = holidays.country_holidays(
        "DE", subdiv=bundesland, years=year, categories=(holidays.PUBLIC,), language="de"
    )
    return dict(calendar.items())


def public_holidays(bundesland: str, year: int) -> dict[dt.date, str]:
    """Public holidays (category PUBLIC only) of a Bundesland in a year, with German names."""
    return dict(_holidays_of_year(normalize_bundesland(bundesland), year))


def holiday_name(day: dt.date, bundesland: str) -> str | None:
    return _holidays_of_year(normalize_bundesland(bundesland), day.year).get(day)


def is_working_day(day: dt.date, bundesland: str = "NW", closing_days: Iterable[dt.date] = ()) -> bool:
    """Monday to Friday, not a public holiday of the Bundesland and not an office closing day."""
    if day.weekday() >= 5:
        return False
    if day in _holidays_of_year(normalize_bundesland(bundesland), day.year):
        return False
    return day not in _as_set(closing_days)


def next_working_day(day: dt.date, bundesland: str = "NW", closing_days: Iterable[dt.date] = ()) -> dt.date:
    """``day`` itself if it is a working day, else the next working day after it."""
    code = normalize_bundesland(bundesland)
    closed = _as_set(closing_days)
    candidate = day
    for _ in range(_MAX_SHIFT_DAYS):
        if is_working_day(candidate, code, closed):
            return candidate
        candidate += dt.timedelta(days=1)
    raise CalendarError(
        f"Kein Arbeitstag innerhalb eines Jahres nach dem {day:%d.%m.%Y}: Schließtage der Behörde prüfen."
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day number ``months`` later (or earlier); the month's last day if that day does not exist
    (§ 188 Abs. 3 BGB)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise CalendarError(f"Datum außerhalb des darstellbaren Bereichs: {day:%d.%m.%Y} + {months} Monate.")
    last = _stdcalendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def compute_deadline(
    event: dt.date,
    *,
    days: int = 0,
    weeks: int = 0,
    months: int = 0,
    years: int = 0,
    bundesland: str = "NW",
    closing_days: Iterable[dt.date] = (),
    kind: str = FRIST,
) -> dt.date:
    """Last day of a period counted from ``event`` (§ 31 VwVfG NRW, §§ 187–193 BGB).

    Years and months are applied first, then weeks and days (§ 189 Abs. 2 BGB applies the same order to
    a combined period). A ``frist`` ending on a non-working day moves to the next working day; a
    ``termin`` never moves. Negative periods (a deadline before its event) are refused.
    """
    if kind not in KINDS:
        raise CalendarError(f"Unbekannte Art {kind!r}: erlaubt sind 'frist' und 'termin'.")
    code = normalize_bundesland(bundesland)
    for label, value in (("Tage", days), ("Wochen", weeks), ("Monate", months), ("Jahre", years)):
        if value < 0:
            raise CalendarError(
                f"Eine Frist darf nicht vor dem Ereignis enden, von dem sie zählt ({label}: {value})."
            )
    end = add_months(event, years * 12 + months)
    try:
        end += dt.timedelta(days=weeks * 7 + days)
    except OverflowError as exc:
        raise CalendarError(f"Datum außerhalb des darstellbaren Bereichs: {event:%d.%m.%Y}.") from exc
    if kind == TERMIN:
        return end
    return next_working_day(end, code, closing_days)


def _as_set(closing_days: Iterable[dt.date]) -> frozenset[dt.date] | set[dt.date]:
    if isinstance(closing_days, (set, frozenset)):
        return closing_days
    return frozenset(closing_days)

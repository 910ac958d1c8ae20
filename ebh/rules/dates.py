"""Calendar arithmetic for qualifying periods, scalar and vectorized (LEGAL.md 4.2 convention).

An N-year (or N-month) requirement that started on ``d`` (the first full qualifying day) is met on the
N-th anniversary of ``d``. If that day does not exist in the target month (start 29 February, or the
31st), the requirement is met on the first day of the following month (§ 188 Abs. 3 BGB: the period
ends with the last day of the month; the next day is the first day it is met). Ages follow the same
rule (§ 187 Abs. 2 S. 2 BGB): someone born on 29.02.2008 is 18 from 01.03.2026.

Vectorized functions work on dates stored as integer days since 1970-01-01 (``int32``/``int64``).
"""
from __future__ import annotations

import calendar
import datetime as dt

import numpy as np

EPOCH = dt.date(1970, 1, 1)
#: "Open end" of a period in day numbers (far future, still a valid datetime64[D]).
OPEN_END = 2_000_000  # 7445-12-xx


def to_days(value: dt.date) -> int:
    return (value - EPOCH).days


def from_days(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


def add_months(value: dt.date, months: int) -> dt.date:
    """The date ``months`` calendar months after ``value``; a missing day rolls to the 1st of the next month."""
    years, month0 = divmod(value.month - 1 + months, 12)
    year, month = value.year + years, month0 + 1
    last = calendar.monthrange(year, month)[1]
    if value.day <= last:
        return dt.date(year, month, value.day)
    return dt.date(year, month, last) + dt.timedelta(days=1)


def add_years(value: dt.date, years: int) -> dt.date:
    return add_months(value, 12 * years)


def years_between(start: dt.date, end: dt.date) -> int:
    """Completed years from ``start`` to ``end`` (the age on ``end`` for a birth date ``start``)."""
    years = end.year - start.year
    if add_years(start, years) > end:
        years -= 1
    return years


def v_add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Vectorized :func:`add_months` over day numbers."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month_start = d.astype("datetime64[M]")
    day0 = (d - month_start.astype("datetime64[D]")).astype(np.int64)
    target = month_start + np.asarray(months, dtype=np.int64)
    start = target.astype("datetime64[D]")
    following = (target + 1).astype("datetime64[D]")
    length = (following - start).astype(np.int64)
    result = np.where(day0 < length, start + day0, following)
    return result.astype(np.int64)


def v_add_years(days: np.ndarray, years: np.ndarray | int) -> np.ndarray:
    return v_add_months(days, np.asarray(years, dtype=np.int64) * 12)


def v_years_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    s = np.asarray(start, dtype=np.int64)
    e = np.asarray(end, dtype=np.int64)
    years = _year(e) - _year(s)
    return years - (v_add_years(s, years) > e)


def _year(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def format_de(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""

"""Pinned dates for § 31 VwVfG NRW / §§ 187–193 BGB and properties of the deadline calculator."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ebh.deadlines.calendar import (
    BUNDESLAENDER,
    CalendarError,
    UnknownBundeslandError,
    add_months,
    compute_deadline,
    holiday_name,
    is_working_day,
    next_working_day,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2025, 4, 18), "Karfreitag"),
        (D(2025, 4, 21), "Ostermontag"),
        (D(2025, 5, 29), "Christi Himmelfahrt"),
        (D(2025, 6, 9), "Pfingstmontag"),
        (D(2025, 6, 19), "Fronleichnam"),
        (D(2025, 11, 1), "Allerheiligen"),
        (D(2026, 4, 3), "Karfreitag"),
        (D(2026, 6, 4), "Fronleichnam"),
    ],
)
def test_nrw_public_holidays(day, name):
    assert holiday_name(day, "NW") == name
    assert not is_working_day(day, "NW")


def test_berlin_has_neither_fronleichnam_nor_allerheiligen():
    assert is_working_day(D(2025, 6, 19), "BE")
    assert is_working_day(D(2024, 11, 1), "BE")
    assert not is_working_day(D(2024, 11, 1), "NW")


def test_only_public_category():
    # Heiligabend and Silvester are no public holidays (only other categories or none at all).
    assert is_working_day(D(2025, 12, 24), "NW")
    assert is_working_day(D(2025, 12, 31), "NW")


@pytest.mark.parametrize(
    ("event", "period", "expected", "why"),
    [
        (D(2025, 4, 14), {"days": 4}, D(2025, 4, 22), "Karfreitag, weekend, Ostermontag"),
        (D(2025, 5, 22), {"weeks": 1}, D(2025, 5, 30), "Christi Himmelfahrt"),
        (D(2025, 6, 6), {"days": 3}, D(2025, 6, 10), "Pfingstmontag"),
        (D(2025, 5, 19), {"months": 1}, D(2025, 6, 20), "Fronleichnam (NW)"),
        (D(2024, 10, 1), {"months": 1}, D(2024, 11, 4), "Allerheiligen on Friday, then weekend"),
        (D(2013, 10, 30), {"months": 1}, D(2013, 12, 2), "ends on Saturday"),
        (D(2025, 1, 31), {"months": 1}, D(2025, 2, 28), "§ 188 Abs. 3 BGB"),
        (D(2024, 1, 31), {"months": 1}, D(2024, 2, 29), "§ 188 Abs. 3 BGB, leap year"),
        (D(2023, 1, 31), {"months": 1}, D(2023, 2, 28), "§ 188 Abs. 3 BGB, Tuesday"),
        (D(2024, 2, 29), {"years": 1}, D(2025, 2, 28), "29 February + 1 year"),
        (D(2023, 2, 28), {"years": 1}, D(2024, 2, 28), "not moved to the leap day"),
        (D(2025, 11, 25), {"months": 1}, D(2025, 12, 29), "Christmas days, then weekend"),
        (D(2024, 12, 1), {"months": 1}, D(2025, 1, 2), "Neujahr, year end"),
        (D(2025, 12, 1), {"weeks": 4}, D(2025, 12, 29), "weeks keep the weekday"),
        (D(2025, 10, 31), {"months": 3}, D(2026, 2, 2), "§ 75 VwGO mark on a Saturday"),
        (D(2025, 3, 10), {"months": 1, "days": 3}, D(2025, 4, 14), "months first, then days"),
    ],
)
def test_pinned_frist_ends_nrw(event, period, expected, why):
    assert compute_deadline(event, **period) == expected, why


def test_fronleichnam_only_moves_where_it_is_a_holiday():
    assert compute_deadline(D(2025, 5, 19), months=1, bundesland="BE") == D(2025, 6, 19)


def test_termin_does_not_move():
    assert compute_deadline(D(2025, 5, 19), months=1, kind="termin") == D(2025, 6, 19)
    assert compute_deadline(D(2013, 10, 30), months=1, kind="termin") == D(2013, 11, 30)


def test_closing_days_move_the_end():
    closing = [D(2025, 1, 2), D(2025, 1, 3)]
    assert compute_deadline(D(2024, 12, 1), months=1, closing_days=closing) == D(2025, 1, 6)
    assert not is_working_day(D(2025, 1, 2), "NW", closing)
    assert next_working_day(D(2025, 1, 1), "NW", closing) == D(2025, 1, 6)


def test_add_months_backwards_and_across_years():
    assert add_months(D(2025, 3, 31), -1) == D(2025, 2, 28)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2025, 5, 15), 24) == D(2027, 5, 15)


@pytest.mark.parametrize("code", ["XX", "", None, "Augsburg", "Nordrhein-Westfalen"])
def test_unknown_bundesland_is_refused(code):
    with pytest.raises(UnknownBundeslandError, match="Unbekanntes Bundesland"):
        compute_deadline(D(2025, 1, 1), days=1, bundesland=code)


def test_lower_case_code_is_accepted():
    assert compute_deadline(D(2025, 5, 19), months=1, bundesland="nw") == D(2025, 6, 20)


@pytest.mark.parametrize("period", [{"days": -1}, {"months": -3}, {"weeks": -1}, {"years": -1}])
def test_deadline_before_its_event_is_refused(period):
    with pytest.raises(CalendarError, match="nicht vor dem Ereignis"):
        compute_deadline(D(2025, 1, 1), **period)


def test_unknown_kind_and_out_of_range():
    with pytest.raises(CalendarError, match="Unbekannte Art"):
        compute_deadline(D(2025, 1, 1), days=1, kind="fristi")
    with pytest.raises(CalendarError, match="außerhalb"):
        compute_deadline(D(9999, 12, 1), months=2)


def test_no_working_day_within_a_year():
    closing = [D(2025, 1, 1) + dt.timedelta(days=i) for i in range(400)]
    with pytest.raises(CalendarError, match="Schließtage"):
        next_working_day(D(2025, 1, 1), "NW", closing)


events = st.dates(min_value=D(1995, 1, 1), max_value=D(2060, 12, 31))
periods = st.fixed_dictionaries(
    {"days": st.integers(0, 400), "weeks": st.integers(0, 60), "months": st.integers(0, 40), "years": st.integers(0, 10)}
)
laender = st.sampled_from(BUNDESLAENDER)


@settings(max_examples=300, deadline=None)
@given(events, periods, laender)
def test_frist_ends_on_a_working_day_not_before_the_event(event, period, land):
    end = compute_deadline(event, bundesland=land, **period)
    assert is_working_day(end, land)
    assert end >= event
    unshifted = compute_deadline(event, bundesland=land, kind="termin", **period)
    assert unshifted <= end <= unshifted + dt.timedelta(days=10)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=D(1995, 1, 1), max_value=D(2060, 12, 31)), laender)
def test_shifting_is_idempotent(day, land):
    shifted = next_working_day(day, land)
    assert next_working_day(shifted, land) == shifted
    assert shifted >= day
    assert all(not is_working_day(day + dt.timedelta(days=i), land) for i in range((shifted - day).days))


@settings(max_examples=300, deadline=None)
@given(events, st.integers(0, 120))
def test_month_end_keeps_day_or_clamps(event, months):
    end = add_months(event, months)
    assert (end.year * 12 + end.month) - (event.year * 12 + event.month) == months
    assert end.day == event.day or (end.day < event.day and (end + dt.timedelta(days=1)).day == 1)

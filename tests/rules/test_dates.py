"""Calendar arithmetic per LEGAL.md 4.2: anniversaries, 29 February → 1 March, ages, vectorized."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ebh.rules import dates

D = dt.date


@pytest.mark.parametrize("start, years, expected", [
    (D(2019, 3, 14), 5, D(2024, 3, 14)),
    (D(2020, 2, 29), 1, D(2021, 3, 1)),
    (D(2020, 2, 29), 4, D(2024, 2, 29)),
    (D(2020, 2, 29), 5, D(2025, 3, 1)),
    (D(2004, 2, 29), 18, D(2022, 3, 1)),
    (D(2023, 12, 31), 1, D(2024, 12, 31)),
    (D(2024, 3, 1), -1, D(2023, 3, 1)),
])
def test_add_years(start: dt.date, years: int, expected: dt.date) -> None:
    assert dates.add_years(start, years) == expected


@pytest.mark.parametrize("start, months, expected", [
    (D(2024, 1, 31), 1, D(2024, 3, 1)),  # 31 February does not exist
    (D(2023, 1, 31), 1, D(2023, 3, 1)),
    (D(2024, 1, 29), 1, D(2024, 2, 29)),
    (D(2023, 8, 31), 6, D(2024, 3, 1)),
    (D(2024, 10, 15), 3, D(2025, 1, 15)),
    (D(2024, 3, 31), -1, D(2024, 3, 1)),
])
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert dates.add_months(start, months) == expected


@pytest.mark.parametrize("born, on, age", [
    (D(2008, 2, 29), D(2026, 2, 28), 17),
    (D(2008, 2, 29), D(2026, 3, 1), 18),
    (D(2008, 2, 29), D(2024, 2, 29), 16),
    (D(1990, 5, 17), D(2025, 5, 16), 34),
    (D(1990, 5, 17), D(2025, 5, 17), 35),
])
def test_years_between_is_the_age(born: dt.date, on: dt.date, age: int) -> None:
    assert dates.years_between(born, on) == age


def test_vectorized_equals_scalar() -> None:
    rng = np.random.default_rng(1)
    days = rng.integers(dates.to_days(D(1940, 1, 1)), dates.to_days(D(2040, 12, 31)), 5000)
    # make sure month ends and 29 February are well represented
    days[:200] = [dates.to_days(D(2000 + i % 40, 2, 29 if (2000 + i % 40) % 4 == 0 else 28)) for i in range(200)]
    days[200:400] = [dates.to_days(D(2001, 1 + i % 12, 1)) - 1 for i in range(200)]
    months = rng.integers(-30, 400, 5000)
    got = dates.v_add_months(days, months)
    for d, m, g in zip(days[:1500], months[:1500], got[:1500], strict=True):
        assert dates.add_months(dates.from_days(int(d)), int(m)) == dates.from_days(int(g))
    other = days + rng.integers(0, 20000, 5000)
    years = dates.v_years_between(days, other)
    for a, b, y in zip(days[:1500], other[:1500], years[:1500], strict=True):
        assert dates.years_between(dates.from_days(int(a)), dates.from_days(int(b))) == y

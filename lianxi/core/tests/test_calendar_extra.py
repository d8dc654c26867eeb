"""`subtract_workdays`: counting working days back from a day (四(二) lights: "no progress
reported for 15 working days")."""

from datetime import date

import pytest

from lianxi.core.calendar import add_workdays, subtract_workdays, workdays_between
from lianxi.core.models import CalendarDay

pytestmark = pytest.mark.django_db

D = date


def test_subtract_workdays_is_the_latest_day_with_n_workdays_after_it() -> None:
    # Wednesday 2026-03-11: one working day back is Tuesday.
    assert subtract_workdays(D(2026, 3, 11), 1) == D(2026, 3, 10)
    # Monday 2026-03-09: the weekend before it counts nothing, Sunday is the latest such day.
    assert subtract_workdays(D(2026, 3, 9), 1) == D(2026, 3, 8)
    assert subtract_workdays(D(2026, 3, 11), 0) == D(2026, 3, 11)
    for end in (D(2026, 3, 11), D(2026, 10, 9), D(2026, 2, 24)):
        for n in (1, 3, 15):
            start = subtract_workdays(end, n)
            assert workdays_between(start, end) == n
            assert workdays_between(start + (D(2000, 1, 2) - D(2000, 1, 1)), end) < n


def test_subtract_workdays_skips_the_national_day_holiday_and_counts_a_make_up_day() -> None:
    # 2026: 10-01..10-07 holiday, 10-08 (Thursday) back at work, 10-10 (Saturday) a make-up day.
    assert subtract_workdays(D(2026, 10, 9), 2) == D(2026, 10, 7)
    assert subtract_workdays(D(2026, 10, 9), 3) == D(2026, 9, 29)
    assert subtract_workdays(D(2026, 10, 12), 2) == D(2026, 10, 9)


def test_subtract_workdays_follows_the_secretariats_overrides() -> None:
    CalendarDay.objects.create(date=D(2026, 3, 10), is_workday=False, note="测试")
    assert subtract_workdays(D(2026, 3, 11), 2) == D(2026, 3, 8)


def test_subtract_then_add_returns_to_a_workday() -> None:
    end = D(2026, 3, 11)
    assert add_workdays(subtract_workdays(end, 15), 15) == end


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        subtract_workdays(D(2026, 3, 11), -1)

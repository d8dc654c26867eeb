"""Working days as the government counts them.

China's public holidays and make-up workdays come from the `chinese-calendar` package; the
secretariat's own entries (CalendarDay) override it, because the State Council publishes each
year's schedule in winter and the package lags behind. A year that neither knows falls back to
Monday–Friday, and `schedule_missing_years` tells the secretariat so.
"""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from .models import CalendarDay, CalendarYear


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=64)
def package_knows(year: int) -> bool:
    return _package_knows(year)


def _overrides(start: date, end: date) -> dict[date, bool]:
    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
    )


def _default_is_workday(day: date) -> bool:
    if package_knows(day.year):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def is_workday(day: date) -> bool:
    override = _overrides(day, day).get(day)
    return override if override is not None else _default_is_workday(day)


class _Days:
    """Working-day answers over a window, with the secretariat's overrides read once."""

    def __init__(self, start: date, span: int) -> None:
        self.start = start
        self.end = start + timedelta(days=span)
        self.overrides = _overrides(start, self.end)

    def is_workday(self, day: date) -> bool:
        if day > self.end:
            self.overrides.update(_overrides(self.end, day + timedelta(days=60)))
            self.end = day + timedelta(days=60)
        override = self.overrides.get(day)
        return override if override is not None else _default_is_workday(day)


def add_workdays(start: date, n: int) -> date:
    """The n-th working day after `start`; with n = 0, `start` itself or the next working day.

    "收到之日起N个工作日内" counts the working days that follow the day of receipt.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    days = _Days(start, n * 2 + 40)
    day = start
    if n == 0:
        while not days.is_workday(day):
            day += timedelta(days=1)
        return day
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if days.is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -workdays_between(end, start)
    days = _Days(start, (end - start).days)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if days.is_workday(start + timedelta(days=offset))
    )


def year_has_schedule(year: int) -> bool:
    return CalendarYear.objects.filter(year=year).exists() or package_knows(year)


def schedule_missing_years(today: date) -> list[int]:
    """The current and the coming year, where no official schedule is known yet."""
    return [year for year in (today.year, today.year + 1) if not year_has_schedule(year)]

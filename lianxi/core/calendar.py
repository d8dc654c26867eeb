"""Working days as the government counts them.

China's public holidays and make-up workdays come from the `chinese-calendar` package; the
secretariat's own entries (CalendarDay) override it day by day, because the State Council
publishes each year's schedule in winter and the package lags behind. A year that neither knows
falls back to Monday–Friday, and `schedule_missing_years` tells the secretariat so.

The secretariat enters a year's schedule as lines, one day or one range per line::

    2027-01-01 休 元旦
    2027-02-07 班 春节调休
    2027-02-10 至 2027-02-16 休 春节

`parse_schedule` reads them (all or nothing, with the bad line named in Chinese).
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as package_holidays
from chinese_calendar.constants import workdays as package_workdays

from .exceptions import ApplicationError
from .models import CalendarDay, CalendarYear

# From this many days before 1 January the coming year's missing schedule is warned about
# (the State Council's notice usually appears in November or December).
NEXT_YEAR_WARNING_DAYS = 92
# A single line may not cover more than this many days (a typo such as 2027-02-10 至 2027-12-16).
MAX_RANGE_DAYS = 31
NOTE_MAX = 50


@dataclass(frozen=True)
class ScheduleDay:
    """One day of an official schedule: a holiday (休) or a make-up workday (班)."""

    date: date
    is_workday: bool
    note: str = ""
    entered: bool = False  # True when it comes from the secretariat, not from the package


# --- answers -------------------------------------------------------------------------------


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
            new_end = day + timedelta(days=60)
            self.overrides.update(_overrides(self.end + timedelta(days=1), new_end))
            self.end = new_end
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


def subtract_workdays(end: date, n: int) -> date:
    """The latest day d with n working days after d up to and including `end`
    (``workdays_between(d, end) >= n``); with n = 0, `end` itself.

    "No progress for 15 working days" holds for a report made on or before this day.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    days = _Days(end - timedelta(days=n * 2 + 40), n * 2 + 40)
    day = end
    remaining = n
    while remaining:
        workday = days.is_workday(day) if day >= days.start else is_workday(day)
        if workday:
            remaining -= 1
        day -= timedelta(days=1)
    return day


def workdays_after(start: date, end: date) -> list[date]:
    """The working days after `start` up to and including `end`, in order, with one read of
    the secretariat's overrides: for counting from many days at once (a tick over many items)."""
    if end <= start:
        return []
    days = _Days(start, (end - start).days)
    return [
        start + timedelta(days=offset)
        for offset in range(1, (end - start).days + 1)
        if days.is_workday(start + timedelta(days=offset))
    ]


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -workdays_between(end, start)
    return len(workdays_after(start, end))


def year_has_schedule(year: int) -> bool:
    return CalendarYear.objects.filter(year=year).exists() or package_knows(year)


def schedule_missing_years(today: date, *, lead_days: int = NEXT_YEAR_WARNING_DAYS) -> list[int]:
    """The current year, and the coming one once it is near, where no schedule is known yet."""
    years = [today.year]
    if (date(today.year + 1, 1, 1) - today).days <= lead_days:
        years.append(today.year + 1)
    return [year for year in years if not year_has_schedule(year)]


# --- a year's schedule, as known -----------------------------------------------------------


def _holiday_name(value: str) -> str:
    try:
        return str(Holiday(value).chinese)
    except ValueError:
        return value


def package_schedule(year: int) -> list[ScheduleDay]:
    """The package's holidays and make-up workdays of a year (empty when it does not know it)."""
    days = [
        ScheduleDay(day, False, _holiday_name(name))
        for day, name in package_holidays.items()
        if day.year == year
    ]
    days += [
        ScheduleDay(day, True, _holiday_name(name) + "调休")
        for day, name in package_workdays.items()
        if day.year == year
    ]
    return sorted(days, key=lambda d: d.date)


def year_schedule(year: int, entered: list[CalendarDay] | None = None) -> list[ScheduleDay]:
    """The year's schedule as deadlines see it: the package, overridden by the secretariat.

    `entered` may hand over the secretariat's rows already read (any dates; others ignored).
    """
    merged = {d.date: d for d in package_schedule(year)}
    rows = CalendarDay.objects.filter(date__year=year) if entered is None else entered
    for row in rows:
        if row.date.year == year:
            merged[row.date] = ScheduleDay(row.date, row.is_workday, row.note, entered=True)
    return sorted(merged.values(), key=lambda d: d.date)


def format_schedule(days: list[ScheduleDay]) -> str:
    """Lines in the entry format, consecutive holidays with one note joined into a range."""
    lines: list[str] = []
    ordered = sorted(days, key=lambda d: d.date)
    i = 0
    while i < len(ordered):
        first = ordered[i]
        last = first
        if not first.is_workday:
            while (
                i + 1 < len(ordered)
                and not ordered[i + 1].is_workday
                and ordered[i + 1].note == first.note
                and ordered[i + 1].date == last.date + timedelta(days=1)
            ):
                i += 1
                last = ordered[i]
        kind = "班" if first.is_workday else "休"
        span = f"{first.date:%Y-%m-%d}"
        if last.date != first.date:
            span += f" 至 {last.date:%Y-%m-%d}"
        lines.append(f"{span} {kind} {first.note}".rstrip())
        i += 1
    return "\n".join(lines)


# --- reading what the secretariat typed ----------------------------------------------------

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_KINDS = {
    "休": False,
    "休息": False,
    "放假": False,
    "假": False,
    "班": True,
    "上班": True,
    "补班": True,
    "工作日": True,
}
_KIND = "|".join(sorted(_KINDS, key=len, reverse=True))
_LINE = re.compile(
    rf"^(?P<start>{_DATE})"
    rf"(?:\s*(?:至|到|~|—|–|--|-)\s*(?P<end>{_DATE}))?"
    rf"\s*(?P<kind>{_KIND})\s*(?P<note>.*)$"
)
_STARTS_WITH_DATE = re.compile(rf"^{_DATE}")


class ScheduleError(ApplicationError):
    """The typed schedule has bad lines; `errors` names each one."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("节假日安排有误，未保存任何内容：" + "；".join(errors), field="text")
        self.errors = errors


def _to_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def allowed_span(year: int) -> tuple[date, date]:
    """A year's notice covers that year, and may reach back into the December before it
    (e.g. 2019's: "2018年12月30日至2019年1月1日放假调休…2018年12月29日（星期六）上班")."""
    return date(year - 1, 12, 1), date(year, 12, 31)


def parse_schedule(text: str, *, year: int) -> list[ScheduleDay]:
    """Lines such as ``2027-02-10 至 2027-02-16 休 春节``; blank lines and ``#`` comments skipped.

    Raises ScheduleError naming every bad line; returns the days sorted by date.
    """
    errors: list[str] = []
    seen: dict[date, int] = {}
    days: list[ScheduleDay] = []
    first, last = allowed_span(year)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line or line.startswith("#"):
            continue
        where = f"第 {number} 行“{raw.strip()}”"
        match = _LINE.match(line)
        if match is None:
            if not _STARTS_WITH_DATE.match(line):
                errors.append(f"{where}：应以日期开头，如 {year}-01-01")
            else:
                errors.append(f"{where}：日期后应写“休”或“班”，如 {year}-01-01 休 元旦")
            continue
        groups = match.groups()
        start = _to_date(*groups[1:4])
        end = _to_date(*groups[5:8]) if match.group("end") else start
        if start is None or end is None:
            bad = match.group("start") if start is None else match.group("end")
            errors.append(f"{where}：日期“{bad.strip()}”不存在")
            continue
        if end < start:
            errors.append(f"{where}：结束日期早于开始日期")
            continue
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            errors.append(f"{where}：一行最多 {MAX_RANGE_DAYS} 天，请检查日期")
            continue
        if start < first or end > last:
            errors.append(f"{where}：不属于 {year} 年的安排（可含上一年 12 月的调休）")
            continue
        note = match.group("note").strip()
        if len(note) > NOTE_MAX:
            errors.append(f"{where}：说明不超过 {NOTE_MAX} 个字")
            continue
        is_work = _KINDS[match.group("kind")]
        day = start
        while day <= end:
            if day in seen:
                errors.append(f"{where}：{day:%Y-%m-%d} 已在第 {seen[day]} 行出现")
                break
            seen[day] = number
            days.append(ScheduleDay(day, is_work, note, entered=True))
            day += timedelta(days=1)
    if errors:
        raise ScheduleError(errors)
    if not days:
        raise ScheduleError(["没有读到任何日期，请每行写一天或一个日期范围"])
    return sorted(days, key=lambda d: d.date)

"""Writes of the core app: the secretariat's working-day calendar."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from .audit import actor_of, audit_record
from .calendar import ScheduleDay, allowed_span, package_knows
from .exceptions import ApplicationError
from .models import CalendarDay, CalendarYear

SOURCE_MAX = 200


@transaction.atomic
def calendar_year_set(
    *, year: int, days: Sequence[ScheduleDay], source: str, actor: Any
) -> CalendarYear:
    """Enter (or replace) a year's official schedule of holidays and make-up workdays.

    The days replace whatever was entered for that year before; the `chinese-calendar`
    package's days stay underneath, so a day listed here overrides the package and a day not
    listed keeps the package's answer (or Monday–Friday for a year the package lacks).
    """
    if not 2000 <= year <= 2100:
        raise ApplicationError("年份应在 2000 至 2100 之间。", field="year")
    source = source.strip()
    if not source:
        raise ApplicationError(
            "请填写依据，如国务院办公厅关于节假日安排的通知及其文号。", field="source"
        )
    if len(source) > SOURCE_MAX:
        raise ApplicationError(f"依据不超过 {SOURCE_MAX} 个字。", field="source")
    if not days:
        raise ApplicationError("请至少录入一天的安排。", field="text")
    first, last = allowed_span(year)
    seen: set = set()
    for day in days:
        if not first <= day.date <= last:
            raise ApplicationError(
                f"{day.date:%Y-%m-%d} 不属于 {year} 年的安排（可含上一年 12 月的调休）。",
                field="text",
            )
        if day.date in seen:
            raise ApplicationError(f"{day.date:%Y-%m-%d} 重复出现。", field="text")
        seen.add(day.date)

    who = actor_of(actor)
    replaced = CalendarDay.objects.filter(year=year).count()
    CalendarDay.objects.filter(year=year).delete()
    # A date entered earlier with another year's notice (the December overlap) is taken over.
    CalendarDay.objects.filter(date__in=seen).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=d.date, is_workday=d.is_workday, note=d.note[:50], year=year)
        for d in sorted(days, key=lambda d: d.date)
    )
    entry, _created = CalendarYear.objects.update_or_create(
        year=year,
        defaults={"source": source, "entered_at": timezone.now(), "entered_by": who.name},
    )
    holidays = [d for d in days if not d.is_workday]
    workdays = [d for d in days if d.is_workday]
    audit_record(
        actor=actor,
        action="calendar.year_set",
        target=entry,
        data={
            "year": year,
            "source": source,
            "replaced": replaced,
            "package_knows_year": package_knows(year),
            "holidays": [f"{d.date:%Y-%m-%d} {d.note}".strip() for d in holidays],
            "workdays": [f"{d.date:%Y-%m-%d} {d.note}".strip() for d in workdays],
        },
    )
    return entry

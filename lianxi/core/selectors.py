"""Reads of the core app shared by pages and commands."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from .audit_labels import audit_action_label
from .calendar import ScheduleDay, package_knows, year_schedule
from .models import AuditEvent, AuditHead, CalendarDay, CalendarYear

# --- audit trail ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    date_from: date | None = None
    date_to: date | None = None
    unit_id: int | None = None
    person: str = ""
    action: str = ""
    target_type: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _first_scope_id() -> int | None:
    mechanism = apps.get_model("organization", "Mechanism")
    return mechanism.objects.order_by("pk").values_list("pk", flat=True).first()


def audit_events_in(scope_id: int | None) -> QuerySet[AuditEvent]:
    """One joint meeting's trail. Events with no scope were written before the platform could
    hold several joint meetings (so they are its first one's), or are the platform's own: they
    are shown beside the first joint meeting's trail only, never to another meeting's auditor."""
    if scope_id is None:
        return AuditEvent.objects.none()
    if scope_id == _first_scope_id():
        return AuditEvent.objects.filter(Q(scope_id=scope_id) | Q(scope_id__isnull=True))
    return AuditEvent.objects.filter(scope_id=scope_id)


def audit_events(filters: AuditFilters, *, scope_id: int | None) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by the auditor's filters (dates are whole local days)."""
    events = audit_events_in(scope_id).order_by("-id")
    if filters.date_from:
        events = events.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.unit_id is not None:
        events = events.filter(unit_id=filters.unit_id)
    if filters.person:
        events = events.filter(actor_name__icontains=filters.person)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    return events


def audit_filter_choices(*, scope_id: int | None) -> dict[str, list[tuple[Any, str]]]:
    """Units, actions and object types that occur in the trail (three small DISTINCT queries)."""
    scoped = audit_events_in(scope_id)
    units = (
        scoped.exclude(unit_id=None)
        .order_by("unit_name", "unit_id")
        .values_list("unit_id", "unit_name")
        .distinct()
    )
    actions = scoped.order_by("action").values_list("action", flat=True).distinct()
    types = (
        scoped.exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )
    return {
        "units": [(unit_id, name or f"单位 {unit_id}") for unit_id, name in units],
        "actions": [(a, audit_action_label(a)) for a in actions],
        "target_types": [(t, target_type_label(t)) for t in types],
    }


def target_type_label(label: str) -> str:
    """``organization.membership`` → 成员与联络员 (the model's Chinese name), no query."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name)


def role_labels() -> dict[str, str]:
    """Role codes to their Chinese names, read from the membership model when there is one
    (core imports no organization code; the app registry is asked at run time)."""
    try:
        model = apps.get_model("organization", "Membership")
        choices = model._meta.get_field("role").choices or []
    except (LookupError, ValueError):
        return {}
    return {str(code): str(label) for code, label in choices}


def audit_chain_summary(*, count: int | None = None) -> dict[str, Any]:
    """Cheap facts about the chain for the page (no walk): how many events and the head.

    Pass `count` when the caller already counted every event (an unfiltered list).
    """
    head = AuditHead.objects.filter(pk=1).first()
    return {
        "count": AuditEvent.objects.count() if count is None else count,
        "head_id": head.last_id if head else None,
        "head_hash": head.last_hash if head else "",
    }


# --- working-day calendar ------------------------------------------------------------------


@dataclass
class YearView:
    year: int
    package_knows: bool
    entry: CalendarYear | None
    holidays: list[ScheduleDay] = field(default_factory=list)
    workdays: list[ScheduleDay] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.package_knows or self.entry is not None

    @property
    def holiday_ranges(self) -> list[dict[str, Any]]:
        """Consecutive holidays of one name joined: 2026-10-01 至 2026-10-07 国庆节 (7 天)."""
        ranges: list[dict[str, Any]] = []
        for day in self.holidays:
            last = ranges[-1] if ranges else None
            if (
                last is not None
                and last["note"] == day.note
                and last["end"] + timedelta(days=1) == day.date
            ):
                last["end"] = day.date
                last["days"] += 1
                last["entered"] = last["entered"] or day.entered
            else:
                ranges.append(
                    {
                        "start": day.date,
                        "end": day.date,
                        "note": day.note,
                        "days": 1,
                        "entered": day.entered,
                    }
                )
        return ranges


def calendar_years(today: date) -> list[YearView]:
    """Last year, this year, the coming year and any other entered year, newest first."""
    entries = {e.year: e for e in CalendarYear.objects.all()}
    years = sorted({today.year - 1, today.year, today.year + 1, *entries}, reverse=True)
    rows = list(
        CalendarDay.objects.filter(
            date__gte=date(years[-1], 1, 1), date__lte=date(years[0], 12, 31)
        )
    )
    views = []
    for year in years:
        days = year_schedule(year, rows)
        views.append(
            YearView(
                year=year,
                package_knows=package_knows(year),
                entry=entries.get(year),
                holidays=[d for d in days if not d.is_workday],
                workdays=[d for d in days if d.is_workday],
            )
        )
    return views

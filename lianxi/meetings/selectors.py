"""Reads of the meetings app shared by pages, panels and the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from lianxi.organization.models import Unit
from lianxi.supervision.access import visible_items

from .access import visible_meetings
from .models import (
    AgendaItem,
    Attendance,
    Meeting,
    Minutes,
    MinutesReceipt,
    MinutesSection,
    Resolution,
)


def meeting_list(user: Any) -> QuerySet[Meeting]:
    """The meetings a person sees, with what the list shows, in a fixed number of queries."""
    return (
        visible_meetings(user)
        .select_related("chair_unit", "minutes")
        .annotate(
            invited_count=Count("attendances", distinct=True),
            answered_count=Count(
                "attendances",
                filter=~Q(attendances__status=Attendance.Status.PENDING),
                distinct=True,
            ),
        )
    )


def split_upcoming(
    meetings: Sequence[Meeting], now: datetime | None = None
) -> tuple[list[Meeting], list[Meeting]]:
    now = now or timezone.now()
    upcoming = [
        m
        for m in meetings
        if m.ends_at >= now and m.status in (Meeting.Status.DRAFT, Meeting.Status.NOTIFIED)
    ]
    upcoming.sort(key=lambda m: m.starts_at)
    ids = {m.pk for m in upcoming}
    past = [m for m in meetings if m.pk not in ids]
    return upcoming, past


def meeting_agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("proposed_by", "lead_unit")
        .prefetch_related("materials", "supporting_units")
        .order_by("order", "id")
    )


def meeting_attendances(meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("unit", "answered_by")
        .order_by("invited_as", "unit__order", "unit_id")
    )


@dataclass
class Roll:
    """The live roll (三(一)1): attending, by substitute, on leave, observers, no answer."""

    attending: list[Attendance] = field(default_factory=list)
    substitute: list[Attendance] = field(default_factory=list)
    on_leave: list[Attendance] = field(default_factory=list)
    observer: list[Attendance] = field(default_factory=list)
    pending: list[Attendance] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(group) for group in self.groups().values())

    def groups(self) -> dict[str, list[Attendance]]:
        return {
            "出席": self.attending,
            "委托出席": self.substitute,
            "请假": self.on_leave,
            "列席": self.observer,
            "未答复": self.pending,
        }


def roll_of(attendances: list[Attendance]) -> Roll:
    roll = Roll()
    for a in attendances:
        if a.status == Attendance.Status.ATTENDING:
            roll.attending.append(a)
        elif a.status == Attendance.Status.OBSERVER:
            roll.observer.append(a)
        elif a.status == Attendance.Status.ON_LEAVE:
            (roll.substitute if a.substitute_name else roll.on_leave).append(a)
        else:
            roll.pending.append(a)
    return roll


def minutes_detail(minutes: Minutes) -> tuple[list[MinutesSection], list[MinutesReceipt]]:
    sections = list(
        MinutesSection.objects.filter(minutes=minutes)
        .select_related("agenda_item")
        .prefetch_related(
            "agenda_item__supporting_units",
            Prefetch(
                "resolutions",
                queryset=Resolution.objects.select_related("lead_unit")
                .prefetch_related("supporting_units")
                .order_by("number"),
            ),
        )
        .order_by("order", "id")
    )
    receipts = list(
        MinutesReceipt.objects.filter(minutes=minutes)
        .select_related("unit", "acknowledged_by")
        .order_by("kind", "unit__order")
    )
    return sections, receipts


def resolution_action_items(sections: list[MinutesSection], user: Any) -> dict[int, Any]:
    """四(二): the action item each agreed matter became, by resolution id, among the items
    `user` may open (one query)."""
    from .services import resolution_source_key

    keys = {resolution_source_key(r.pk): r.pk for s in sections for r in s.resolutions.all()}
    if not keys:
        return {}
    items = (
        visible_items(user)
        .filter(source_key__in=keys)
        .only("pk", "source_key", "deadline", "status")
    )
    return {keys[item.source_key]: item for item in items}


def invitable_units(meeting: Meeting) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(mechanism_id=meeting.mechanism_id, active=True)
        .exclude(kind=Unit.Kind.GOVERNMENT)
        .exclude(attendances__meeting=meeting)
        .order_by("kind", "order", "id")
    )

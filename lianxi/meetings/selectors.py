"""Reads of the meetings app shared by pages, panels and the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from lianxi.notifications.models import Delivery
from lianxi.organization.models import Membership, Unit
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
    # Past meetings newest first: the one just held is the one looked for.
    past = sorted(
        (m for m in meetings if m.pk not in ids), key=lambda m: (m.starts_at, m.pk), reverse=True
    )
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
    """The live roll (三(一)1). Before the notice (mode "draft") nobody is asked yet; once
    notified, the answers: attending, by substitute, on leave, observers, no answer; once held
    (mode "actual"), who actually came as the convener recorded it."""

    attending: list[Attendance] = field(default_factory=list)
    substitute: list[Attendance] = field(default_factory=list)
    on_leave: list[Attendance] = field(default_factory=list)
    observer: list[Attendance] = field(default_factory=list)
    pending: list[Attendance] = field(default_factory=list)
    mode: str = "answers"
    actual: dict[str, list[Attendance]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(group) for group in self.groups().values())

    def groups(self) -> dict[str, list[Attendance]]:
        if self.mode == "actual":
            return self.actual
        if self.mode == "draft":
            return {"待发通知": self.pending}
        return {
            "出席": self.attending,
            "委托出席": self.substitute,
            "请假": self.on_leave,
            "列席": self.observer,
            "未答复": self.pending,
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per unit: its group, and whether it calls for the convener's attention (no
        answer to a notice sent; absent from a meeting held) — never before any notice."""
        warn = {"answers": "未答复", "actual": Attendance.Actual.ABSENT.label}.get(self.mode)
        return [
            {"label": label, "attendance": a, "warn": label == warn}
            for label, group in self.groups().items()
            for a in group
        ]


def roll_of(attendances: list[Attendance], *, meeting: Meeting | None = None) -> Roll:
    roll = Roll()
    if meeting is not None and meeting.status == Meeting.Status.DRAFT:
        roll.mode = "draft"
    elif meeting is not None and meeting.status == Meeting.Status.HELD:
        roll.mode = "actual"
        roll.actual = {label: [] for label in Attendance.Actual.labels}
        for a in attendances:
            label = Attendance.Actual(a.actual).label if a.actual else "缺席"
            roll.actual[label].append(a)
    for a in attendances:
        if roll.mode == "draft":
            roll.pending.append(a)
        elif a.status == Attendance.Status.ATTENDING:
            roll.attending.append(a)
        elif a.status == Attendance.Status.OBSERVER:
            roll.observer.append(a)
        elif a.status == Attendance.Status.ON_LEAVE:
            (roll.substitute if a.substitute_name else roll.on_leave).append(a)
        else:
            roll.pending.append(a)
    return roll


def answerable(meeting: Meeting) -> QuerySet[Attendance]:
    """The invitations the convener may answer for (by phone or fax) on the meeting's page."""
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("unit")
        .order_by("invited_as", "unit__order", "unit_id")
    )


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


# Whom a notice to an invited unit reaches: its member and liaison (a message to the unit), and
# an observer unit's people, addressed by name (services.common.unit_recipients).
REACHED_ROLES = ("member", "liaison", "observer")


def _reachable(units: Sequence[int]) -> dict[int, list[str]]:
    people: dict[int, list[str]] = {pk: [] for pk in units}
    for m in (
        Membership.objects.filter(
            unit_id__in=units, unit__active=True, active=True, role__in=REACHED_ROLES,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("unit_id", "role", "id")
    ):  # fmt: skip
        people[m.unit_id].append(m.display_name)
    return people


def unreached_units(meeting: Meeting) -> list[Unit]:
    """三(一)1: the invited units a notice would reach nobody in (no member, liaison or observer
    registered), to be told by phone or fax."""
    units = [a.unit for a in meeting.attendances.select_related("unit").order_by("unit__order")]
    people = _reachable([u.pk for u in units])
    return [u for u in units if not people[u.pk]]


def notice_reach(meeting: Meeting, attendances: Sequence[Attendance]) -> dict[int, list[str]]:
    """Per attendance id, the names of the unit's people the notice reached — from the inbox
    deliveries of the meeting's notices once sent, else who it would reach (two queries)."""
    unit_ids = [a.unit_id for a in attendances]
    if meeting.notified_at is None:
        by_unit = _reachable(unit_ids)
        return {a.pk: by_unit[a.unit_id] for a in attendances}
    reached = Delivery.objects.filter(
        message__kind="meeting.notice",
        message__url=reverse("meetings:detail", args=[meeting.pk]),
        message__mechanism_id=meeting.mechanism_id,
        channel=Delivery.Channel.INBOX,
    ).values("user_id")
    names: dict[int, list[str]] = {pk: [] for pk in unit_ids}
    for m in (
        Membership.objects.filter(unit_id__in=unit_ids, user_id__in=reached)
        .select_related("user")
        .order_by("unit_id", "role", "id")
    ):
        if m.display_name not in names[m.unit_id]:
            names[m.unit_id].append(m.display_name)
    return {a.pk: names[a.unit_id] for a in attendances}


def default_signer(minutes: Minutes) -> dict[str, str]:
    """Whom the 签发 form proposes: the health commission's member of the joint meeting (its
    responsible leader), by name and title; the secretariat may name another."""
    member = (
        Membership.objects.filter(
            unit__mechanism_id=minutes.mechanism_id,
            unit__is_secretariat=True,
            role=Membership.Role.MEMBER,
            active=True,
        )
        .select_related("user")
        .first()
    )
    if member is None:
        return {}
    return {"signer_name": member.display_name, "signer_title": member.title}


def invitable_units(meeting: Meeting) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(mechanism_id=meeting.mechanism_id, active=True)
        .exclude(kind=Unit.Kind.GOVERNMENT)
        .exclude(attendances__meeting=meeting)
        .order_by("kind", "order", "id")
    )

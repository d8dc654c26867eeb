"""Home-page panels and the unit-page section of the meetings app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from lianxi.core.dates import cn_date, cn_month_day, cn_time
from lianxi.organization.access import is_secretariat, membership_of

from .access import (
    coming_meetings_overview,
    own_attendances,
    own_receipts,
    sees_minutes_overview,
    signs_for_unit,
    visible_meetings,
    visible_minutes,
)
from .models import Attendance, Meeting, Minutes, MinutesReceipt
from .selectors import split_upcoming

UPCOMING_SHOWN = 5


def _when(meeting: Meeting) -> str:
    """12月3日 9:00 · 地点 (as officials write it)."""
    start = meeting.starts_at
    return f"{cn_month_day(start)} {cn_time(start)} · {meeting.location}"


def _minutes_item(minutes: Minutes, meta: str, level: str) -> dict[str, str]:
    """A panel line for one 纪要: its meeting's title and number, linked to its page."""
    return {
        "text": f"{minutes.meeting.title}纪要{minutes.number}",
        "meta": meta,
        "url": reverse("meetings:minutes", args=[minutes.pk]),
        "level": level,
    }


def secretariat_meetings_panel(user: Any, now: datetime | None = None) -> dict[str, Any] | None:
    """The secretariat: a warning when no plenary is scheduled or held this year (三(一)1), the
    coming meetings, and issued minutes some recipients have not acknowledged."""
    membership = membership_of(user)
    if not is_secretariat(membership):
        return None
    now = now or timezone.now()
    year = timezone.localtime(now).year
    items: list[dict[str, Any]] = []
    # One query: this year's plenaries (for the warning), the coming meetings, and meetings
    # whose issued minutes some recipient has not acknowledged.
    unacknowledged_receipt = MinutesReceipt.objects.filter(
        minutes__meeting=OuterRef("pk"),
        minutes__status=Minutes.Status.ISSUED,
        acknowledged_at__isnull=True,
    )
    rows = list(
        visible_meetings(user)
        .annotate(unacknowledged=Exists(unacknowledged_receipt))
        .filter(
            Q(kind=Meeting.Kind.PLENARY, starts_at__year=year)
            | Q(ends_at__gte=now, status__in=[Meeting.Status.DRAFT, Meeting.Status.NOTIFIED])
            | Q(unacknowledged=True)
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("minutes")
        .order_by("starts_at")
    )
    if not any(m.kind == Meeting.Kind.PLENARY and timezone.localtime(m.starts_at).year == year
               for m in rows):  # fmt: skip
        items.append(
            {
                "text": f"{year}年尚未安排全体会议",
                "meta": "工作规则三(一)1：全体会议原则上每年召开一次",
                "url": reverse("meetings:schedule"),
                "level": "danger",
            }
        )
    upcoming = split_upcoming(rows, now)[0][:UPCOMING_SHOWN]
    for meeting in upcoming:
        items.append(
            {
                "text": meeting.title,
                "meta": f"{meeting.get_status_display()} · {_when(meeting)}",
                "url": reverse("meetings:detail", args=[meeting.pk]),
                "level": "warning" if meeting.status == Meeting.Status.DRAFT else "info",
            }
        )
    unacknowledged = [m.minutes for m in reversed(rows) if m.unacknowledged][:UPCOMING_SHOWN]
    for minutes in unacknowledged:
        items.append(_minutes_item(minutes, "有单位尚未签收", "info"))
    return {
        "title": "会议",
        "items": items,
        "empty": "近期没有待召开的会议。",
        "more_url": reverse("meetings:list"),
        "more_text": "全部会议",
    }


def unit_meetings_panel(user: Any, now: datetime | None = None) -> dict[str, Any] | None:
    """A unit's people: meetings awaiting the unit's answer, coming meetings, minutes to sign."""
    membership = membership_of(user)
    if membership is None or not signs_for_unit(membership):
        return None
    now = now or timezone.now()
    items: list[dict[str, Any]] = []
    attendances = (
        own_attendances(user)
        .filter(meeting__status=Meeting.Status.NOTIFIED, meeting__ends_at__gte=now)
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )
    for a in attendances:
        pending = a.status == Attendance.Status.PENDING
        items.append(
            {
                "text": a.meeting.title,
                "meta": ("待答复是否出席 · " if pending else f"{a.get_status_display()} · ")
                + _when(a.meeting),
                "url": reverse("meetings:detail", args=[a.meeting_id]),
                "level": "warning" if pending else "info",
            }
        )
    chaired = (
        visible_meetings(user)
        .filter(
            kind=Meeting.Kind.TOPICAL,
            chair_unit_id=membership.unit_id,
            status=Meeting.Status.DRAFT,
        )
        .order_by("starts_at")
    )
    for meeting in chaired:
        items.append(
            {
                "text": meeting.title,
                "meta": "受托主持的专题会议，待发会议通知",
                "url": reverse("meetings:detail", args=[meeting.pk]),
                "level": "warning",
            }
        )
    receipts = (
        own_receipts(user)
        .filter(acknowledged_at__isnull=True, minutes__status=Minutes.Status.ISSUED)
        .select_related("minutes", "minutes__meeting")
        .order_by("-minutes__issued_at")
    )
    for receipt in receipts:
        items.append(
            _minutes_item(receipt.minutes, f"{receipt.get_kind_display()} · 待签收", "warning")
        )
    overview = sees_minutes_overview(membership)
    if overview:
        listed = {r.minutes_id for r in receipts}
        issued = (
            visible_minutes(user)
            .filter(status=Minutes.Status.ISSUED)
            .exclude(pk__in=listed)
            .select_related("meeting")
            .order_by("-issued_at")[:UPCOMING_SHOWN]
        )
        for minutes in issued:
            items.append(
                _minutes_item(minutes, f"{cn_date(minutes.issued_at)}印发 · 已签收", "info")
            )
    for meeting in coming_meetings_overview(user, now).order_by("starts_at")[:UPCOMING_SHOWN]:
        topical = meeting.kind == Meeting.Kind.TOPICAL
        chair = meeting.chair_unit.name if topical else "联席会议办公室"
        items.append(
            {
                "text": meeting.title,
                "meta": f"将召开 · {_when(meeting)} · {chair}召集",
                "level": "info",
            }
        )
    return {
        "title": "会议与纪要（全市概览）" if overview else "会议与纪要",
        "items": items,
        "empty": "没有需要答复的会议通知或待签收的会议纪要。",
        "more_url": reverse("meetings:list"),
        "more_text": "全部会议",
    }

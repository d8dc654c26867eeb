"""Helpers shared by the meetings services: recipients, the convener checks, URLs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from lianxi.core.dates import cn_datetime, cn_time
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import is_secretariat
from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import secretariat_users

from ..access import EDITABLE_STATUSES, can_convene, issues_minutes
from ..models import (
    Meeting,
    Minutes,
)

Role = Membership.Role
CARRYOVER_TITLE = "上次会议议定事项落实情况"
# 三(一)1: reminders to units that have not answered, in calendar days before the start.
REMINDER_DAYS = (3, 1)
MAX_MATERIAL_BYTES = 30 * 1024 * 1024


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _when(meeting: Meeting) -> str:
    """As officials write it: 2026年12月3日 9:00至11:00 (another day's end: its date too)."""
    start = _local(meeting.starts_at)
    end = _local(meeting.ends_at)
    until = cn_time(end) if end.date() == start.date() else cn_datetime(end)
    return f"{cn_datetime(start)}至{until}"


def unit_recipients(units: Iterable[Unit]) -> list[Any]:
    """A unit's messages reach its member and liaison (notify); an invited unit's observers and
    the government office's readers are added by name, since a unit message does not reach them."""
    units = list(units)
    extra = [
        m.user
        for m in Membership.objects.filter(
            unit__in=units,
            active=True,
            role__in=[Role.OBSERVER, Role.GOVERNMENT],
            user__is_active=True,
        ).select_related("user")
    ]
    return [*units, *extra]


def convener_recipients(meeting: Meeting) -> list[Any]:
    """Who runs the meeting: the secretariat, and for a topical meeting the chair unit."""
    recipients: list[Any] = secretariat_users(meeting.mechanism_id)
    if meeting.kind == Meeting.Kind.TOPICAL:
        recipients.append(meeting.chair_unit)
    return recipients


def _require_convener(actor: Membership, meeting: Meeting) -> None:
    if not can_convene(actor, meeting):
        raise ApplicationError("只有会议召集方可以进行此项操作。")


def _require_secretariat(actor: Membership) -> None:
    if not is_secretariat(actor):
        raise ApplicationError("只有联席会议办公室可以进行此项操作。")


def _require_secretariat_of(actor: Membership, minutes: Minutes, what: str) -> None:
    """三(一)1, 四(六): the health commission (the secretariat) signs off and issues every
    会议纪要 of its joint meeting, a topical meeting's too (access.issues_minutes)."""
    if not issues_minutes(actor, minutes):
        raise ApplicationError(
            f"会议纪要由联席会议办公室（市卫生健康委）{what}（工作规则三(一)1、四(六)）。"
        )


def _require_editable(meeting: Meeting) -> None:
    if meeting.status not in EDITABLE_STATUSES:
        raise ApplicationError(f"会议{meeting.get_status_display()}，不能再修改。")


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ApplicationError("请填写会议的开始和结束时间。", field="starts_at")
    if ends_at <= starts_at:
        raise ApplicationError("结束时间应晚于开始时间。", field="ends_at")


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def minutes_url(minutes: Minutes) -> str:
    return reverse("meetings:minutes", args=[minutes.pk])

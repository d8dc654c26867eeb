"""The meeting notice, its updates and the cancellation (三(一)1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.models import Membership, Unit

from ..ics import meeting_ics_attachment
from ..models import (
    Meeting,
)
from .common import (
    _check_times,
    _clean,
    _require_convener,
    _require_editable,
    _when,
    meeting_url,
    unit_recipients,
)


def default_notice(meeting: Meeting) -> str:
    agenda = "\n".join(
        f"{item.order}. {item.title}"
        + (f"（汇报单位：{item.lead_unit.name}）" if item.lead_unit else "")
        for item in meeting.agenda.select_related("lead_unit")
    )
    convener = "联席会议办公室" if meeting.kind == Meeting.Kind.PLENARY else meeting.chair_unit.name
    return (
        f"联席会议各有关成员单位：\n经研究，定于{_when(meeting)}在{meeting.location}召开"
        f"{meeting.title}。\n会议议题：\n{agenda}\n"
        "请各单位联席会议成员准时参加。如成员因故不能出席，请于会前在平台上请假，"
        "并委托其他负责同志出席（工作规则三(一)1）。\n"
        f"{convener}"
    )


def _send_notice(
    meeting: Meeting, units: Sequence[Unit], *, actor: Any, update: bool = False
) -> None:
    subject = ("会议变更通知：" if update else "会议通知：") + meeting.title
    notify(
        recipients=unit_recipients(units),
        kind="meeting.notice",
        subject=subject,
        body=f"{meeting.notice_text}\n\n时间：{_when(meeting)}\n地点：{meeting.location}\n"
        "请在平台上答复是否出席。",
        url=meeting_url(meeting),
        actor=actor,
        # RFC 5545 invitation (UID stays, SEQUENCE rises with each update): issue 3 §3.
        attachments=[meeting_ics_attachment(meeting, method="REQUEST")],
    )


def invited_units(meeting: Meeting) -> list[Unit]:
    return [a.unit for a in meeting.attendances.select_related("unit").order_by("unit__order")]


@transaction.atomic
def meeting_notify(
    *, meeting: Meeting, actor: Membership, notice_text: str = "", now: datetime | None = None
) -> Meeting:
    """三(一)1: the meeting notice to every invited unit; the meeting moves to 已发通知."""
    _require_convener(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.DRAFT:
        raise ApplicationError(f"会议{meeting.get_status_display()}，不能再发通知。")
    if (now or timezone.now()) >= meeting.starts_at:
        raise ApplicationError("会议开始时间已过，请先修改会议时间。")
    if not meeting.agenda.exists():
        raise ApplicationError("请先确定会议议题，再发会议通知。")
    units = invited_units(meeting)
    if not units:
        raise ApplicationError("没有邀请任何单位。")
    meeting.notice_text = (notice_text or "").strip() or default_notice(meeting)
    meeting.status = Meeting.Status.NOTIFIED
    meeting.notified_at = now or timezone.now()
    meeting.save(update_fields=["notice_text", "status", "notified_at", "updated_at"])
    audit_record(actor=actor, action="meeting.notify", target=meeting, data={"units": len(units)})
    _send_notice(meeting, units, actor=actor)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor: Membership,
    title: str | None = None,
    topic: str | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    location: str | None = None,
) -> Meeting:
    """Changes a meeting; once notified, a change of time or place raises the calendar SEQUENCE
    and every invited unit gets a change notice (会议变更通知)."""
    _require_convener(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    changed: dict[str, str] = {}
    if title is not None:
        new_title = _clean(title, "会议名称", 200)
        if new_title != meeting.title:
            changed["title"] = new_title
            meeting.title = new_title
    if topic is not None and topic.strip() != meeting.topic:
        meeting.topic = topic.strip()
        changed["topic"] = meeting.topic
    new_start = starts_at or meeting.starts_at
    new_end = ends_at or meeting.ends_at
    _check_times(new_start, new_end)
    moved = new_start != meeting.starts_at or new_end != meeting.ends_at
    if location is not None:
        new_location = _clean(location, "会议地点", 200)
        if new_location != meeting.location:
            moved = True
            meeting.location = new_location
            changed["location"] = new_location
    if new_start != meeting.starts_at or new_end != meeting.ends_at:
        meeting.starts_at, meeting.ends_at = new_start, new_end
        changed["starts_at"] = new_start.isoformat()
        changed["ends_at"] = new_end.isoformat()
    if not changed:
        return meeting
    resend = meeting.status == Meeting.Status.NOTIFIED and moved
    if resend:
        meeting.ical_sequence += 1
    meeting.save()
    audit_record(actor=actor, action="meeting.update", target=meeting, data=changed)
    if resend:
        _send_notice(meeting, invited_units(meeting), actor=actor, update=True)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, actor: Membership) -> Meeting:
    """Cancels a meeting not yet held; units already notified are told (METHOD:CANCEL)."""
    _require_convener(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    reason = _clean(reason, "取消原因", 300)
    was_notified = meeting.status == Meeting.Status.NOTIFIED
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_reason = reason
    meeting.ical_sequence += 1
    meeting.save(update_fields=["status", "cancelled_reason", "ical_sequence", "updated_at"])
    audit_record(actor=actor, action="meeting.cancel", target=meeting, data={"reason": reason})
    if was_notified:
        notify(
            recipients=unit_recipients(invited_units(meeting)),
            kind="meeting.cancelled",
            subject=f"会议取消：{meeting.title}",
            body=f"原定于{_when(meeting)}在{meeting.location}召开的{meeting.title}取消。\n"
            f"原因：{reason}",
            url=meeting_url(meeting),
            actor=actor,
            attachments=[meeting_ics_attachment(meeting, method="CANCEL")],
        )
    return meeting

"""The meeting notice, its updates and the cancellation (三(一)1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.dates import cn_datetime
from lianxi.core.exceptions import ApplicationError
from lianxi.core.text import clean_text
from lianxi.notifications.services import notify
from lianxi.organization.models import Membership, Unit

from ..ics import meeting_ics_attachment
from ..models import (
    Attendance,
    Meeting,
)
from .common import (
    _check_times,
    _local,
    _require_convener,
    _require_editable,
    _when,
    meeting_url,
    unit_recipients,
)


def _convener_name(meeting: Meeting) -> str:
    return "联席会议办公室" if meeting.kind == Meeting.Kind.PLENARY else meeting.chair_unit.name


def default_notice(meeting: Meeting) -> str:
    agenda = "\n".join(
        f"{item.order}. {item.title}"
        + (f"（汇报单位：{item.lead_unit.name}）" if item.lead_unit else "")
        for item in meeting.agenda.select_related("lead_unit")
    )
    if meeting.kind == Meeting.Kind.TOPICAL:
        # 三(一)2: a topical meeting is convened by the entrusted member, with the members the
        # topic concerns; others may be invited.
        opening = (
            f"受联席会议委托，{meeting.chair_unit.name}定于{_when(meeting)}在{meeting.location}"
            f"召开{meeting.title}（工作规则三(一)2）。"
        )
        attend = (
            "请与会议议题有关的联席会议成员准时参加（工作规则三(一)2）。如成员因故不能出席，"
            "请于会前在平台上请假，并委托其他负责同志出席。"
        )
    else:
        opening = f"经研究，定于{_when(meeting)}在{meeting.location}召开{meeting.title}。"
        attend = (
            "请各单位联席会议成员准时参加。如成员因故不能出席，请于会前在平台上请假，"
            "并委托其他负责同志出席（工作规则三(一)1）。"
        )
    return (
        f"联席会议各有关成员单位：\n{opening}\n会议议题：\n{agenda}\n{attend}\n"
        f"{_convener_name(meeting)}"
    )


def _send_notice(
    meeting: Meeting,
    units: Sequence[Unit],
    *,
    actor: Any,
    update: bool = False,
    text: str = "",
) -> None:
    subject = ("会议变更通知：" if update else "会议通知：") + meeting.title
    notify(
        recipients=unit_recipients(units),
        kind="meeting.notice",
        subject=subject,
        body=f"{text or meeting.notice_text}\n\n时间：{_when(meeting)}\n地点：{meeting.location}\n"
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


@dataclass(frozen=True)
class _Before:
    title: str
    topic: str
    when: str
    location: str
    day: date
    notice: str


def _change_notice(meeting: Meeting, before: _Before, *, answers_stand: bool) -> str:
    """会议变更通知: what was set ("原定…") and what it is now ("现调整为…"), and whether the
    answers given stand."""
    lines = ["联席会议各有关成员单位："]
    moved = before.when != _when(meeting) or before.location != meeting.location
    if moved:
        lines.append(
            f"原定于{before.when}在{before.location}召开的{before.title}，现调整为"
            f"{_when(meeting)}在{meeting.location}召开。"
        )
    if before.title != meeting.title:
        lines.append(f"原定召开的{before.title}，会议名称调整为“{meeting.title}”。")
    if before.topic != meeting.topic:
        lines.append(f"会议议题说明调整为：{meeting.topic or '（无）'}")
    if answers_stand:
        lines.append("各单位此前的答复继续有效；如有变化，请在平台上修改答复。")
    else:
        lines.append(
            "因会议日期调整，各单位此前的答复不再有效（含请假和委托出席），请重新答复是否出席"
            "（工作规则三(一)1）。"
        )
    lines.append(_convener_name(meeting))
    return "\n".join(lines)


def _followed_notice(meeting: Meeting, before: _Before, old_default: str) -> str:
    """The stored notice after a change: regenerated if it was the default text, otherwise the
    old time, place and title replaced by the new ones."""
    if not before.notice or before.notice == old_default:
        return default_notice(meeting)
    text = before.notice
    for old, new in (
        (before.when, _when(meeting)),
        (before.location, meeting.location),
        (before.title, meeting.title),
    ):
        if old and old != new:
            text = text.replace(old, new)
    return text


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
    now: datetime | None = None,
) -> Meeting:
    """Changes a meeting. Once notified, any change the invitation carries (time, place, title,
    topic) raises the calendar SEQUENCE and every invited unit gets a change notice (会议变更
    通知: "原定…，现调整为…"), which says whether earlier answers stand: they do when the day
    is the same; a new day asks every unit to answer again. The stored notice follows."""
    _require_convener(actor, meeting)
    meeting = Meeting.objects.select_for_update().select_related("chair_unit").get(pk=meeting.pk)
    _require_editable(meeting)
    now = now or timezone.now()
    before = _Before(
        title=meeting.title,
        topic=meeting.topic,
        when=_when(meeting),
        location=meeting.location,
        day=_local(meeting.starts_at).date(),
        notice=meeting.notice_text,
    )
    old_default = default_notice(meeting) if meeting.notice_text else ""
    changed: dict[str, str] = {}
    if title is not None:
        new_title = clean_text(title, "会议名称", 200, kind="paragraph")
        if new_title != meeting.title:
            changed["title"] = new_title
            meeting.title = new_title
    if topic is not None and topic.strip() != meeting.topic:
        meeting.topic = topic.strip()
        changed["topic"] = meeting.topic
    new_start = starts_at or meeting.starts_at
    new_end = ends_at or meeting.ends_at
    _check_times(new_start, new_end)
    if location is not None:
        new_location = clean_text(location, "会议地点", 200, kind="paragraph")
        if new_location != meeting.location:
            meeting.location = new_location
            changed["location"] = new_location
    if new_start != meeting.starts_at or new_end != meeting.ends_at:
        if new_start <= now:
            raise ApplicationError(
                f"会议时间不能调整到已经过去的时间（{cn_datetime(new_start)}）。", field="starts_at"
            )
        meeting.starts_at, meeting.ends_at = new_start, new_end
        changed["starts_at"] = new_start.isoformat()
        changed["ends_at"] = new_end.isoformat()
    if not changed:
        return meeting
    resend = meeting.status == Meeting.Status.NOTIFIED
    answers_stand = _local(meeting.starts_at).date() == before.day
    if resend:
        meeting.ical_sequence += 1
        meeting.change_notice_text = _change_notice(meeting, before, answers_stand=answers_stand)
        meeting.changed_at = now
        meeting.notice_text = _followed_notice(meeting, before, old_default)
        if not answers_stand:
            reset = meeting.attendances.exclude(status=Attendance.Status.PENDING)
            changed["answers_reset"] = ",".join(
                str(pk) for pk in reset.values_list("unit_id", flat=True)
            )
            reset.update(
                status=Attendance.Status.PENDING,
                answered_at=None,
                answered_by=None,
                answered_via=Attendance.Channel.PLATFORM,
            )
    meeting.save()
    audit_record(actor=actor, action="meeting.update", target=meeting, data=changed)
    if resend:
        _send_notice(
            meeting,
            invited_units(meeting),
            actor=actor,
            update=True,
            text=meeting.change_notice_text,
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, actor: Membership) -> Meeting:
    """Cancels a meeting not yet held; units already notified are told (METHOD:CANCEL)."""
    _require_convener(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(meeting)
    reason = clean_text(reason, "取消原因", 300, kind="paragraph")
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

"""Attendance (三(一)1): answers, leave and substitutes, reminders, the record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.dates import cn_datetime
from lianxi.core.exceptions import ApplicationError
from lianxi.core.text import clean_text
from lianxi.notifications.models import Message
from lianxi.notifications.services import notify
from lianxi.organization.models import Membership

from ..access import may_answer
from ..models import (
    Attendance,
    Meeting,
    Minutes,
)
from .common import (
    REMINDER_DAYS,
    Role,
    _local,
    _require_convener,
    _when,
    convener_recipients,
    meeting_url,
    unit_recipients,
)


@transaction.atomic
def attendance_answer(
    *,
    attendance: Attendance,
    actor: Membership,
    attending: bool,
    attendee_name: str = "",
    attendee_title: str = "",
    substitute_name: str = "",
    substitute_title: str = "",
    leave_reason: str = "",
    now: datetime | None = None,
) -> Attendance:
    """三(一)1: a unit answers the notice before the meeting starts: it attends (who), or its
    member asks leave and names the responsible comrade who attends instead (委托出席).
    An observer unit answers 列席."""
    attendance = _locked(attendance)
    if not may_answer(actor, attendance):
        raise ApplicationError("只有受邀单位的成员或联络员可以答复本单位是否出席。")
    return _answer(
        attendance, actor=actor, via=Attendance.Channel.PLATFORM, attending=attending,
        attendee_name=attendee_name, attendee_title=attendee_title,
        substitute_name=substitute_name, substitute_title=substitute_title,
        leave_reason=leave_reason, now=now,
    )  # fmt: skip


ON_BEHALF_CHANNELS = (Attendance.Channel.PHONE, Attendance.Channel.FAX)


@transaction.atomic
def attendance_answer_on_behalf(
    *,
    attendance: Attendance,
    actor: Membership,
    via: str,
    attending: bool,
    attendee_name: str = "",
    attendee_title: str = "",
    substitute_name: str = "",
    substitute_title: str = "",
    leave_reason: str = "",
    now: datetime | None = None,
) -> Attendance:
    """三(一)1: a unit with nobody on the platform (or who rang) answers by phone or fax; the
    convener's clerk enters the answer for it, marked 电话答复 / 传真答复 with who entered it.
    The same rules as the unit's own answer apply (before the start; leave names a substitute)."""
    attendance = _locked(attendance)
    _require_convener(actor, attendance.meeting)
    if via not in ON_BEHALF_CHANNELS:
        raise ApplicationError("代为登记的答复须注明是电话或传真答复。", field="via")
    return _answer(
        attendance, actor=actor, via=via, attending=attending,
        attendee_name=attendee_name, attendee_title=attendee_title,
        substitute_name=substitute_name, substitute_title=substitute_title,
        leave_reason=leave_reason, now=now,
    )  # fmt: skip


def _locked(attendance: Attendance) -> Attendance:
    return (
        Attendance.objects.select_for_update()
        .select_related("meeting", "unit", "meeting__mechanism", "meeting__chair_unit")
        .get(pk=attendance.pk)
    )


def _answer(
    attendance: Attendance,
    *,
    actor: Membership,
    via: str,
    attending: bool,
    attendee_name: str,
    attendee_title: str,
    substitute_name: str,
    substitute_title: str,
    leave_reason: str,
    now: datetime | None,
) -> Attendance:
    now = now or timezone.now()
    meeting = attendance.meeting
    if meeting.status == Meeting.Status.CANCELLED:
        raise ApplicationError("会议已取消。")
    if meeting.status != Meeting.Status.NOTIFIED:
        raise ApplicationError("会议通知尚未发出或会议已召开，不能答复。")
    if now >= meeting.starts_at:
        if not attending:
            raise ApplicationError(
                f"会议已于{cn_datetime(meeting.starts_at)}开始，不能再请假。"
                "按照工作规则三(一)1，成员因故不能出席的，须在会前提出并委托其他负责同志出席。"
            )
        raise ApplicationError("会议已开始，不能再答复；实际出席情况由会议召集方登记。")
    attendee_name = clean_text(attendee_name, "出席人姓名", 50, required=False, kind="paragraph")
    attendee_title = clean_text(attendee_title, "职务", 100, required=False, kind="paragraph")
    substitute_name = clean_text(
        substitute_name, "受委托出席人姓名", 50, required=False, kind="paragraph"
    )
    substitute_title = clean_text(
        substitute_title, "受委托出席人职务", 100, required=False, kind="paragraph"
    )
    leave_reason = clean_text(leave_reason, "请假事由", 300, required=False, kind="paragraph")
    observer = attendance.invited_as == Attendance.InvitedAs.OBSERVER
    if attending:
        if not attendee_name:
            raise ApplicationError("请填写出席人姓名。", field="attendee_name")
        attendance.status = Attendance.Status.OBSERVER if observer else Attendance.Status.ATTENDING
        substitute_name = substitute_title = leave_reason = ""
    else:
        if not observer and not substitute_name:
            raise ApplicationError(
                "成员因故不能出席的，须委托其他负责同志出席（工作规则三(一)1），"
                "请填写受委托出席人。",
                field="substitute_name",
            )
        if not attendee_name:
            member = (
                Membership.objects.filter(unit=attendance.unit, role=Role.MEMBER, active=True)
                .select_related("user")
                .first()
            )
            if member is not None:
                attendee_name, attendee_title = member.display_name, attendee_title or member.title
        attendance.status = Attendance.Status.ON_LEAVE
    attendance.attendee_name = attendee_name
    attendance.attendee_title = attendee_title
    attendance.substitute_name = substitute_name
    attendance.substitute_title = substitute_title
    attendance.leave_reason = leave_reason
    attendance.answered_at = now
    attendance.answered_by = actor.user
    attendance.answered_via = via
    attendance.save()
    audit_record(
        actor=actor,
        action="meeting.answer",
        target=meeting,
        data={
            "unit": attendance.unit_id,
            "status": attendance.status,
            "attendee": attendee_name,
            "substitute": substitute_name,
            "via": via,
        },
    )
    if attendance.status == Attendance.Status.ON_LEAVE:
        who = f"，委托{substitute_name}（{substitute_title}）出席" if substitute_name else ""
        notify(
            recipients=convener_recipients(meeting),
            kind="meeting.leave",
            subject=f"请假：{attendance.unit.name} · {meeting.title}",
            body=f"{attendance.unit.name}{attendee_name}请假{who}。"
            + (f"\n事由：{leave_reason}" if leave_reason else ""),
            url=meeting_url(meeting),
            actor=actor,
        )
    return attendance


def answer_reminders_due(now: datetime | None = None) -> int:
    """Tick: remind units that have not answered, 3 and 1 calendar days before the start.

    Idempotent: each reminder has a key (meeting, unit, start date, threshold), so a repeated or
    late tick sends nothing twice, and a missed 3-day reminder is not sent after the 1-day one.
    """
    now = now or timezone.now()
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    pending = (
        Attendance.objects.filter(
            status=Attendance.Status.PENDING,
            meeting__status=Meeting.Status.NOTIFIED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=horizon,
        )
        .select_related("meeting", "unit")
        .order_by("meeting_id", "unit__order")
    )
    due = []
    for attendance in pending:
        meeting = attendance.meeting
        left = meeting.starts_at - now
        threshold = min(d for d in REMINDER_DAYS if left <= timedelta(days=d))
        key = (
            f"meetings.answer_reminder:{meeting.pk}:{attendance.unit_id}:"
            f"{_local(meeting.starts_at):%Y%m%d%H%M}:{threshold}"
        )
        due.append((attendance, key))
    # Runs every minute: which reminders went out already, in one query rather than one a unit.
    done = set(
        Message.objects.filter(key__in=[key for _, key in due]).values_list("key", flat=True)
    )
    sent = 0
    for attendance, key in due:
        if key in done:
            continue
        meeting = attendance.meeting
        with transaction.atomic():
            notify(
                recipients=unit_recipients([attendance.unit]),
                kind="meeting.answer_reminder",
                subject=f"请答复是否出席：{meeting.title}",
                body=f"{meeting.title}将于{_when(meeting)}在{meeting.location}召开，"
                "贵单位尚未答复是否出席。成员因故不能出席的，请在会前请假并委托其他负责同志出席"
                "（工作规则三(一)1）。",
                url=meeting_url(meeting),
                key=key,
            )
        sent += 1
    return sent


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    actual: Mapping[int, str],
    names: Mapping[int, str] | None = None,
    actor: Membership,
    now: datetime | None = None,
) -> Meeting:
    """三(一)1: on the day the convener records who actually came (出席 / 委托出席, named /
    请假 / 列席 / 缺席); not once the minutes are issued;
    the meeting moves to 已召开. `actual` and `names` are keyed by attendance id."""
    _require_convener(actor, meeting)
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    past_record = meeting.status == Meeting.Status.DRAFT and meeting.starts_at <= now
    if meeting.status not in (Meeting.Status.NOTIFIED, Meeting.Status.HELD) and not past_record:
        raise ApplicationError("会议通知发出后才能登记实际出席情况。")
    if _local(now).date() < _local(meeting.starts_at).date():
        raise ApplicationError("会议当天才能登记实际出席情况。")
    if Minutes.objects.filter(meeting=meeting, status=Minutes.Status.ISSUED).exists():
        raise ApplicationError("会议纪要已印发，实际出席情况不能再修改。")
    names = names or {}
    attendances = list(meeting.attendances.select_related("unit"))
    missing = [a.unit.name for a in attendances if a.pk not in actual]
    if missing:
        raise ApplicationError("请登记每个受邀单位的出席情况：" + "、".join(missing))
    for attendance in attendances:
        value = actual[attendance.pk]
        if value not in Attendance.Actual.values:
            raise ApplicationError(f"{attendance.unit.name}的出席情况无效。")
        attendance.actual = value
        attendance.actual_name = clean_text(
            names.get(attendance.pk, ""), "实际出席人", 50, required=False, kind="line"
        )
        if value == Attendance.Actual.DELEGATE and not attendance.actual_name:
            # 三(一)1: 委托其他负责同志出席 — the delegate is named.
            raise ApplicationError(f"{attendance.unit.name}委托出席，请填写受委托出席人姓名。")
        attendance.recorded_at = now
    Attendance.objects.bulk_update(attendances, ["actual", "actual_name", "recorded_at"])
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="meeting.attendance_record",
        target=meeting,
        data={str(a.unit_id): a.actual for a in attendances},
    )
    return meeting


def default_actual(attendance: Attendance) -> tuple[str, str]:
    """What the record form proposes from the unit's answer: (actual, who came)."""
    status = attendance.status
    if status == Attendance.Status.ATTENDING:
        return Attendance.Actual.PRESENT, attendance.attendee_name
    if status == Attendance.Status.OBSERVER:
        return Attendance.Actual.OBSERVER, attendance.attendee_name
    if status == Attendance.Status.ON_LEAVE and attendance.substitute_name:
        return Attendance.Actual.DELEGATE, attendance.substitute_name
    if status == Attendance.Status.ON_LEAVE:
        return Attendance.Actual.ON_LEAVE, ""
    return Attendance.Actual.ABSENT, ""

"""Every write of the meetings app: scheduling, agenda, notice, attendance, minutes (三(一)).

Each service is keyword-only, runs in one transaction, writes its audit event and notifies the
units concerned (``notify`` writes its messages inside the same transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.models import Message
from lianxi.notifications.services import inbox_mark_read_about, notify
from lianxi.organization.models import Mechanism, Membership, Unit
from lianxi.organization.selectors import secretariat_users
from lianxi.routing.services import routing_example_forget, routing_example_record
from lianxi.supervision.models import MAX_DEADLINE_WORKDAYS, MAX_FEEDBACK_WORKDAYS

from .access import UNIT_ROLES, can_convene
from .ics import meeting_ics_attachment
from .models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingMaterial,
    Minutes,
    MinutesReceipt,
    MinutesSection,
    Resolution,
)

Role = Membership.Role
CARRYOVER_TITLE = "上次会议议定事项落实情况"
# 三(一)1: reminders to units that have not answered, in calendar days before the start.
REMINDER_DAYS = (3, 1)
MAX_MATERIAL_BYTES = 30 * 1024 * 1024
EDITABLE_STATUSES = (Meeting.Status.DRAFT, Meeting.Status.NOTIFIED)


# --- helpers ------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _when(meeting: Meeting) -> str:
    start = _local(meeting.starts_at)
    end = _local(meeting.ends_at)
    return f"{start:%Y年%m月%d日 %H:%M}至{end:%H:%M}"


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
    if actor.role != Role.SECRETARIAT:
        raise ApplicationError("只有联席会议办公室可以进行此项操作。")


def _require_editable(meeting: Meeting) -> None:
    if meeting.status not in EDITABLE_STATUSES:
        raise ApplicationError(f"会议{meeting.get_status_display()}，不能再修改。")


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ApplicationError("请填写会议的开始和结束时间。", field="starts_at")
    if ends_at <= starts_at:
        raise ApplicationError("结束时间应晚于开始时间。", field="ends_at")


def _clean(text: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (text or "").strip()
    if required and not value:
        raise ApplicationError(f"请填写{label}。")
    if len(value) > max_length:
        raise ApplicationError(f"{label}不能超过 {max_length} 个字。")
    return value


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def minutes_url(minutes: Minutes) -> str:
    return reverse("meetings:minutes", args=[minutes.pk])


# --- units invited by name ----------------------------------------------------------------


@transaction.atomic
def invited_unit_add(*, name: str, actor: Membership) -> Unit:
    """A unit outside the joint meeting that may be invited to attend as an observer (列席)."""
    _require_secretariat(actor)
    name = _clean(name, "单位名称", 100)
    mechanism = actor.unit.mechanism
    existing = Unit.objects.filter(mechanism=mechanism, name=name).first()
    if existing is not None:
        if existing.kind != Unit.Kind.INVITED:
            raise ApplicationError(f"“{name}”已是{existing.get_kind_display()}，无需另行添加。")
        return existing
    order = (Unit.objects.filter(mechanism=mechanism).aggregate(m=Max("order"))["m"] or 0) + 1
    unit = Unit.objects.create(mechanism=mechanism, name=name, kind=Unit.Kind.INVITED, order=order)
    audit_record(actor=actor, action="unit.invited_add", target=unit, data={"name": name})
    return unit


# --- scheduling ---------------------------------------------------------------------------


def _previous_plenary_exists(mechanism: Mechanism, exclude: Meeting | None = None) -> bool:
    meetings = Meeting.objects.filter(mechanism=mechanism, kind=Meeting.Kind.PLENARY).exclude(
        status=Meeting.Status.CANCELLED
    )
    if exclude is not None:
        meetings = meetings.exclude(pk=exclude.pk)
    return meetings.exists()


def carryover_description(mechanism: Mechanism) -> str:
    """四(二): the unfinished agreed matters, one line each, for the next plenary's first item."""
    from lianxi.supervision.models import ActionItem
    from lianxi.supervision.selectors import unfinished_items

    lines = []
    items = unfinished_items(mechanism=mechanism).filter(source=ActionItem.Source.MEETING)
    for n, item in enumerate(items, start=1):
        parts = [f"牵头单位：{item.lead_unit.name}", f"办结时限：{item.deadline:%Y-%m-%d}"]
        if item.source_label:
            parts.insert(0, item.source_label)
        lines.append(f"{n}. {item.title}（{'；'.join(parts)}；{item.get_status_display()}）")
    if not lines:
        return "上次会议议定事项均已办结。"
    return f"尚未办结的议定事项 {len(lines)} 项：\n" + "\n".join(lines)


@transaction.atomic
def meeting_schedule(
    *,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    topic: str = "",
    chair_unit: Unit | None = None,
    invited_units: Sequence[Unit] | None = None,
    observer_units: Sequence[Unit] = (),
    new_observer_name: str = "",
    actor: Membership,
) -> Meeting:
    """三(一)1: the secretariat schedules a plenary, to which every active member unit is invited
    (and observers, 列席, among them one not yet on the list, named); 三(一)2: a topical meeting
    invites only the units concerned."""
    _require_secretariat(actor)
    if kind not in Meeting.Kind.values:
        raise ApplicationError("会议类型应为全体会议或专题会议。", field="kind")
    title = _clean(title, "会议名称", 200)
    location = _clean(location, "会议地点", 200)
    _check_times(starts_at, ends_at)
    mechanism = actor.unit.mechanism
    if new_observer_name.strip():
        observer_units = [*observer_units, invited_unit_add(name=new_observer_name, actor=actor)]
    if kind == Meeting.Kind.PLENARY:
        if chair_unit is None:
            chair_unit = (
                Unit.objects.filter(mechanism=mechanism, is_secretariat=True).first() or actor.unit
            )
        if invited_units is None:
            invited_units = list(
                Unit.objects.filter(mechanism=mechanism, kind=Unit.Kind.MEMBER, active=True)
            )
    else:
        if chair_unit is None or chair_unit.kind != Unit.Kind.MEMBER or not chair_unit.active:
            raise ApplicationError("专题会议须委托一个成员单位主持。", field="chair_unit")
        invited_units = list(invited_units or [])
        if chair_unit not in invited_units:
            invited_units.insert(0, chair_unit)
    members = [u for u in invited_units if u.mechanism_id == mechanism.pk and u.active]
    observers = [
        u
        for u in observer_units
        if u.mechanism_id == mechanism.pk and u.active and u not in members
    ]
    if any(u.kind == Unit.Kind.GOVERNMENT for u in (*members, *observers)):
        raise ApplicationError("市政府办公室通过抄报收到会议纪要，不作为参会单位邀请。")
    if not members:
        raise ApplicationError("请至少选择一个参会单位。", field="invited_units")
    meeting = Meeting.objects.create(
        mechanism=mechanism,
        kind=kind,
        title=title,
        topic=(topic or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        chair_unit=chair_unit,
        created_by=actor.user,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, unit=u, invited_as=Attendance.InvitedAs.MEMBER)
            for u in members
        ]
        + [
            Attendance(meeting=meeting, unit=u, invited_as=Attendance.InvitedAs.OBSERVER)
            for u in observers
        ]
    )
    if kind == Meeting.Kind.PLENARY and _previous_plenary_exists(mechanism, exclude=meeting):
        AgendaItem.objects.create(
            meeting=meeting,
            order=1,
            title=CARRYOVER_TITLE,
            description=carryover_description(mechanism),
            is_carryover=True,
        )
    audit_record(
        actor=actor,
        action="meeting.schedule",
        target=meeting,
        data={
            "kind": kind,
            "starts_at": starts_at.isoformat(),
            "units": [u.pk for u in members],
            "observers": [u.pk for u in observers],
        },
    )
    return meeting


@transaction.atomic
def topical_meeting_entrust(
    *,
    title: str,
    topic: str,
    chair_unit: Unit,
    concerned_units: Sequence[Unit],
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    actor: Membership,
) -> Meeting:
    """三(一)2: the secretariat entrusts a member unit to chair a topical meeting with the units
    the topic concerns; the chair unit then convenes and runs it."""
    _clean(topic, "会议议题", 10_000)
    meeting = meeting_schedule(
        kind=Meeting.Kind.TOPICAL,
        title=title,
        topic=topic,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        chair_unit=chair_unit,
        invited_units=[u for u in concerned_units if u.kind == Unit.Kind.MEMBER],
        actor=actor,
    )
    audit_record(
        actor=actor, action="meeting.entrust", target=meeting, data={"chair_unit": chair_unit.pk}
    )
    # 二(四): the chair and the units the topic concerns are the secretariat's decision on who
    # handles this topic, so routing learns from it.
    routing_example_record(
        text=f"{meeting.title} {meeting.topic}",
        lead_unit=chair_unit,
        supporting_units=concerned_units,
        source_key=f"meetings.topical:{meeting.pk}",
        actor=actor,
    )
    notify(
        recipients=[chair_unit],
        kind="meeting.entrusted",
        subject=f"受托主持专题会议：{meeting.title}",
        body=(
            f"联席会议办公室委托贵单位主持召开专题会议“{meeting.title}”（工作规则三(一)2）。\n"
            f"时间：{_when(meeting)}\n地点：{meeting.location}\n议题：{meeting.topic}\n"
            "请完善议程、上传材料并发出会议通知。"
        ),
        url=meeting_url(meeting),
        actor=actor,
    )
    return meeting


@transaction.atomic
def meeting_invite_unit(
    *,
    meeting: Meeting,
    unit: Unit | None,
    invited_as: str,
    actor: Membership,
    new_unit_name: str = "",
) -> Attendance:
    """The convener invites one more unit (a member concerned, or an observer, 列席): one on the
    list, or one not yet on it, named."""
    _require_convener(actor, meeting)
    _require_editable(meeting)
    if unit is None:
        if not new_unit_name.strip():
            raise ApplicationError("请选择单位，或填写新增邀请单位的名称。")
        unit = invited_unit_add(name=new_unit_name, actor=actor)
    if unit.mechanism_id != meeting.mechanism_id or not unit.active:
        raise ApplicationError("所选单位不存在或已不在册。")
    if unit.kind == Unit.Kind.GOVERNMENT:
        raise ApplicationError("市政府办公室通过抄报收到会议纪要，不作为参会单位邀请。")
    if invited_as not in Attendance.InvitedAs.values:
        raise ApplicationError("请选择邀请方式。")
    if unit.kind != Unit.Kind.MEMBER:
        invited_as = Attendance.InvitedAs.OBSERVER
    if Attendance.objects.filter(meeting=meeting, unit=unit).exists():
        raise ApplicationError(f"{unit.name}已在邀请之列。")
    attendance = Attendance.objects.create(meeting=meeting, unit=unit, invited_as=invited_as)
    audit_record(
        actor=actor,
        action="meeting.invite",
        target=meeting,
        data={"unit": unit.pk, "invited_as": invited_as},
    )
    if meeting.status == Meeting.Status.NOTIFIED:
        _send_notice(meeting, [unit], actor=actor)
    return attendance


# --- agenda and materials -----------------------------------------------------------------


def _renumber_agenda(meeting: Meeting) -> None:
    for n, item in enumerate(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id"), 1):
        if item.order != n:
            AgendaItem.objects.filter(pk=item.pk).update(order=n)


def _topic_units(
    meeting: Meeting, lead_unit: Unit | None, supporting_units: Sequence[Unit]
) -> list[Unit]:
    supporting = [u for u in dict.fromkeys(supporting_units) if u != lead_unit]
    checks = [(lead_unit, "lead_unit", "牵头汇报单位")] + [
        (u, "supporting_units", "相关单位") for u in supporting
    ]
    for unit, field, label in checks:
        if unit is None:
            continue
        if (
            unit.mechanism_id != meeting.mechanism_id
            or unit.kind == Unit.Kind.GOVERNMENT
            or not unit.active
        ):
            raise ApplicationError(
                f"{label}应为联席会议现有的成员单位或参会单位：{unit.name}不是。", field=field
            )
    return supporting


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    description: str = "",
    proposed_by: Unit | None = None,
    lead_unit: Unit | None = None,
    supporting_units: Sequence[Unit] = (),
    actor: Membership,
) -> AgendaItem:
    """议题: set by the convener; a topic may come from a unit's proposal (proposed_by), and
    names the unit that reports on it (牵头汇报) and the others it concerns."""
    _require_convener(actor, meeting)
    _require_editable(meeting)
    title = _clean(title, "议题", 300)
    if proposed_by is not None and proposed_by.mechanism_id != meeting.mechanism_id:
        raise ApplicationError("提出单位不存在。")
    supporting = _topic_units(meeting, lead_unit, supporting_units)
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("order"))["m"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=last + 1,
        title=title,
        description=(description or "").strip(),
        proposed_by=proposed_by,
        lead_unit=lead_unit,
    )
    item.supporting_units.set(supporting)
    audit_record(
        actor=actor,
        action="meeting.agenda_add",
        target=meeting,
        data={
            "item": item.pk,
            "lead_unit": lead_unit.name if lead_unit else None,
            "supporting_units": [u.name for u in supporting],
        },
    )
    if actor.role == Role.SECRETARIAT:
        # 二(四): the secretariat's choice of who reports on a topic teaches routing; a topical
        # meeting's chair unit decides for its own meeting only, so it does not.
        routing_example_record(
            text=f"{item.title} {item.description}",
            lead_unit=lead_unit,
            supporting_units=supporting,
            source_key=f"meetings.agenda_item:{item.pk}",
            actor=actor,
        )
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, up: bool, actor: Membership) -> None:
    meeting = item.meeting
    _require_convener(actor, meeting)
    _require_editable(meeting)
    _renumber_agenda(meeting)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if up else index + 1
    if target < 0 or target >= len(items):
        return
    items[index], items[target] = items[target], items[index]
    for n, other in enumerate(items, start=1):
        AgendaItem.objects.filter(pk=other.pk).update(order=n)
    audit_record(
        actor=actor,
        action="meeting.agenda_move",
        target=meeting,
        data={"item": item.pk, "up": up},
    )


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: Membership) -> None:
    meeting = item.meeting
    _require_convener(actor, meeting)
    _require_editable(meeting)
    data = {"item": item.pk, "title": item.title}
    routing_example_forget(source_key=f"meetings.agenda_item:{item.pk}", actor=actor)
    item.delete()
    _renumber_agenda(meeting)
    audit_record(actor=actor, action="meeting.agenda_remove", target=meeting, data=data)


@transaction.atomic
def agenda_carryover_refresh(*, meeting: Meeting, actor: Membership) -> AgendaItem:
    """Refill "上次会议议定事项落实情况" from the items still unfinished (四(二))."""
    _require_convener(actor, meeting)
    _require_editable(meeting)
    if meeting.kind != Meeting.Kind.PLENARY:
        raise ApplicationError("只有全体会议的议程包含上次会议议定事项落实情况。")
    description = carryover_description(meeting.mechanism)
    item = AgendaItem.objects.filter(meeting=meeting, is_carryover=True).first()
    if item is None:
        AgendaItem.objects.filter(meeting=meeting).update(order=F("order") + 1)
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=1,
            title=CARRYOVER_TITLE,
            description=description,
            is_carryover=True,
        )
    else:
        item.description = description
        item.save(update_fields=["description"])
    audit_record(actor=actor, action="meeting.agenda_carryover", target=meeting)
    return item


@transaction.atomic
def meeting_material_add(
    *,
    meeting: Meeting,
    title: str,
    file: UploadedFile,
    agenda_item: AgendaItem | None = None,
    actor: Membership,
) -> MeetingMaterial:
    """会议材料 prepared by the convener (三(一)1: 市卫生健康委负责会议材料准备)."""
    _require_convener(actor, meeting)
    _require_editable(meeting)
    if file is None:
        raise ApplicationError("请选择要上传的文件。", field="file")
    if file.size and file.size > MAX_MATERIAL_BYTES:
        raise ApplicationError("文件不能超过 30 MB。", field="file")
    title = _clean(title or getattr(file, "name", ""), "材料名称", 200)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ApplicationError("所选议题不属于本次会议。")
    material = MeetingMaterial.objects.create(
        meeting=meeting, agenda_item=agenda_item, title=title, file=file, uploaded_by=actor.user
    )
    audit_record(
        actor=actor, action="meeting.material_add", target=meeting, data={"material": material.pk}
    )
    return material


# --- notice, update, cancel ---------------------------------------------------------------


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


# --- attendance (三(一)1) -----------------------------------------------------------------


@transaction.atomic
def attendance_answer(
    *,
    attendance: Attendance,
    by: Membership,
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
    now = now or timezone.now()
    attendance = (
        Attendance.objects.select_for_update()
        .select_related("meeting", "unit", "meeting__mechanism", "meeting__chair_unit")
        .get(pk=attendance.pk)
    )
    meeting = attendance.meeting
    if by.unit_id != attendance.unit_id or by.role not in UNIT_ROLES:
        raise ApplicationError("只有受邀单位的成员或联络员可以答复本单位是否出席。")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ApplicationError("会议已取消。")
    if meeting.status != Meeting.Status.NOTIFIED:
        raise ApplicationError("会议通知尚未发出或会议已召开，不能答复。")
    if now >= meeting.starts_at:
        if not attending:
            raise ApplicationError(
                f"会议已于{_local(meeting.starts_at):%Y年%m月%d日 %H:%M}开始，不能再请假。"
                "按照工作规则三(一)1，成员因故不能出席的，须在会前提出并委托其他负责同志出席。"
            )
        raise ApplicationError("会议已开始，不能再答复；实际出席情况由会议召集方登记。")
    attendee_name = _clean(attendee_name, "出席人姓名", 50, required=False)
    attendee_title = _clean(attendee_title, "职务", 100, required=False)
    substitute_name = _clean(substitute_name, "受委托出席人姓名", 50, required=False)
    substitute_title = _clean(substitute_title, "受委托出席人职务", 100, required=False)
    leave_reason = _clean(leave_reason, "请假事由", 300, required=False)
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
    attendance.answered_by = by.user
    attendance.save()
    audit_record(
        actor=by,
        action="meeting.answer",
        target=meeting,
        data={
            "unit": attendance.unit_id,
            "status": attendance.status,
            "attendee": attendee_name,
            "substitute": substitute_name,
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
            actor=by,
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
    """三(一)1: on the day the convener records who actually came (出席 / 请假 / 列席 / 缺席);
    the meeting moves to 已召开. `actual` and `names` are keyed by attendance id."""
    _require_convener(actor, meeting)
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status not in (Meeting.Status.NOTIFIED, Meeting.Status.HELD):
        raise ApplicationError("会议通知发出后才能登记实际出席情况。")
    if _local(now).date() < _local(meeting.starts_at).date():
        raise ApplicationError("会议当天才能登记实际出席情况。")
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
        attendance.actual_name = _clean(
            names.get(attendance.pk, ""), "实际出席人", 50, required=False
        )
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
    if status == Attendance.Status.ON_LEAVE:
        return Attendance.Actual.ON_LEAVE, attendance.substitute_name
    return Attendance.Actual.ABSENT, ""


# --- minutes (三(一)1) --------------------------------------------------------------------


def _require_minutes_draft(minutes: Minutes) -> None:
    """The minutes, as stored now (locked), must still be a draft."""
    minutes.status = (
        Minutes.objects.select_for_update().values_list("status", flat=True).get(pk=minutes.pk)
    )
    if minutes.status != Minutes.Status.DRAFT:
        raise ApplicationError(f"会议纪要{minutes.get_status_display()}，不能再修改。")


@transaction.atomic
def minutes_draft(*, meeting: Meeting, actor: Membership) -> Minutes:
    """三(一)1: the convener drafts the minutes; one section per agenda item, pre-filled."""
    _require_convener(actor, meeting)
    meeting = Meeting.objects.select_for_update().select_related("chair_unit").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.HELD:
        raise ApplicationError("会议召开并登记出席情况后，才能起草会议纪要。")
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ApplicationError("本次会议的纪要已经起草。")
    start = _local(meeting.starts_at)
    chair = "联席会议办公室" if meeting.kind == Meeting.Kind.PLENARY else meeting.chair_unit.name
    minutes = Minutes.objects.create(
        meeting=meeting,
        year=start.year,
        drafted_by=actor.user,
        intro=(
            f"{start.year}年{start.month}月{start.day}日，{chair}在{meeting.location}"
            f"组织召开{meeting.title}。会议{'、'.join(i.title for i in meeting.agenda.all())}"
            "。现将会议议定事项纪要如下："
        ),
    )
    for n, item in enumerate(meeting.agenda.all(), start=1):
        MinutesSection.objects.create(
            minutes=minutes,
            agenda_item=item,
            order=n,
            heading=item.title,
            discussion=item.description if item.is_carryover else "",
        )
    audit_record(actor=actor, action="minutes.draft", target=minutes)
    return minutes


@transaction.atomic
def minutes_update(
    *, minutes: Minutes, intro: str, sections: Mapping[int, tuple[str, str]], actor: Membership
) -> Minutes:
    """Edits the opening and each section's heading and discussion (keyed by section id)."""
    _require_convener(actor, minutes.meeting)
    _require_minutes_draft(minutes)
    minutes.intro = (intro or "").strip()
    minutes.save(update_fields=["intro", "updated_at"])
    for section in minutes.sections.all():
        if section.pk in sections:
            heading, discussion = sections[section.pk]
            section.heading = _clean(heading, "标题", 300)
            section.discussion = (discussion or "").strip()
            section.save(update_fields=["heading", "discussion"])
    audit_record(actor=actor, action="minutes.update", target=minutes)
    return minutes


@transaction.atomic
def minutes_section_add(*, minutes: Minutes, heading: str, actor: Membership) -> MinutesSection:
    _require_convener(actor, minutes.meeting)
    _require_minutes_draft(minutes)
    last = minutes.sections.aggregate(m=Max("order"))["m"] or 0
    section = MinutesSection.objects.create(
        minutes=minutes, order=last + 1, heading=_clean(heading, "标题", 300)
    )
    audit_record(actor=actor, action="minutes.section_add", target=minutes)
    return section


def _renumber_resolutions(minutes: Minutes) -> None:
    """议定事项 are numbered across the whole minutes, in the order of the sections."""
    resolutions = list(
        Resolution.objects.filter(minutes=minutes).order_by(
            "section__order", "section_id", "number"
        )
    )
    for r in resolutions:  # out of the way of the unique (minutes, number) constraint first
        Resolution.objects.filter(pk=r.pk).update(number=r.number + 10_000)
    for n, r in enumerate(resolutions, start=1):
        Resolution.objects.filter(pk=r.pk).update(number=n)


def _resolution_fields(
    *,
    minutes: Minutes,
    text: str,
    lead_unit: Unit | None,
    supporting_units: Sequence[Unit],
    deadline: date | None,
    deadline_workdays: int | None,
    feedback_every_workdays: int,
) -> tuple[str, list[Unit]]:
    text = _clean(text, "议定事项内容", 5000)
    mechanism_id = minutes.meeting.mechanism_id
    if lead_unit is None:
        raise ApplicationError("请为议定事项指定牵头单位（工作规则四(二)）。", field="lead_unit")
    if lead_unit.mechanism_id != mechanism_id or lead_unit.kind == Unit.Kind.GOVERNMENT:
        raise ApplicationError("牵头单位应为联席会议成员单位或参会单位。", field="lead_unit")
    if not lead_unit.active:
        raise ApplicationError("该单位已不在联席会议中，不能牵头。", field="lead_unit")
    supporting = [u for u in supporting_units if u.pk != lead_unit.pk]
    if any(u.mechanism_id != mechanism_id for u in supporting):
        raise ApplicationError("配合单位不存在。", field="supporting_units")
    if any(u.kind == Unit.Kind.GOVERNMENT or not u.active for u in supporting):
        raise ApplicationError(
            "配合单位应为联席会议现有的成员单位或参会单位。", field="supporting_units"
        )
    if (deadline is None) == (deadline_workdays is None):
        raise ApplicationError(
            "请填写办结时限：一个日期，或印发后若干个工作日（二选一）。", field="deadline"
        )
    if deadline_workdays is not None and not 1 <= deadline_workdays <= MAX_DEADLINE_WORKDAYS:
        raise ApplicationError(
            f"办结时限应为 1 至 {MAX_DEADLINE_WORKDAYS} 个工作日。", field="deadline_workdays"
        )
    if not 1 <= feedback_every_workdays <= MAX_FEEDBACK_WORKDAYS:
        raise ApplicationError(
            f"反馈周期应为 1 至 {MAX_FEEDBACK_WORKDAYS} 个工作日。", field="feedback_every_workdays"
        )
    return text, supporting


@transaction.atomic
def resolution_add(
    *,
    section: MinutesSection,
    text: str,
    lead_unit: Unit | None,
    supporting_units: Sequence[Unit] = (),
    deadline: date | None = None,
    deadline_workdays: int | None = None,
    feedback_every_workdays: int = 15,
    actor: Membership,
) -> Resolution:
    """议定事项: text, lead unit (牵头), supporting units (配合), a deadline (a date or N working
    days after issuing) and how often progress is due; numbered across the minutes."""
    minutes = section.minutes
    _require_convener(actor, minutes.meeting)
    _require_minutes_draft(minutes)
    text, supporting = _resolution_fields(
        minutes=minutes,
        text=text,
        lead_unit=lead_unit,
        supporting_units=supporting_units,
        deadline=deadline,
        deadline_workdays=deadline_workdays,
        feedback_every_workdays=feedback_every_workdays,
    )
    last = Resolution.objects.filter(minutes=minutes).aggregate(m=Max("number"))["m"] or 0
    resolution = Resolution.objects.create(
        minutes=minutes,
        section=section,
        number=last + 1,
        text=text,
        lead_unit=lead_unit,
        deadline=deadline,
        deadline_workdays=deadline_workdays,
        feedback_every_workdays=feedback_every_workdays,
    )
    resolution.supporting_units.set(supporting)
    _renumber_resolutions(minutes)
    resolution.refresh_from_db()
    audit_record(
        actor=actor, action="minutes.resolution_add", target=minutes, data={"id": resolution.pk}
    )
    return resolution


@transaction.atomic
def resolution_remove(*, resolution: Resolution, actor: Membership) -> None:
    minutes = resolution.minutes
    _require_convener(actor, minutes.meeting)
    _require_minutes_draft(minutes)
    data = {"number": resolution.number, "text": resolution.text[:100]}
    resolution.delete()
    _renumber_resolutions(minutes)
    audit_record(actor=actor, action="minutes.resolution_remove", target=minutes, data=data)


@transaction.atomic
def minutes_approve(*, minutes: Minutes, actor: Membership, now: datetime | None = None) -> Minutes:
    """审定: the text is final and ready to be issued."""
    _require_convener(actor, minutes.meeting)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    _require_minutes_draft(minutes)
    if not minutes.sections.exists():
        raise ApplicationError("会议纪要没有任何内容。")
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_by = actor.user
    minutes.approved_at = now or timezone.now()
    minutes.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=actor, action="minutes.approve", target=minutes)
    return minutes


@transaction.atomic
def minutes_reopen(*, minutes: Minutes, actor: Membership) -> Minutes:
    """Back to drafting, as long as it has not been issued."""
    _require_convener(actor, minutes.meeting)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status != Minutes.Status.APPROVED:
        raise ApplicationError("只有已审定、未印发的纪要可以退回修改。")
    minutes.status = Minutes.Status.DRAFT
    minutes.approved_by = None
    minutes.approved_at = None
    minutes.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=actor, action="minutes.reopen", target=minutes)
    return minutes


def resolution_source_label(minutes: Minutes, resolution: Resolution) -> str:
    return f"{minutes.meeting.title}纪要{minutes.number} 第{resolution.number}项议定事项"


def resolution_source_key(resolution_id: int) -> str:
    """How the action item made from an agreed matter points back to it (四(二))."""
    return f"meetings.resolution:{resolution_id}"


def resolution_summary(resolution: Resolution) -> str:
    """How an agreed matter reads in the minutes: its text, who leads, who supports, by when."""
    parts = []
    if resolution.lead_unit_id:
        parts.append(f"牵头单位：{resolution.lead_unit.name}")  # type: ignore[union-attr]
    supporting = [u.name for u in resolution.supporting_units.all()]
    if supporting:
        parts.append(f"配合单位：{'、'.join(supporting)}")
    if resolution.deadline:
        d = resolution.deadline
        parts.append(f"完成时限：{d.year}年{d.month}月{d.day}日前")
    elif resolution.deadline_workdays:
        parts.append(f"完成时限：纪要印发后{resolution.deadline_workdays}个工作日内")
    text = resolution.text.rstrip("。；; ")
    return f"{text}。（{'；'.join(parts)}）" if parts else f"{text}。"


def _action_item_from(
    resolution: Resolution, minutes: Minutes, *, url: str, actor: Membership, today: date
) -> Any:
    from lianxi.supervision.services import action_item_create

    assert resolution.lead_unit is not None
    return action_item_create(
        mechanism=minutes.meeting.mechanism,
        title=resolution.text[:300],
        description=resolution_summary(resolution),
        source="meeting",
        source_label=resolution_source_label(minutes, resolution),
        source_url=url,
        source_key=resolution_source_key(resolution.pk),
        lead_unit=resolution.lead_unit,
        supporting_units=list(resolution.supporting_units.all()),
        deadline=resolution.deadline,
        deadline_workdays=resolution.deadline_workdays,
        feedback_every_workdays=resolution.feedback_every_workdays,
        actor=actor,
        today=today,
    )


@transaction.atomic
def minutes_issue(*, minutes: Minutes, actor: Membership, now: datetime | None = None) -> Minutes:
    """三(一)1 and 四(二): 印发 the minutes to every member unit and invited unit, 抄报 the city
    government office; each agreed matter becomes an action item with its lead unit."""
    meeting = minutes.meeting
    _require_convener(actor, meeting)
    now = now or timezone.now()
    # Serialise issuing within the mechanism so two minutes never take the same number.
    Mechanism.objects.select_for_update().get(pk=meeting.mechanism_id)
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if minutes.status != Minutes.Status.APPROVED:
        raise ApplicationError("会议纪要审定后才能印发。")
    year = _local(now).year
    last = (
        Minutes.objects.filter(year=year, serial__isnull=False).aggregate(m=Max("serial"))["m"] or 0
    )
    minutes.year = year
    minutes.serial = last + 1
    minutes.status = Minutes.Status.ISSUED
    minutes.issued_by = actor.user
    minutes.issued_at = now
    minutes.save(update_fields=["year", "serial", "status", "issued_by", "issued_at", "updated_at"])

    members = list(
        Unit.objects.filter(mechanism_id=meeting.mechanism_id, kind=Unit.Kind.MEMBER, active=True)
    )
    invited = [
        a.unit
        for a in meeting.attendances.select_related("unit")
        if a.unit.kind != Unit.Kind.MEMBER and a.unit.active
    ]
    government = list(
        Unit.objects.filter(
            mechanism_id=meeting.mechanism_id, kind=Unit.Kind.GOVERNMENT, active=True
        )
    )
    receipts = (
        [MinutesReceipt(minutes=minutes, unit=u, kind=MinutesReceipt.Kind.MEMBER) for u in members]
        + [
            MinutesReceipt(minutes=minutes, unit=u, kind=MinutesReceipt.Kind.INVITED)
            for u in invited
        ]
        + [
            MinutesReceipt(minutes=minutes, unit=u, kind=MinutesReceipt.Kind.COPY)
            for u in government
        ]
    )
    MinutesReceipt.objects.bulk_create(receipts)
    url = minutes_url(minutes)
    title = f"{meeting.title}纪要{minutes.number}"
    notify(
        recipients=unit_recipients([*members, *invited]),
        kind="minutes.issued",
        subject=f"会议纪要印发：{title}",
        body=f"{title}已印发，请查阅并签收，按议定事项抓好落实（工作规则四(二)）。",
        url=url,
        actor=actor,
    )
    if government:
        notify(
            recipients=unit_recipients(government),
            kind="minutes.copy",
            subject=f"抄报：{title}",
            body=f"{title}已印发，抄报市政府办公室，请查阅并签收。",
            url=url,
            actor=actor,
        )
    today = _local(now).date()
    items = []
    for resolution in minutes.resolutions.select_related("lead_unit").prefetch_related(
        "supporting_units"
    ):
        if resolution.lead_unit is None:
            continue
        try:
            item = _action_item_from(resolution, minutes, url=url, actor=actor, today=today)
        except ApplicationError as exc:
            raise ApplicationError(
                f"第{resolution.number}项议定事项不能转为督办事项：{exc.message}"
            ) from exc
        items.append(item.pk)
    audit_record(
        actor=actor,
        action="minutes.issue",
        target=minutes,
        data={"number": minutes.number, "receipts": len(receipts), "action_items": items},
    )
    return minutes


@transaction.atomic
def minutes_acknowledge(
    *, receipt: MinutesReceipt, by: Membership, now: datetime | None = None
) -> MinutesReceipt:
    """签收: a recipient unit confirms it received the issued minutes."""
    receipt = MinutesReceipt.objects.select_for_update().get(pk=receipt.pk)
    if by.unit_id != receipt.unit_id or by.role not in (*UNIT_ROLES, Role.GOVERNMENT):
        raise ApplicationError("只有收文单位可以签收会议纪要。")
    if receipt.acknowledged_at is not None:
        return receipt
    receipt.acknowledged_at = now or timezone.now()
    receipt.acknowledged_by = by.user
    receipt.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        actor=by, action="minutes.acknowledge", target=receipt.minutes, data={"unit": by.unit_id}
    )
    inbox_mark_read_about(
        user=by.user, kinds=("minutes.issued", "minutes.copy"), url=minutes_url(receipt.minutes)
    )
    return receipt

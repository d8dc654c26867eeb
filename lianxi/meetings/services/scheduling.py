"""Scheduling (三(一)1, 三(一)2): plenary and topical meetings, invited units."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.dates import cn_date, cn_datetime
from lianxi.core.exceptions import ApplicationError
from lianxi.core.text import clean_text
from lianxi.notifications.services import notify
from lianxi.organization.models import Mechanism, Membership, Unit
from lianxi.routing.services import routing_example_record

from ..models import (
    AgendaItem,
    Attendance,
    Meeting,
)
from .common import (
    CARRYOVER_TITLE,
    _check_times,
    _require_convener,
    _require_editable,
    _require_secretariat,
    _when,
    meeting_url,
)
from .notice import _send_notice

# --- units invited by name ----------------------------------------------------------------


@transaction.atomic
def invited_unit_add(*, name: str, actor: Membership) -> Unit:
    """A unit outside the joint meeting that may be invited to attend as an observer (列席)."""
    _require_secretariat(actor)
    return _invited_unit(name=name, actor=actor)


def _invited_unit(*, name: str, actor: Membership) -> Unit:
    """The invited unit of that name in the actor's joint meeting, added if new; the caller has
    checked the actor may invite (the secretariat, or a meeting's convener, 三(一)2)."""
    name = clean_text(name, "单位名称", 100, kind="paragraph")
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
        parts = [f"牵头单位：{item.lead_unit.name}", f"办结时限：{cn_date(item.deadline)}"]
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
    record_past: bool = False,
    actor: Membership,
    now: datetime | None = None,
) -> Meeting:
    """三(一)1: the secretariat schedules a plenary, to which every active member unit is invited
    (and observers, 列席, among them one not yet on the list, named); 三(一)2: a topical meeting
    invites only the units concerned. A start already past is refused, unless the secretariat
    says it is recording a meeting already held (`record_past`)."""
    _require_secretariat(actor)
    if kind not in Meeting.Kind.values:
        raise ApplicationError("会议类型应为全体会议或专题会议。", field="kind")
    title = clean_text(title, "会议名称", 200, kind="paragraph")
    location = clean_text(location, "会议地点", 200, kind="paragraph")
    _check_times(starts_at, ends_at)
    if starts_at <= (now or timezone.now()) and not record_past:
        raise ApplicationError(
            f"开始时间{cn_datetime(starts_at)}已经过去。安排会议请选择今后的时间；"
            "如是补录已召开的会议，请勾选“补录已召开的会议”。",
            field="starts_at",
        )
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
        raise ApplicationError("市政府办公室通过抄送收到会议纪要，不作为参会单位邀请。")
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
            **({"record_past": True} if record_past else {}),
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
    record_past: bool = False,
) -> Meeting:
    """三(一)2: the secretariat entrusts a member unit to chair a topical meeting with the units
    the topic concerns; the chair unit then convenes and runs it."""
    clean_text(topic, "会议议题", 10_000, kind="paragraph")
    meeting = meeting_schedule(
        kind=Meeting.Kind.TOPICAL,
        title=title,
        topic=topic,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        chair_unit=chair_unit,
        invited_units=[u for u in concerned_units if u.kind == Unit.Kind.MEMBER],
        record_past=record_past,
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
        # 三(一)2: 也可根据工作需要邀请其他有关部门和单位参加 — the chair unit too.
        unit = _invited_unit(name=new_unit_name, actor=actor)
    if unit.mechanism_id != meeting.mechanism_id or not unit.active:
        raise ApplicationError("所选单位不存在或已不在册。")
    if unit.kind == Unit.Kind.GOVERNMENT:
        raise ApplicationError("市政府办公室通过抄送收到会议纪要，不作为参会单位邀请。")
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

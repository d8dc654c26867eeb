"""Meetings, agenda and attendance (三(一)1, 三(一)2): a face over lianxi.meetings; the minutes
are in .minutes.

Same access as the pages (lianxi.meetings.access): a meeting the caller may not see is 404, an
action reserved to the convener is 403; the rules' refusals (ApplicationError) are 400.
"""

import os
from collections.abc import Iterable
from typing import Any, Literal

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Status

from lianxi.core.downloads import file_download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import access, selectors, services
from lianxi.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingMaterial,
    Minutes,
)
from lianxi.organization.models import Membership, Unit

from ..auth import token_auth
from ..contract import PathId, download
from ..errors import NotFound
from ..schemas import ErrorOut, aware
from ..schemas_meetings import (
    AgendaItemIn,
    AgendaItemOut,
    AttendanceIn,
    AttendanceOut,
    MaterialOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    MinutesRef,
    NoticeIn,
    RollOut,
    UnitRef,
)
from ..selectors import units_in_order

router = Router(tags=["会议"])

Role = Membership.Role
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 422: ErrorOut, **READ_ERRORS}


# --- access, through lianxi.meetings.access ---------------------------------------------------


def meeting_or_404(request: HttpRequest, pk: int, *, convene: bool = False) -> Meeting:
    try:
        return access.meeting_for(request.user, pk, convene=convene)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


# --- building the answers ---------------------------------------------------------------------


def unit_ref(unit: Unit | None) -> UnitRef | None:
    return None if unit is None else UnitRef(id=unit.pk, name=unit.name)


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _minutes_of(meeting: Meeting) -> Minutes | None:
    """The minutes fetched with the meeting (select_related), or None."""
    try:
        return meeting.minutes
    except ObjectDoesNotExist:
        return None


def _minutes_ref(minutes: Minutes | None) -> MinutesRef | None:
    if minutes is None:
        return None
    return MinutesRef(
        id=minutes.pk,
        status=minutes.status,
        status_display=minutes.get_status_display(),
        number=minutes.number,
    )


def _meeting_fields(
    request: HttpRequest, meeting: Meeting, *, upcoming: bool, invited: int, answered: int
) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "kind_display": meeting.get_kind_display(),
        "title": meeting.title,
        "topic": meeting.topic,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "location": meeting.location,
        "chair_unit": unit_ref(meeting.chair_unit),
        "status": meeting.status,
        "status_display": meeting.get_status_display(),
        "upcoming": upcoming,
        "invited_count": invited,
        "answered_count": answered,
        "url": absolute(request, reverse("api:meeting_detail", args=[meeting.pk])),
        "page_url": absolute(request, reverse("meetings:detail", args=[meeting.pk])),
    }


def _attendance(a: Attendance) -> AttendanceOut:
    return AttendanceOut(
        id=a.pk,
        unit=UnitRef(id=a.unit.pk, name=a.unit.name),
        invited_as=a.invited_as,
        invited_as_display=a.get_invited_as_display(),
        status=a.status,
        status_display=a.get_status_display(),
        attendee_name=a.attendee_name,
        attendee_title=a.attendee_title,
        substitute_name=a.substitute_name,
        substitute_title=a.substitute_title,
        leave_reason=a.leave_reason,
        answered_at=a.answered_at,
        answered_via=a.answered_via,
        actual=a.actual,
        actual_name=a.actual_name,
    )


def _agenda_item(item: AgendaItem) -> AgendaItemOut:
    return AgendaItemOut(
        id=item.pk,
        order=item.order,
        title=item.title,
        description=item.description,
        proposed_by=unit_ref(item.proposed_by),
        lead_unit=unit_ref(item.lead_unit),
        supporting_units=[UnitRef(id=u.pk, name=u.name) for u in item.supporting_units.all()],
        is_carryover=item.is_carryover,
    )


def _material(request: HttpRequest, material: MeetingMaterial) -> MaterialOut:
    args = [material.meeting_id, material.pk]
    return MaterialOut(
        id=material.pk,
        title=material.title,
        agenda_item_id=material.agenda_item_id,
        uploaded_at=material.uploaded_at,
        download_url=absolute(request, reverse("api:meeting_material", args=args)),
        page_url=absolute(request, reverse("meetings:material", args=args)),
    )


def _rows(attendances: Iterable[Attendance]) -> list[AttendanceOut]:
    return [_attendance(a) for a in attendances]


def _detail(request: HttpRequest, meeting: Meeting) -> MeetingDetailOut:
    now = timezone.now()
    attendances = selectors.meeting_attendances(meeting)
    perms = access.meeting_permissions(request.user, meeting, attendances=attendances, now=now)
    convener, mine, minutes = perms.convener, perms.own_attendance, perms.minutes
    roll = None
    if convener:
        r = selectors.roll_of(attendances)
        roll = RollOut(
            attending=_rows(r.attending),
            substitute=_rows(r.substitute),
            on_leave=_rows(r.on_leave),
            observer=_rows(r.observer),
            pending=_rows(r.pending),
        )
    upcoming, _ = selectors.split_upcoming([meeting], now)
    fields = _meeting_fields(
        request,
        meeting,
        upcoming=bool(upcoming),
        invited=len(attendances),
        answered=sum(1 for a in attendances if a.status != Attendance.Status.PENDING),
    )
    return MeetingDetailOut(
        **fields,
        minutes=_minutes_ref(minutes),
        notice_text=meeting.notice_text,
        change_notice_text=meeting.change_notice_text,
        notified_at=meeting.notified_at,
        cancelled_reason=meeting.cancelled_reason,
        started=perms.started,
        convener=convener,
        agenda=[_agenda_item(item) for item in selectors.meeting_agenda(meeting)],
        materials=[_material(request, m) for m in meeting.materials.select_related("agenda_item")],
        my_attendance=_attendance(mine) if mine is not None else None,
        roll=roll,
    )


def _units_of(membership: Membership, ids: Iterable[int], label: str, field: str) -> list[Unit]:
    """The units named by id, of the caller's joint meeting, in the order given."""
    candidates = Unit.objects.filter(mechanism_id=membership.unit.mechanism_id)
    return units_in_order(candidates, ids, missing=f"{label}不存在", field=field)


# --- meetings ---------------------------------------------------------------------------------


@router.get(
    "/meetings",
    response={200: list[MeetingOut], **READ_ERRORS},
    url_name="meeting_list",
    summary="调用者可见的会议",
)
def meeting_list(
    request: HttpRequest,
    when: Literal["upcoming", "past"] | None = None,
    kind: Literal["plenary", "topical"] | None = None,
) -> list[MeetingOut]:
    """即将召开（按时间先后）在前，已召开及已取消（按时间倒序）在后；可按 when、kind 筛选。"""
    access.require_list(request.user)
    meetings = selectors.meeting_list(request.user)
    if kind:
        meetings = meetings.filter(kind=kind)
    upcoming, past = selectors.split_upcoming(list(meetings))
    rows = {"upcoming": upcoming, "past": past}.get(when or "", upcoming + past)
    ids = {m.pk for m in upcoming}
    return [
        MeetingOut(
            **_meeting_fields(
                request,
                m,
                upcoming=m.pk in ids,
                invited=m.invited_count,  # type: ignore[attr-defined]
                answered=m.answered_count,  # type: ignore[attr-defined]
            ),
            minutes=_minutes_ref(_minutes_of(m)),
        )
        for m in rows
    ]


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, **READ_ERRORS},
    url_name="meeting_detail",
    summary="会议详情：议程、材料、本单位答复；召集方另见参会名单",
)
def meeting_detail(request: HttpRequest, meeting_id: PathId) -> MeetingDetailOut:
    meeting = meeting_or_404(request, meeting_id)
    return _detail(request, meeting)


@router.get(
    "/meetings/{meeting_id}/materials/{material_id}",
    response={200: None, **READ_ERRORS},
    openapi_extra=download("*/*", "会议材料文件（按上传时的类型）"),
    url_name="meeting_material",
    summary="下载会议材料",
)
def meeting_material(
    request: HttpRequest, meeting_id: PathId, material_id: PathId
) -> HttpResponseBase:
    meeting = meeting_or_404(request, meeting_id)
    material = MeetingMaterial.objects.filter(pk=material_id, meeting=meeting).first()
    if material is None:
        raise NotFound("会议材料不存在。")
    name = os.path.basename(material.file.name or "")
    try:
        return file_download_response(
            material.file, filename=name, actor=request.user, target=material
        )
    except FileNotFoundError as exc:
        raise NotFound("文件不存在。") from exc


@router.post(
    "/meetings",
    response={201: MeetingDetailOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="meeting_schedule",
    summary="安排会议（联席会议办公室）",
)
def meeting_schedule(request: HttpRequest, data: MeetingIn) -> Status[MeetingDetailOut]:
    """三(一)1：联席会议办公室安排全体会议，邀请全体成员单位，可邀请列席单位；
    三(一)2：kind=topical 时委托一个成员单位主持专题会议，只邀请议题涉及的单位。"""
    membership = access.require_schedule(request.user)
    starts_at, ends_at = aware(data.starts_at), aware(data.ends_at)
    if data.kind == Meeting.Kind.PLENARY:
        observers = _units_of(membership, data.observer_unit_ids, "列席单位", "observer_unit_ids")
        meeting = services.meeting_schedule(
            kind=Meeting.Kind.PLENARY,
            title=data.title,
            topic=data.topic,
            starts_at=starts_at,
            ends_at=ends_at,
            location=data.location,
            observer_units=observers,
            actor=membership,
        )
    else:
        if data.chair_unit_id is None:
            raise ApplicationError("专题会议须委托一个成员单位主持。", field="chair_unit_id")
        [chair] = _units_of(membership, [data.chair_unit_id], "主持单位", "chair_unit_id")
        concerned = _units_of(membership, data.concerned_unit_ids, "参会单位", "concerned_unit_ids")
        meeting = services.topical_meeting_entrust(
            title=data.title,
            topic=data.topic,
            chair_unit=chair,
            concerned_units=concerned,
            starts_at=starts_at,
            ends_at=ends_at,
            location=data.location,
            actor=membership,
        )
    meeting = meeting_or_404(request, meeting.pk)
    return Status(201, _detail(request, meeting))


@router.post(
    "/meetings/{meeting_id}/agenda",
    response={201: AgendaItemOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="meeting_agenda_add",
    summary="添加议题（会议召集方）",
)
def agenda_add(
    request: HttpRequest, meeting_id: PathId, data: AgendaItemIn
) -> Status[AgendaItemOut]:
    meeting = meeting_or_404(request, meeting_id, convene=True)
    membership = access.require_list(request.user)
    proposed_by = None
    if data.proposed_by_unit_id is not None:
        [proposed_by] = _units_of(
            membership, [data.proposed_by_unit_id], "提出单位", "proposed_by_unit_id"
        )
    lead_unit = None
    if data.lead_unit_id is not None:
        [lead_unit] = _units_of(membership, [data.lead_unit_id], "牵头汇报单位", "lead_unit_id")
    supporting = _units_of(membership, data.supporting_unit_ids, "相关单位", "supporting_unit_ids")
    item = services.agenda_item_add(
        meeting=meeting,
        title=data.title,
        description=data.description,
        proposed_by=proposed_by,
        lead_unit=lead_unit,
        supporting_units=supporting,
        actor=membership,
    )
    return Status(201, _agenda_item(item))


@router.post(
    "/meetings/{meeting_id}/notify",
    response={200: MeetingDetailOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="meeting_notify",
    summary="发出会议通知（会议召集方）",
)
def meeting_notify(
    request: HttpRequest, meeting_id: PathId, data: NoticeIn | None = None
) -> MeetingDetailOut:
    """三(一)1：向每个受邀单位发出会议通知（附 .ics 邀请）。"""
    meeting = meeting_or_404(request, meeting_id, convene=True)
    membership = access.require_list(request.user)
    services.meeting_notify(
        meeting=meeting, actor=membership, notice_text=data.notice_text if data else ""
    )
    return _detail(request, meeting_or_404(request, meeting_id))


@router.post(
    "/meetings/{meeting_id}/attendance",
    response={200: AttendanceOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="meeting_attendance",
    summary="本单位答复是否出席",
)
def attendance_answer(
    request: HttpRequest, meeting_id: PathId, data: AttendanceIn
) -> AttendanceOut:
    """三(一)1：出席（写明出席人）；或在会议开始前请假并委托其他负责同志出席；列席单位答复列席。
    会议开始后请假将被拒绝（400）。"""
    meeting = meeting_or_404(request, meeting_id)
    attendance = access.attendance_for(request.user, meeting)
    membership = access.require_list(request.user)
    if data.answer == "observer" and attendance.invited_as != Attendance.InvitedAs.OBSERVER:
        raise ApplicationError("本单位作为成员单位受邀，请答复出席或请假。", field="answer")
    attendance = services.attendance_answer(
        attendance=attendance,
        actor=membership,
        attending=data.answer != "leave",
        attendee_name=data.attendee_name,
        attendee_title=data.attendee_title,
        substitute_name=data.substitute_name,
        substitute_title=data.substitute_title,
        leave_reason=data.leave_reason,
    )
    return _attendance(attendance)

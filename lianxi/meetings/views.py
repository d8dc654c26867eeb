"""Meeting pages: check access, call one service, render (三(一)1, 三(一)2); the minutes pages are
in minutes_views."""

from __future__ import annotations

import os
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxi.core.downloads import file_download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import add_service_error, form_errors, run_action, run_form_action
from lianxi.organization.access import require_role
from lianxi.organization.models import Membership

from . import access, selectors, services
from .access import meeting_for
from .forms import (
    AgendaItemForm,
    AnswerForm,
    CancelForm,
    InviteForm,
    MaterialForm,
    MeetingEditForm,
    NoticeForm,
    OnBehalfAnswerForm,
    PlenaryForm,
    TopicalForm,
)
from .models import AgendaItem, Attendance, Meeting, MeetingMaterial

# --- lists and scheduling -----------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    access.require_list(request.user)
    meetings = list(selectors.meeting_list(request.user))
    upcoming, past = selectors.split_upcoming(meetings)
    return render(
        request,
        "meetings/list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "can_schedule": access.can_schedule(request.user),
        },
    )


@login_required
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    """三(一)1: the secretariat schedules a plenary; every member unit is invited."""
    membership = access.require_schedule(request.user)
    mechanism = membership.unit.mechanism
    form = PlenaryForm(request.POST or None, mechanism=mechanism)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                kind=Meeting.Kind.PLENARY,
                title=data["title"],
                topic=data["topic"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                observer_units=list(data["observer_units"]),
                new_observer_name=data["new_observer"],
                record_past=data["record_past"],
                actor=membership,
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "全体会议已安排。请确定议题、上传材料后发出会议通知。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/schedule.html", {"form": form, "topical": False})


@login_required
def topical_entrust(request: HttpRequest) -> HttpResponse:
    """三(一)2: the secretariat entrusts a member unit to chair a topical meeting."""
    membership = access.require_schedule(request.user)
    form = TopicalForm(request.POST or None, mechanism=membership.unit.mechanism)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.topical_meeting_entrust(
                title=data["title"],
                topic=data["topic"],
                chair_unit=data["chair_unit"],
                concerned_units=list(data["concerned_units"]),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                record_past=data["record_past"],
                actor=membership,
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已委托{meeting.chair_unit.name}主持专题会议。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/schedule.html", {"form": form, "topical": True})


# --- the meeting page ---------------------------------------------------------------------


def _answer_initial(attendance: Attendance | None) -> dict[str, Any]:
    if attendance is None or attendance.status == Attendance.Status.PENDING:
        return {}
    return {
        "attending": "0" if attendance.status == Attendance.Status.ON_LEAVE else "1",
        "attendee_name": attendance.attendee_name,
        "attendee_title": attendance.attendee_title,
        "substitute_name": attendance.substitute_name,
        "substitute_title": attendance.substitute_title,
        "leave_reason": attendance.leave_reason,
    }


def _convener_roll(meeting: Meeting, attendances: list[Attendance]) -> selectors.Roll:
    """The convener's roll, each unit with whom the notice reached (`reached`, for _roll.html)."""
    reach = selectors.notice_reach(meeting, attendances)
    for a in attendances:
        a.reached = reach[a.pk]  # type: ignore[attr-defined]
    return selectors.roll_of(attendances, meeting=meeting)


def _detail_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    answer_form: AnswerForm | None = None,
    behalf_form: OnBehalfAnswerForm | None = None,
) -> dict[str, Any]:
    attendances = selectors.meeting_attendances(meeting)
    perms = access.meeting_permissions(request.user, meeting, attendances=attendances)
    convener, editable, mine = perms.convener, perms.editable, perms.own_attendance
    record_rows = []
    if perms.can_record:
        for a in attendances:
            actual, name = (a.actual, a.actual_name) if a.actual else services.default_actual(a)
            record_rows.append({"attendance": a, "actual": actual, "name": name})
    draft = meeting.status == Meeting.Status.DRAFT
    if answer_form is None and perms.can_answer:
        answer_form = AnswerForm(initial=_answer_initial(mine))
    if behalf_form is None and perms.can_answer_on_behalf:
        behalf_form = OnBehalfAnswerForm(attendances=selectors.answerable(meeting))
    return {
        "meeting": meeting,
        "agenda": selectors.meeting_agenda(meeting),
        "materials": list(meeting.materials.select_related("agenda_item")),
        "attendances": attendances,
        "convener": convener,
        "editable": editable,
        "roll": _convener_roll(meeting, attendances) if convener else None,
        "mine": mine,
        "can_answer": perms.can_answer,
        "started": perms.started,
        "answer_form": answer_form if perms.can_answer else None,
        "behalf_form": behalf_form if perms.can_answer_on_behalf else None,
        "minutes": perms.minutes,
        "can_record": perms.can_record,
        "record_rows": record_rows,
        "actual_choices": Attendance.Actual.choices,
        "agenda_form": (
            AgendaItemForm(mechanism_id=meeting.mechanism_id, auto_id="agenda_%s")
            if editable
            else None
        ),
        "material_form": MaterialForm() if editable else None,
        "notice_form": NoticeForm(initial={"notice_text": services.default_notice(meeting)})
        if editable and draft
        else None,
        "unreached": selectors.unreached_units(meeting) if editable and draft else [],
        "invite_form": InviteForm(units=selectors.invitable_units(meeting)) if editable else None,
        "cancel_form": CancelForm() if editable else None,
        "can_draft_minutes": perms.can_draft_minutes,
    }


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request.user, pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


@login_required
def meeting_roll(request: HttpRequest, pk: int) -> HttpResponse:
    """The live roll for the convener (refreshed by HTMX)."""
    meeting = meeting_for(request.user, pk, convene=True)
    roll = _convener_roll(meeting, selectors.meeting_attendances(meeting))
    return render(request, "meetings/_roll.html", {"meeting": meeting, "roll": roll})


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request.user, pk, convene=True)
    membership = require_role(request.user, *access.MEETING_ROLES)
    initial = {
        "title": meeting.title,
        "topic": meeting.topic,
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "location": meeting.location,
    }
    form = MeetingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, actor=membership, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "会议信息已保存。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/edit.html", {"meeting": meeting, "form": form})


def _convener_post(request: HttpRequest, pk: int) -> tuple[Meeting, Membership]:
    meeting = meeting_for(request.user, pk, convene=True)
    return meeting, access.require_list(request.user)


@require_POST
@login_required
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, membership = _convener_post(request, pk)
    form = AgendaItemForm(request.POST, mechanism_id=meeting.mechanism_id)
    run_form_action(
        request,
        form,
        lambda: services.agenda_item_add(meeting=meeting, actor=membership, **form.cleaned_data),
        "议题已添加。",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def agenda_move(request: HttpRequest, pk: int, item_pk: int, direction: str) -> HttpResponse:
    meeting, membership = _convener_post(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    run_action(
        request,
        lambda: services.agenda_item_move(item=item, up=direction == "up", actor=membership),
        "议题顺序已调整。",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, membership = _convener_post(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    run_action(
        request, lambda: services.agenda_item_remove(item=item, actor=membership), "议题已删除。"
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def agenda_carryover(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, membership = _convener_post(request, pk)
    run_action(
        request,
        lambda: services.agenda_carryover_refresh(meeting=meeting, actor=membership),
        "已按督办台账更新“上次会议议定事项落实情况”。",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, membership = _convener_post(request, pk)
    form = MaterialForm(request.POST, request.FILES)
    run_form_action(
        request,
        form,
        lambda: services.meeting_material_add(
            meeting=meeting,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
            actor=membership,
        ),
        "材料已上传。",
    )
    return redirect("meetings:detail", meeting.pk)


@login_required
def material_download(request: HttpRequest, pk: int, material_pk: int) -> HttpResponseBase:
    meeting = meeting_for(request.user, pk)
    material = get_object_or_404(MeetingMaterial, pk=material_pk, meeting=meeting)
    name = os.path.basename(material.file.name or "")
    try:
        return file_download_response(
            material.file, filename=name, actor=request.user, target=material
        )
    except FileNotFoundError as exc:
        raise Http404("文件不存在。") from exc


@require_POST
@login_required
def meeting_notify(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, membership = _convener_post(request, pk)
    form = NoticeForm(request.POST)
    form.is_valid()
    invited = meeting.attendances.count()
    unreached = [u.name for u in selectors.unreached_units(meeting)]
    done = f"会议通知已发出：{invited - len(unreached)} 个单位有人接收"
    if unreached:
        done += (
            f"，{len(unreached)} 个单位无人接收（{'、'.join(unreached)}），"
            "请电话或传真通知，并代为登记其答复。"
        )
    run_action(
        request,
        lambda: services.meeting_notify(
            meeting=meeting,
            actor=membership,
            notice_text=form.cleaned_data.get("notice_text", ""),
        ),
        done if unreached else done + "。",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, membership = _convener_post(request, pk)
    form = CancelForm(request.POST)
    run_form_action(
        request,
        form,
        lambda: services.meeting_cancel(
            meeting=meeting, reason=form.cleaned_data["reason"], actor=membership
        ),
        "会议已取消，已通知各受邀单位。",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, membership = _convener_post(request, pk)
    form = InviteForm(request.POST, units=selectors.invitable_units(meeting))
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("meetings:detail", meeting.pk)
    data = form.cleaned_data
    run_action(
        request,
        lambda: services.meeting_invite_unit(
            meeting=meeting,
            unit=data["unit"],
            new_unit_name=data["new_name"],
            invited_as=data["invited_as"],
            actor=membership,
        ),
        "已邀请。",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def attendance_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """三(一)1: my unit attends (who), or asks leave before the start naming a substitute."""
    meeting = meeting_for(request.user, pk)
    attendance = access.attendance_for(request.user, meeting)
    membership = access.require_list(request.user)
    form = AnswerForm(request.POST)
    if form.is_valid() and run_action(
        request,
        lambda: services.attendance_answer(
            attendance=attendance, actor=membership, **form.cleaned_data
        ),
        "已答复。",
    ):
        return redirect("meetings:detail", meeting.pk)
    # A refused answer keeps what was typed (the reason in the page's message, or beside the
    # form's fields).
    context = _detail_context(request, meeting, answer_form=form)
    return render(request, "meetings/detail.html", context, status=400)


@require_POST
@login_required
def attendance_answer_on_behalf(request: HttpRequest, pk: int) -> HttpResponse:
    """三(一)1: the convener enters an answer a unit gave by phone or fax, marked as such."""
    meeting, membership = _convener_post(request, pk)
    form = OnBehalfAnswerForm(request.POST, attendances=selectors.answerable(meeting))
    if form.is_valid():
        data = dict(form.cleaned_data)
        attendance = data.pop("attendance")
        try:
            services.attendance_answer_on_behalf(attendance=attendance, actor=membership, **data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            how = "传真" if data["via"] == Attendance.Channel.FAX else "电话"
            messages.success(request, f"已代{attendance.unit.name}登记{how}答复。")
            return redirect("meetings:detail", meeting.pk)
    context = _detail_context(request, meeting, behalf_form=form)
    return render(request, "meetings/detail.html", context, status=400)


@require_POST
@login_required
def attendance_record(request: HttpRequest, pk: int) -> HttpResponse:
    """三(一)1: on the day, the convener records who actually came."""
    meeting, membership = _convener_post(request, pk)
    actual: dict[int, str] = {}
    names: dict[int, str] = {}
    for attendance in meeting.attendances.all():
        if f"actual-{attendance.pk}" in request.POST:
            actual[attendance.pk] = request.POST[f"actual-{attendance.pk}"]
            names[attendance.pk] = request.POST.get(f"name-{attendance.pk}", "")
    run_action(
        request,
        lambda: services.attendance_record(
            meeting=meeting, actual=actual, names=names, actor=membership
        ),
        "实际出席情况已登记，会议已召开。",
    )
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def minutes_draft(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, membership = _convener_post(request, pk)
    try:
        minutes = services.minutes_draft(meeting=meeting, actor=membership)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("meetings:detail", meeting.pk)
    return redirect("meetings:minutes_edit", minutes.pk)

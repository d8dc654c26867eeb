"""事故 pages (三(四)2, 二(四)): list, register, an incident's page and the forms on it."""

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxi.core.downloads import download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import add_service_error
from lianxi.organization.access import membership_of
from lianxi.organization.models import Unit

from . import access, grading, selectors, services
from .forms import (
    ActionForm,
    CloseForm,
    IncidentForm,
    NotifyForm,
    UpdateForm,
    UpReportForm,
    WithdrawForm,
)
from .models import Incident, IncidentNotice, IncidentUpdate, UpReport
from .report import report_pdf, report_text


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    access.require_list(request.user)
    page = Paginator(selectors.incident_list(request.user), selectors.LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [
        {"incident": i, "grade": grading.grade_label(i.grade), "clock": selectors.clock(i, now)}
        for i in page.object_list
    ]
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "rows": rows,
            "scope_all": access.sees_all_incidents(request.user),
            "can_register": access.can_register_incident(request.user),
        },
    )


@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    """三(四)2 intake; who may register is access.require_register, as for the API."""
    membership = access.require_register(request.user)
    # 谁来管 opens this form with the matter written there (lianxi.routing.actions).
    text = request.GET.get("text", "").strip()
    initial = {"title": text[:200], "onset": text if len(text) > 200 else ""}
    form = IncidentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = services.IncidentInput(**form.cleaned_data)
        errors = services.incident_input_errors(data)
        for field, message in errors:
            form.add_error(field if field in form.fields else None, message)
        if not errors:
            try:
                incident, _ = services.incident_register(
                    mechanism=membership.unit.mechanism, data=data, actor=membership
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                label = grading.grade_label(incident.grade)
                messages.success(request, f"事故已登记，初判为{label}事故。")
                return redirect("incidents:detail", pk=incident.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "incidents/form.html", {"form": form}, status=status)


def _notify_form(incident: Incident, data: Any = None) -> tuple[NotifyForm, dict[int, str]]:
    proposals = services.incident_propose_units(incident=incident)
    reasons = {unit.pk: reason for unit, reason in proposals}
    notified = set(incident.notices.values_list("unit_id", flat=True))
    units = selectors.notifiable_units(incident, notified=notified)
    choices = [
        (str(u.pk), f"{u.name}（建议：{reasons[u.pk]}）" if u.pk in reasons else u.name)
        for u in units
    ]
    initial = {"units": [str(pk) for pk in reasons if pk not in notified]}
    return NotifyForm(data, choices=choices, initial=initial), reasons


def _up_report_form(
    incident: Incident,
    updates: list[IncidentUpdate],
    reports: list[UpReport],
    data: Any = None,
) -> UpReportForm:
    """Proposes the newest report not yet sent to every recipient, and a recipient it has not
    gone to yet (never one already reported to)."""
    initial = selectors.next_up_report(updates, reports)
    return UpReportForm(
        data,
        updates=updates,
        initial={"report": initial.report, "recipient": initial.recipient},
    )


def _detail(
    request: HttpRequest, incident: Incident, status: int = 200, **forms: Any
) -> HttpResponse:
    perms = access.incident_permissions(request.user, incident)
    services.incident_view_record(incident=incident, viewer=request.user)
    now = timezone.now()
    up_reports = list(incident.up_reports.select_related("sent_by", "update"))
    updates = list(incident.updates.select_related("author", "unit"))
    context: dict[str, Any] = {
        "incident": incident,
        "grade": grading.grade_label(incident.grade),
        "clock": selectors.clock(incident, now),
        "report_text": report_text(incident, at=now, actor=request.user),
        "up_reports": up_reports,
        "first_sent_to": selectors.sent_to(up_reports, None),
        "notices": [
            {"notice": n, "sees_action": access.sees_action(perms, n)}
            for n in selectors.notices(incident)
        ],
        "updates": [{"update": u, "sent_to": selectors.sent_to(up_reports, u)} for u in updates],
        "timeline": incident.timeline.select_related("unit", "actor"),
        "now": now,
        "perms": perms,
        "is_secretariat": perms.is_secretariat,
        "own_notice": perms.own_notice,
        "has_final": perms.has_final,
        "is_open": perms.is_open,
    }
    if perms.can_notify:
        notify_form, _ = _notify_form(incident)
        context.update(
            notify_form=forms.get("notify_form", notify_form),
            # The newly proposed units, checked; those already notified are not counted.
            proposed_count=len(notify_form.initial["units"]),
        )
    if perms.can_report_up:
        context["up_report_form"] = forms.get(
            "up_report_form", _up_report_form(incident, updates, up_reports)
        )
    if perms.can_report_action and perms.own_notice is not None:
        context["action_form"] = forms.get(
            "action_form", ActionForm(initial={"text": perms.own_notice.action_text})
        )
    if perms.can_add_update:
        context["update_form"] = forms.get("update_form", UpdateForm())
    if perms.can_close:
        context["close_form"] = forms.get("close_form", CloseForm())
    if perms.can_withdraw:
        context["withdraw_form"] = forms.get("withdraw_form", WithdrawForm())
    context["error"] = forms.get("error", "")
    return render(request, "incidents/detail.html", context, status=status)


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.incident_for(request.user, pk))


@login_required
def incident_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.incident_for(request.user, pk)
    services.incident_view_record(incident=incident, viewer=request.user, what="timeline")
    return render(
        request,
        "incidents/timeline.html",
        {
            "incident": incident,
            "timeline": incident.timeline.select_related("unit", "actor"),
            "notices": selectors.notices(incident),
        },
    )


@login_required
def incident_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.incident_for(request.user, pk)
    services.incident_view_record(incident=incident, viewer=request.user, what="report_pdf")
    return download_response(
        report_pdf(incident, actor=request.user),
        filename=f"事故报告-{incident.reference}.pdf",
        actor=request.user,
        target=incident,
        ascii_filename=f"incident-{incident.reference}.pdf",
        content_type="application/pdf",
    )


@login_required
def update_report_pdf(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    """The file of a 续报 / 终报 as reported up."""
    incident = access.incident_for(request.user, pk)
    update = get_object_or_404(IncidentUpdate, pk=update_pk, incident=incident)
    services.incident_view_record(incident=incident, viewer=request.user, what="report_pdf")
    kind = update.get_kind_display()
    return download_response(
        report_pdf(incident, update=update, at=update.created_at, actor=request.user),
        filename=f"事故{kind}-{incident.reference}-{update.pk}.pdf",
        actor=request.user,
        target=incident,
        ascii_filename=f"incident-{incident.reference}-{update.kind}-{update.pk}.pdf",
        content_type="application/pdf",
    )


@require_POST
@login_required
def up_report_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.incident_for(request.user, pk)
    membership = access.require_secretariat(request.user, incident)
    form = UpReportForm(request.POST, updates=list(incident.updates.all()))
    if form.is_valid():
        update = form.chosen_update()
        try:
            report = services.up_report_record(
                incident=incident,
                recipient=form.cleaned_data["recipient"],
                channel=form.cleaned_data["channel"],
                update=update,
                actor=membership,
            )
        except ApplicationError as exc:
            return _detail(request, incident, 400, up_report_form=form, error=exc.message)
        late = "" if report.on_time else "（已超过报告时限）"
        what = "报告" if update is None else f"报送{update.get_kind_display()}"
        messages.success(request, f"已记录向{report.recipient}{what}{late}。")
        return redirect("incidents:detail", pk=incident.pk)
    return _detail(request, incident, 400, up_report_form=form)


@require_POST
@login_required
def notify_units(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.incident_for(request.user, pk)
    membership = access.require_secretariat(request.user, incident)
    form, reasons = _notify_form(incident, request.POST)
    if form.is_valid():
        ids = [int(v) for v in form.cleaned_data["units"]]
        units = list(Unit.objects.filter(pk__in=ids).order_by("order", "id"))
        try:
            notices = services.incident_notify(
                incident=incident,
                units=units,
                reasons={u.pk: reasons.get(u.pk, "联席会议办公室确定通报") for u in units},
                actor=membership,
            )
        except ApplicationError as exc:
            return _detail(request, incident, 400, notify_form=form, error=exc.message)
        names = "、".join(n.unit.name for n in notices)
        messages.success(request, f"已向{names}通报，等待各单位确认。")
        return redirect("incidents:detail", pk=incident.pk)
    return _detail(request, incident, 400, notify_form=form)


@require_POST
@login_required
def notice_ack(request: HttpRequest, pk: int, notice_pk: int) -> HttpResponse:
    incident = access.incident_for(request.user, pk)
    notice = get_object_or_404(IncidentNotice, pk=notice_pk, incident=incident)
    try:
        services.notice_acknowledge(notice=notice, actor=membership_of(request.user))
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, "已确认收到事故通报。")
    return redirect("incidents:detail", pk=incident.pk)


@require_POST
@login_required
def notice_action(request: HttpRequest, pk: int, notice_pk: int) -> HttpResponse:
    """处置情况: the notified unit reports what it did (三(四)2)."""
    incident = access.incident_for(request.user, pk)
    notice = get_object_or_404(IncidentNotice, pk=notice_pk, incident=incident)
    if not access.may_acknowledge(membership_of(request.user), notice):
        raise PermissionDenied(access.ACTION_REFUSED)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.notice_report_action(
                notice=notice, text=form.cleaned_data["text"], actor=membership_of(request.user)
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已报告本单位处置情况，联席会议办公室可见。")
            return redirect("incidents:detail", pk=incident.pk)
    return _detail(request, incident, 400, action_form=form)


@require_POST
@login_required
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.incident_for(request.user, pk)
    membership = access.require_secretariat(request.user, incident)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            update = services.incident_update_add(
                incident=incident, actor=membership, **form.cleaned_data
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{update.get_kind_display()}已发布，已告知被通报单位。")
            return redirect("incidents:detail", pk=incident.pk)
    return _detail(request, incident, 400, update_form=form)


def _secretariat_form_post(
    request: HttpRequest,
    pk: int,
    form_class: type[django_forms.Form],
    form_key: str,
    action: Callable[[Incident, Any, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """A secretariat form on the incident page: the service on success, the page again with
    the form and its error otherwise."""
    incident = access.incident_for(request.user, pk)
    membership = access.require_secretariat(request.user, incident)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(incident, membership, form.cleaned_data)
        except ApplicationError as exc:
            return _detail(request, incident, 400, error=exc.message, **{form_key: form})
        messages.success(request, success)
        return redirect("incidents:detail", pk=incident.pk)
    return _detail(request, incident, 400, **{form_key: form})


@require_POST
@login_required
def incident_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销: an incident registered in error; the notified units receive a CAP Cancel."""
    return _secretariat_form_post(
        request,
        pk,
        WithdrawForm,
        "withdraw_form",
        lambda incident, membership, data: services.incident_withdraw(
            incident=incident, reason=data["reason"], actor=membership
        ),
        "事故通报已撤销，已告知被通报单位。",
    )


@require_POST
@login_required
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _secretariat_form_post(
        request,
        pk,
        CloseForm,
        "close_form",
        lambda incident, membership, data: services.incident_close(
            incident=incident,
            investigation_result=data["investigation_result"],
            actor=membership,
        ),
        "事故已结案。",
    )

"""Minutes pages (三(一)1, 四(二)): check access, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lianxi.core.pages import run_action, run_form_action
from lianxi.typesetting.layout import resolution_label, section_label

from . import access, selectors, services
from .access import minutes_for
from .forms import MinutesIntroForm, ResolutionForm, SignOffForm
from .minutes_document import attendance_lines
from .models import MinutesSection, Resolution

RECEIPT_ORDER = {"member": 0, "invited": 1, "copy": 2}


def _sign_off_form(minutes: Any, allowed: bool) -> SignOffForm | None:
    return SignOffForm(initial=selectors.default_signer(minutes)) if allowed else None


@login_required
def minutes_detail(
    request: HttpRequest, pk: int, *, sign_off_form: SignOffForm | None = None
) -> HttpResponse:
    minutes = minutes_for(request.user, pk)
    sections, receipts = selectors.minutes_detail(minutes)
    perms = access.minutes_permissions(request.user, minutes, receipts=receipts)
    receipts.sort(key=lambda r: RECEIPT_ORDER.get(r.kind, 9))
    action_items: dict[int, Any] = {}
    if minutes.status == minutes.Status.ISSUED:
        action_items = selectors.resolution_action_items(sections, request.user)
    for n, section in enumerate(sections, start=1):
        section.label = section_label(n)  # type: ignore[attr-defined]
        for resolution in section.resolutions.all():
            resolution.label = resolution_label(resolution.number)  # type: ignore[attr-defined]
            resolution.action_item = action_items.get(resolution.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "meetings/minutes.html",
        {
            "minutes": minutes,
            "meeting": minutes.meeting,
            "sections": sections,
            "attendance_lines": attendance_lines(minutes.meeting),
            "receipts": receipts if perms.sees_receipts else [],
            "unacknowledged": [r for r in receipts if r.acknowledged_at is None],
            "receipt": perms.own_receipt,
            "convener": perms.convener,
            "perms": perms,
            "sign_off_form": sign_off_form or _sign_off_form(minutes, perms.can_sign_off),
        },
        status=400 if sign_off_form is not None else 200,
    )


@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = minutes_for(request.user, pk, edit=True)
    membership = access.require_list(request.user)
    if minutes.status != minutes.Status.DRAFT:
        return redirect("meetings:minutes", minutes.pk)
    sections, _ = selectors.minutes_detail(minutes)
    unit_choices: dict[str, list[Any]] = {}
    for section in sections:
        for resolution in section.resolutions.all():
            resolution.label = resolution_label(resolution.number)  # type: ignore[attr-defined]
        # One form per section, with its own ids for the routing suggestion; the agenda topic's
        # reporting unit and the units it concerns are the likely lead and supporting units.
        topic = section.agenda_item
        section.resolution_form = ResolutionForm(  # type: ignore[attr-defined]
            mechanism_id=minutes.meeting.mechanism_id,
            auto_id=f"r{section.pk}_%s",
            initial=(
                {
                    "lead_unit": topic.lead_unit_id,
                    "supporting_units": [u.pk for u in topic.supporting_units.all()],
                }
                if topic is not None
                else {}
            ),
        )
        # The same unit lists in every section's form: read them once, not twice per section.
        for name in ("lead_unit", "supporting_units"):
            field = section.resolution_form.fields[name]  # type: ignore[attr-defined]
            if name in unit_choices:
                field.choices = unit_choices[name]
            else:
                unit_choices[name] = list(field.choices)
    intro_form = MinutesIntroForm(request.POST or None, initial={"intro": minutes.intro})
    if request.method == "POST" and intro_form.is_valid():
        edits = {
            s.pk: (
                request.POST.get(f"heading-{s.pk}", s.heading),
                request.POST.get(f"discussion-{s.pk}", s.discussion),
            )
            for s in sections
        }
        if run_action(
            request,
            lambda: services.minutes_update(
                minutes=minutes,
                intro=intro_form.cleaned_data["intro"],
                sections=edits,
                actor=membership,
            ),
            "纪要已保存。",
        ):
            return redirect("meetings:minutes_edit", minutes.pk)
    return render(
        request,
        "meetings/minutes_edit.html",
        {
            "minutes": minutes,
            "meeting": minutes.meeting,
            "sections": sections,
            "intro_form": intro_form,
        },
    )


@require_POST
@login_required
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = minutes_for(request.user, pk, edit=True)
    membership = access.require_list(request.user)
    run_action(
        request,
        lambda: services.minutes_section_add(
            minutes=minutes, heading=request.POST.get("heading", ""), actor=membership
        ),
        "已添加。",
    )
    return redirect("meetings:minutes_edit", minutes.pk)


@require_POST
@login_required
def resolution_add(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    minutes = minutes_for(request.user, pk, edit=True)
    membership = access.require_list(request.user)
    section = get_object_or_404(MinutesSection, pk=section_pk, minutes=minutes)
    form = ResolutionForm(request.POST, mechanism_id=minutes.meeting.mechanism_id)
    run_form_action(
        request,
        form,
        lambda: services.resolution_add(
            section=section,
            text=form.cleaned_data["text"],
            lead_unit=form.cleaned_data["lead_unit"],
            supporting_units=list(form.cleaned_data["supporting_units"]),
            deadline=form.cleaned_data["deadline"],
            deadline_workdays=form.cleaned_data["deadline_workdays"],
            feedback_every_workdays=form.cleaned_data["feedback_every_workdays"],
            actor=membership,
        ),
        "议定事项已添加。",
    )
    return redirect("meetings:minutes_edit", minutes.pk)


@require_POST
@login_required
def resolution_remove(request: HttpRequest, pk: int, resolution_pk: int) -> HttpResponse:
    minutes = minutes_for(request.user, pk, edit=True)
    membership = access.require_list(request.user)
    resolution = get_object_or_404(Resolution, pk=resolution_pk, minutes=minutes)
    run_action(
        request,
        lambda: services.resolution_remove(resolution=resolution, actor=membership),
        "议定事项已删除。",
    )
    return redirect("meetings:minutes_edit", minutes.pk)


def _minutes_step(
    name: str, success: str, *, issue: bool = False
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A one-button step on the minutes: the convener's (`edit`), or the secretariat's
    (`issue`: 印发, 三(一)1, 四(六))."""

    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        minutes = minutes_for(request.user, pk, edit=not issue, issue=issue)
        membership = access.require_list(request.user)
        service = getattr(services, name)
        run_action(request, lambda: service(minutes=minutes, actor=membership), success)
        return redirect("meetings:minutes", minutes.pk)

    view.__name__ = name
    return view


minutes_approve = _minutes_step("minutes_approve", "会议纪要已审定。")
minutes_reopen = _minutes_step("minutes_reopen", "会议纪要已退回修改。")


@require_POST
@login_required
def minutes_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """签发 (三(一)1, 四(六)): the secretariat records who signed; a refused form keeps what was
    typed."""
    minutes = minutes_for(request.user, pk, issue=True)
    membership = access.require_list(request.user)
    form = SignOffForm(request.POST)
    if run_form_action(
        request,
        form,
        lambda: services.minutes_sign_off(minutes=minutes, actor=membership, **form.cleaned_data),
        "签发已登记，可以印发。",
    ):
        return redirect("meetings:minutes", minutes.pk)
    return minutes_detail(request, pk, sign_off_form=form)


# 印发: the secretariat, after the 签发; the number is taken now.
minutes_issue = _minutes_step("minutes_issue", "会议纪要已印发，议定事项已转入督办。", issue=True)


@require_POST
@login_required
def minutes_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = minutes_for(request.user, pk)
    receipt = access.receipt_for(request.user, minutes)
    membership = access.require_list(request.user)
    run_action(
        request,
        lambda: services.minutes_acknowledge(receipt=receipt, actor=membership),
        "已签收。",
    )
    return redirect("meetings:minutes", minutes.pk)


def _download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    from .minutes_document import minutes_download

    return minutes_download(minutes_for(request.user, pk), kind, actor=request.user)


@login_required
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "docx")


@login_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, pk, "pdf")

"""督办 pages (四(二)): the ledger, its export, an item's page and the forms on it."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxi.core.downloads import download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import form_errors
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership

from . import access, selectors, services
from .forms import (
    ActionItemForm,
    DraftForm,
    ExtensionDecisionForm,
    ExtensionForm,
    LedgerFilterForm,
    ReportForm,
    ReviewForm,
    UrgeForm,
)
from .lights import LIGHT_LABELS, LIGHTS, Cutoffs, stale_workdays
from .models import ActionItem, ProgressReport
from .xlsx import ledger_xlsx

Role = Membership.Role


def _filters(request: HttpRequest) -> tuple[LedgerFilterForm, selectors.LedgerFilters, str]:
    membership = membership_of(request.user)
    mechanism = membership.unit.mechanism if membership else None
    form = LedgerFilterForm(request.GET or None, mechanism=mechanism)
    filters = selectors.LedgerFilters()
    query = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.LedgerFilters(
            unit=data["unit"], source=data["source"], status=data["status"], light=data["light"]
        )
        query = urlencode(
            {
                k: v
                for k, v in (
                    ("unit", data["unit"].pk if data["unit"] else ""),
                    ("source", data["source"]),
                    ("status", data["status"]),
                    ("light", data["light"]),
                )
                if v
            }
        )
    return form, filters, query


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """督办台账: filters by unit, source, status and light; counts per light; 50 a page."""
    access.require_ledger(request.user)
    cutoffs = Cutoffs.for_day(timezone.localdate())
    form, filters, query = _filters(request)
    items = selectors.ledger_items(request.user, filters, cutoffs)
    unfiltered_by_light = selectors.ledger_items(
        request.user, filters, cutoffs, with_light_filter=False
    )
    counts = selectors.light_counts(unfiltered_by_light, cutoffs)
    chart = {
        "labels": {light: LIGHT_LABELS[light] for light in LIGHTS},
        "units": selectors.unit_light_counts(unfiltered_by_light, cutoffs),
    }
    page = Paginator(selectors.ledger_rows(items), selectors.LEDGER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # The filters but the light: what the light counts and 已退回待补报 count over.
    base = {k: v for k, v in request.GET.items() if k not in ("light", "page") and v}
    base_query = urlencode(base)
    membership = membership_of(request.user)
    return render(
        request,
        "supervision/ledger.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "base_query": base_query,
            "filtered": bool(query),
            "light_stats": [(light, LIGHT_LABELS[light], counts[light]) for light in LIGHTS],
            "returned_count": selectors.returned_count(unfiltered_by_light),
            "returned_query": urlencode({**base, "status": "returned"}),
            "chart": chart,
            "current_light": filters.light,
            "is_secretariat": access.is_secretariat(membership),
            "scope_all": access.sees_all(membership),
        },
    )


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger as .xlsx."""
    access.require_ledger(request.user)
    today = timezone.localdate()
    cutoffs = Cutoffs.for_day(today)
    _, filters, _ = _filters(request)
    items = selectors.with_latest_progress(
        selectors.ledger_rows(selectors.ledger_items(request.user, filters, cutoffs))
    )
    membership = membership_of(request.user)
    title = "督办台账"
    if membership is not None and not access.sees_all(membership):
        title = f"{membership.unit.name}督办台账"
    content = ledger_xlsx(items.iterator(chunk_size=2000), title=title, today=today)
    return download_response(
        content,
        filename=f"督办台账-{today:%Y%m%d}.xlsx",
        actor=request.user,
        ascii_filename=f"supervision-ledger-{today:%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    """The secretariat creates an item that comes from no meeting (市政府交办, 来函…)."""
    membership = access.require_secretariat(request.user)
    mechanism = membership.unit.mechanism
    # 谁来管 opens this form with the matter and its suggested units (lianxi.routing.actions).
    text = request.GET.get("text", "").strip()
    initial = {
        "title": text[:300],
        "description": text if len(text) > 300 else "",
        "lead_unit": request.GET.get("lead_unit", ""),
        "supporting_units": request.GET.getlist("supporting_units"),
    }
    form = ActionItemForm(request.POST or None, mechanism=mechanism, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.action_item_create(
                mechanism=mechanism,
                title=data["title"],
                description=data["description"],
                source=data["source"],
                source_label=data["source_label"],
                source_url=data["source_url"],
                lead_unit=data["lead_unit"],
                supporting_units=list(data["supporting_units"]),
                deadline=data["deadline"],
                deadline_workdays=data["deadline_workdays"],
                feedback_every_workdays=data["feedback_every_workdays"],
                actor=membership,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "督办事项已创建，已通知牵头单位和配合单位。")
            return redirect("supervision:item", pk=item.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/item_form.html", {"form": form}, status=status)


def _item_page(
    request: HttpRequest, item: ActionItem, status: int = 200, **forms: Any
) -> HttpResponse:
    today = timezone.localdate()
    cutoffs = Cutoffs.for_day(today)
    light = cutoffs.light_of(item)
    timeline = selectors.item_timeline(item, request.user)
    perms = access.item_permissions(request.user, item, extensions=timeline.extensions)
    context = {
        "item": item,
        "light": light,
        "light_label": LIGHT_LABELS[light],
        "stale": item.status != ActionItem.Status.CLOSED and cutoffs.stale(item),
        "stale_days": stale_workdays(),
        "timeline": timeline,
        "drafts": [r for r in timeline.reports if r.status == ProgressReport.Status.DRAFT],
        "is_lead": perms.is_lead,
        "can_report": perms.can_report,
        "is_secretariat": perms.is_secretariat,
        "can_review": perms.can_review,
        "can_urge": perms.can_urge,
        "can_extend": perms.can_extend,
        "deadline_passed": today > item.deadline,
        "pending_extension": perms.pending_extension,
        "report_form": forms.get("report_form") or ReportForm(lead=perms.is_lead),
        "review_form": forms.get("review_form") or ReviewForm(),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "decision_form": forms.get("decision_form") or ExtensionDecisionForm(),
        "urge_form": forms.get("urge_form") or UrgeForm(),
        "error": forms.get("error"),
    }
    return render(request, "supervision/item.html", context, status=status)


@login_required
def item_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, access.action_item_for(request.user, pk))


def _item_acting_as(
    request: HttpRequest, pk: int, require: Callable[[Any], Membership]
) -> tuple[ActionItem, Membership]:
    """The item (404 if the person may not see it), then their role for the action (403)."""
    item = access.action_item_for(request.user, pk)
    return item, require(request.user)


def _act_on_item(
    request: HttpRequest,
    item: ActionItem,
    action: Callable[[], Any],
    success: str,
    **forms: Any,
) -> HttpResponse:
    """Runs one service: its refusal shows the item page again (400) with the posted `forms`
    and the reason; otherwise `success` is said and the person goes back to the item."""
    try:
        action()
    except ApplicationError as exc:
        return _item_page(request, item, 400, error=exc.message, **forms)
    messages.success(request, success)
    return redirect("supervision:item", pk=item.pk)


@require_POST
@login_required
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    item, membership = _item_acting_as(request, pk, access.require_unit_acting)
    form = ReportForm(request.POST, request.FILES, lead=access.is_lead(membership, item))
    if not form.is_valid():
        return _item_page(request, item, 400, report_form=form, error="请填写进展情况。")
    submit = request.POST.get("action") == "submit"
    return _act_on_item(
        request,
        item,
        lambda: services.progress_report_create(
            item=item,
            actor=request.user,
            text=form.cleaned_data["text"],
            attachment=form.cleaned_data.get("attachment"),
            requests_closure=bool(form.cleaned_data.get("requests_closure")),
            submit=submit,
        ),
        "进展反馈已报送。"
        if submit
        else "草稿已保存，仅本单位可见；报送后联席会议办公室才能看到。",
        report_form=form,
    )


@require_POST
@login_required
def report_submit(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    item, _ = _item_acting_as(request, pk, access.require_unit_acting)
    report = access.own_report_for(request.user, item, report_pk)
    return _act_on_item(
        request,
        item,
        lambda: services.progress_report_submit(report=report, actor=request.user),
        "进展反馈已报送。",
    )


@login_required
def report_edit(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """四(二): the unit's member or liaison rewrites its draft before sending it."""
    item, _ = _item_acting_as(request, pk, access.require_unit_acting)
    report = access.own_report_for(request.user, item, report_pk)
    lead = report.unit_id == item.lead_unit_id
    initial = {"text": report.text, "requests_closure": report.requests_closure}
    form = DraftForm(request.POST or None, request.FILES or None, lead=lead, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_report_update(
                report=report,
                actor=request.user,
                text=data["text"],
                requests_closure=data.get("requests_closure") if lead else None,
                attachment=data.get("attachment"),
                remove_attachment=bool(data.get("remove_attachment")),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "草稿已修改，仍仅本单位可见。")
            return redirect("supervision:item", pk=item.pk)
    elif request.method == "POST":
        error = "请填写进展情况。"
    elif report.status != ProgressReport.Status.DRAFT:
        error = "该进展反馈已经报送，不能再修改或删除。"
    return render(
        request,
        "supervision/draft_form.html",
        {
            "item": item,
            "report": report,
            "form": form,
            "error": error,
            "editable": report.status == ProgressReport.Status.DRAFT,
        },
        status=400 if error else 200,
    )


@require_POST
@login_required
def report_delete(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    item, _ = _item_acting_as(request, pk, access.require_unit_acting)
    report = access.own_report_for(request.user, item, report_pk)
    return _act_on_item(
        request,
        item,
        lambda: services.progress_report_delete(report=report, actor=request.user),
        "草稿已删除。",
    )


@require_POST
@login_required
def item_urge(request: HttpRequest, pk: int) -> HttpResponse:
    """催办: the secretariat reminds the lead unit now."""
    item, _ = _item_acting_as(request, pk, access.require_secretariat)
    form = UrgeForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, 400, urge_form=form, error="催办意见不超过 500 个字。")
    return _act_on_item(
        request,
        item,
        lambda: services.action_item_urge(
            item=item, actor=request.user, note=form.cleaned_data["note"]
        ),
        f"已向{item.lead_unit.name}催办，并记入办理过程。",
        urge_form=form,
    )


@login_required
def report_attachment(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    item = access.action_item_for(request.user, pk)
    attachment = selectors.report_attachment(item, membership_of(request.user), report_pk)
    if attachment is None:
        raise Http404("附件不存在")
    name, content = attachment
    return download_response(content, filename=name, actor=request.user, target=item)


@require_POST
@login_required
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    """办结销号 or 退回."""
    item, _ = _item_acting_as(request, pk, access.require_secretariat)
    form = ReviewForm(request.POST)
    if not form.is_valid():  # a refused reason must stop the decision, not be dropped from it
        return _item_page(request, item, 400, review_form=form, error=form_errors(form))
    reason = form.cleaned_data.get("reason", "")
    decision = request.POST.get("decision")
    if decision == "close":
        return _act_on_item(
            request,
            item,
            lambda: services.action_item_close(item=item, actor=request.user, reason=reason),
            "已办结销号。",
            review_form=form,
        )
    if decision == "return":
        return _act_on_item(
            request,
            item,
            lambda: services.action_item_return(item=item, actor=request.user, reason=reason),
            "已退回牵头单位。",
            review_form=form,
        )
    return _item_page(request, item, 400, review_form=form, error="请选择办结销号或退回。")


@require_POST
@login_required
def extension_create(request: HttpRequest, pk: int) -> HttpResponse:
    item, _ = _item_acting_as(request, pk, access.require_unit_acting)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _item_page(
            request, item, 400, extension_form=form, error="请填写申请延至的日期和延期理由。"
        )
    return _act_on_item(
        request,
        item,
        lambda: services.extension_request_create(
            item=item,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            new_deadline=form.cleaned_data["new_deadline"],
        ),
        "延期申请已提交，等待联席会议办公室审核。",
        extension_form=form,
    )


@require_POST
@login_required
def extension_decide(request: HttpRequest, pk: int, extension_pk: int) -> HttpResponse:
    item, _ = _item_acting_as(request, pk, access.require_secretariat)
    extension = item.extensions.filter(pk=extension_pk).first()
    if extension is None:
        raise Http404("延期申请不存在")
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():  # a refused note must stop the decision, not be dropped from it
        return _item_page(request, item, 400, decision_form=form, error=form_errors(form))
    return _act_on_item(
        request,
        item,
        lambda: services.extension_request_decide(
            extension=extension,
            actor=request.user,
            grant=request.POST.get("decision") == "grant",
            note=form.cleaned_data.get("note", ""),
        ),
        "已审核延期申请。",
        decision_form=form,
    )

"""Pages of information reports, briefs and the exchange library (三(四)1, 三(四)3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxi.core.access import allowed_by
from lianxi.core.downloads import (
    DOCX_TYPE,
    XLSX_TYPE,
    download_response,
    file_download_response,
)
from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import form_errors, run_action
from lianxi.organization.access import is_secretariat
from lianxi.organization.selectors import member_units

from . import access, rendering, selectors, services, situation
from .forms import (
    EMPTY_ARTICLES,
    BriefForm,
    BriefSearchForm,
    IssueForm,
    LibraryFilterForm,
    ReportForm,
    ReviewForm,
    SituationForm,
    SituationRecordsForm,
)
from .models import Brief, InfoReport


@allowed_by(access.can_see_bulletins)
def index(request: HttpRequest) -> HttpResponse:
    membership = access.require_bulletins(request.user)
    mechanism_id = membership.unit.mechanism_id
    context: dict[str, Any] = {"secretariat": is_secretariat(membership)}
    if is_secretariat(membership):
        context["queue"] = list(selectors.review_queue(mechanism_id))
        context["unused"] = list(selectors.adopted_unused(mechanism_id))
        context["reviewed"] = list(selectors.reviewed(mechanism_id))
    elif membership.role in access.UNIT_ROLES:
        context["reports"] = list(selectors.unit_reports(membership))
    else:
        return redirect("bulletins:briefs")
    context["unsigned"] = list(selectors.unsigned_briefs(membership)[:10])
    return render(request, "bulletins/index.html", context)


# --- reports -----------------------------------------------------------------------------------


def _report_args(form: ReportForm) -> dict[str, Any]:
    d = form.cleaned_data
    return {
        "kind": d["kind"],
        "title": d["title"],
        "body": d["body"],
        "industry": d["industry"],
        "topic": d["topic"],
        "files": d["uploads"],
    }


@allowed_by(access.can_report)
def report_new(request: HttpRequest) -> HttpResponse:
    membership = access.require_unit(request.user)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            try:
                report = services.info_report_save(actor=membership, **_report_args(form))
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "信息已保存为草稿。")
                return redirect("bulletins:report", report.pk)
    return render(request, "bulletins/report_new.html", {"form": form})


@allowed_by(access.can_see_bulletins)
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    membership = access.require_bulletins(request.user)
    editable = access.may_edit_report(membership, report)
    form = None
    if editable:
        form = ReportForm(
            request.POST or None,
            request.FILES or None,
            initial={
                "kind": report.kind,
                "title": report.title,
                "body": report.body,
                "industry": report.industry,
                "topic": report.topic,
            },
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, "只有本单位可以修改尚未报送的信息。")
        elif not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            removed = [int(i) for i in request.POST.getlist("remove_file") if i.isdigit()]
            if run_action(
                request,
                lambda: services.info_report_save(
                    actor=membership, report=report, remove_file_ids=removed, **_report_args(form)
                ),
                "信息已保存。",
            ):
                return redirect("bulletins:report", report.pk)
    return render(
        request,
        "bulletins/report.html",
        {
            "report": report,
            "files": list(report.files.all()),
            "form": form,
            "sendable": access.may_send_report(membership, report),
            "is_member": membership.role == membership.Role.MEMBER,
            "review_form": ReviewForm() if access.may_review_report(membership, report) else None,
            "own": access.own_unit(membership, report),
            "articles": list(
                report.articles.filter(brief__in=access.visible_briefs(membership)).select_related(
                    "brief"
                )
            ),
        },
    )


@require_POST
@allowed_by(access.can_report)
def report_send(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.report_for(request.user, report_id)
    membership = access.require_unit(request.user)
    is_member = membership.role == membership.Role.MEMBER
    run_action(
        request,
        lambda: services.info_report_send(actor=membership, report=report, now=timezone.now()),
        "信息已报送联席会议办公室。" if is_member else "已提交本单位联席会议成员审核。",
    )
    return redirect("bulletins:report", report.pk)


@require_POST
@allowed_by(access.can_see_bulletins)
def report_review(request: HttpRequest, report_id: int) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    report = access.report_for(request.user, report_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("bulletins:report", report.pk)
    d = form.cleaned_data
    run_action(
        request,
        lambda: services.info_report_review(
            actor=membership,
            report=report,
            decision=d["decision"],
            note=d["note"],
            adopted_as=d["adopted_as"] or InfoReport.AdoptedAs.BRIEF,
            now=timezone.now(),
        ),
        f"已{services.DECISIONS[d['decision']]}，并告知{report.unit.name}。",
    )
    return redirect("bulletins:report", report.pk)


@allowed_by(access.can_see_bulletins)
def report_file(request: HttpRequest, report_id: int, file_id: int) -> Any:
    try:
        report = access.report_for(request.user, report_id)
    except Http404:
        report = access.library_report_for(request.user, report_id)
    attached = report.files.filter(pk=file_id).first()
    if attached is None:
        raise Http404(access.REPORT_NOT_FOUND)
    try:
        return file_download_response(
            attached.file, filename=attached.name, actor=request.user, target=report
        )
    except FileNotFoundError as exc:
        raise Http404("文件已不存在。") from exc


# --- figures -----------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[int, str]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        year = today.year
    period = request.GET.get("period", "year")
    return year, period if period in selectors.PERIODS else "year"


def _figures_chart(rows: list[selectors.UnitFigures]) -> dict[str, Any]:
    return {
        "labels": {"sent": "报送", "adopted": "采用"},
        "units": [{"unit": r.unit.name, "sent": r.sent, "adopted": r.adopted} for r in rows],
    }


@allowed_by(access.can_see_bulletins)
def figures_page(request: HttpRequest) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    year, period = _period(request)
    rows = selectors.adoption_figures(membership.unit.mechanism_id, year, period)
    sent = sum(r.sent for r in rows)
    adopted = sum(r.adopted for r in rows)
    return render(
        request,
        "bulletins/figures.html",
        {
            "rows": rows,
            "year": year,
            "period": period,
            "periods": selectors.PERIODS,
            "period_label": selectors.PERIODS[period],
            "years": selectors.years_with_reports(
                membership.unit.mechanism_id, timezone.localdate()
            ),
            "total_sent": sent,
            "total_adopted": adopted,
            "total_rate": round(100 * adopted / sent, 1) if sent else None,
            "chart": _figures_chart(rows),
        },
    )


@allowed_by(access.can_see_bulletins)
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    year, period = _period(request)
    rows = selectors.adoption_figures(membership.unit.mechanism_id, year, period)
    return download_response(
        rendering.figures_xlsx(rows, year, period),
        filename=f"{year}年{selectors.PERIODS[period]}信息报送采用情况.xlsx",
        ascii_filename=f"info-reports-{year}-{period}.xlsx",
        actor=membership,
        content_type=XLSX_TYPE,
    )


# --- briefs ------------------------------------------------------------------------------------


@allowed_by(access.can_see_bulletins)
def briefs_page(request: HttpRequest) -> HttpResponse:
    membership = access.require_bulletins(request.user)
    form = BriefSearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {"q": d["q"].strip(), "year": d["year"], "kind": d["kind"]}
    briefs = list(selectors.briefs_archive(membership, **filters)[:200])
    return render(
        request,
        "bulletins/briefs.html",
        {
            "briefs": briefs,
            "form": form,
            "q": filters.get("q", ""),
            "year": filters.get("year"),
            "kind": filters.get("kind", ""),
            "kinds": Brief.Kind.choices,
            "secretariat": is_secretariat(membership),
        },
        status=400 if form.errors else 200,
    )


def _source_choices(mechanism_id: int) -> list[tuple[int, str]]:
    return [(r.pk, f"{r.unit.name}：{r.title}") for r in selectors.adopted_unused(mechanism_id)]


def _brief_args(form: BriefForm) -> dict[str, Any]:
    d = form.cleaned_data
    return {
        "kind": d["kind"],
        "title": d["title"],
        "report_to": d["report_to"],
        "send_to": d["send_to"],
        "issue_to": d["issue_to"],
        "copies": d["copies"] or 0,
        "articles": form.articles(),
    }


def _rows(request: HttpRequest, default: int) -> int:
    try:
        rows = int(request.POST.get("rows", default))
    except ValueError:
        rows = default
    return max(1, min(rows, 40))


@allowed_by(access.can_see_bulletins)
def brief_new(request: HttpRequest) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    mechanism_id = membership.unit.mechanism_id
    chosen = [int(i) for i in request.GET.getlist("source") if i.isdigit()]
    form = BriefForm(
        request.POST or None,
        rows=_rows(request, EMPTY_ARTICLES),
        source_choices=_source_choices(mechanism_id),
        initial={
            "kind": Brief.Kind.REGULAR,
            "issue_to": "联席会议各成员单位",
            "report_to": "市政府办公室",
            "copies": 60,
            "sources": chosen,
        },
    )
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            try:
                brief = services.brief_create(actor=membership, **_brief_args(form))
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "简报草稿已保存，可预览后印发。")
                return redirect("bulletins:brief", brief.pk)
    return render(request, "bulletins/brief_new.html", {"form": form})


@allowed_by(access.can_see_bulletins)
def brief_page(request: HttpRequest, brief_id: int) -> HttpResponse:
    membership = access.require_bulletins(request.user)
    brief = access.brief_for(request.user, brief_id)
    editable = access.may_edit_brief(membership, brief)
    articles, receipts = selectors.brief_detail(brief)
    form = issue_form = None
    if editable:
        initial: dict[str, Any] = {
            "kind": brief.kind,
            "title": brief.title,
            "report_to": brief.report_to,
            "send_to": brief.send_to,
            "issue_to": brief.issue_to,
            "copies": brief.copies,
        }
        for n, a in enumerate(articles, 1):
            initial[f"article_{n}_title"] = a.title
            initial[f"article_{n}_body"] = a.body
            initial[f"article_{n}_source"] = a.source_report_id
        form = BriefForm(
            request.POST or None,
            rows=_rows(request, len(articles) + EMPTY_ARTICLES),
            source_choices=_source_choices(brief.mechanism_id),
            initial=initial,
        )
        units = services.default_recipients(brief.mechanism_id)
        issue_form = IssueForm(
            unit_choices=[(u.pk, u.name) for u in units],
            initial={"recipients": [u.pk for u in units]},
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, "简报已印发，不能再修改。")
        elif not form.is_valid():
            messages.error(request, form_errors(form))
        elif run_action(
            request,
            lambda: services.brief_update(actor=membership, brief=brief, **_brief_args(form)),
            "简报已保存。",
        ):
            return redirect("bulletins:brief", brief.pk)
    # The secretariat issues the brief; its unit's copy is signed for by the unit's own people.
    receipt = None if is_secretariat(membership) else access.receipt_of(membership, brief)
    return render(
        request,
        "bulletins/brief.html",
        {
            "brief": brief,
            "articles": articles,
            "receipts": receipts if is_secretariat(membership) else [],
            "signed": sum(1 for r in receipts if r.signed_at),
            "form": form,
            "issue_form": issue_form,
            "receipt": receipt,
            "secretariat": is_secretariat(membership),
        },
    )


@require_POST
@allowed_by(access.can_see_bulletins)
def brief_issue(request: HttpRequest, brief_id: int) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    brief = access.brief_for(request.user, brief_id)
    units = services.default_recipients(brief.mechanism_id)
    form = IssueForm(request.POST, unit_choices=[(u.pk, u.name) for u in units])
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("bulletins:brief", brief.pk)
    done: list[Brief] = []
    ok = run_action(
        request,
        lambda: done.append(
            services.brief_issue(
                actor=membership,
                brief=brief,
                now=timezone.now(),
                recipient_unit_ids=form.cleaned_data["recipients"],
            )
        ),
        "简报已印发并分送，各单位将收到签收提醒。",
    )
    if ok and done:
        messages.info(request, f"期号：{done[0].year}年{done[0].issue_label}")
    return redirect("bulletins:brief", brief.pk)


@require_POST
@allowed_by(access.can_see_bulletins)
def brief_sign(request: HttpRequest, brief_id: int) -> HttpResponse:
    membership = access.require_bulletins(request.user)
    brief = access.brief_for(request.user, brief_id)
    run_action(
        request,
        lambda: services.brief_sign(actor=membership, brief=brief, now=timezone.now()),
        "已签收。",
    )
    return redirect("bulletins:brief", brief.pk)


@allowed_by(access.can_see_bulletins)
def brief_docx(request: HttpRequest, brief_id: int) -> HttpResponse:
    membership = access.require_bulletins(request.user)
    brief = access.brief_for(request.user, brief_id)
    return download_response(
        rendering.brief_docx(brief),
        filename=rendering.brief_filename(brief, "docx"),
        ascii_filename=f"brief-{brief.pk}.docx",
        actor=membership,
        target=brief,
        content_type=DOCX_TYPE,
    )


@allowed_by(access.can_see_bulletins)
def brief_pdf(request: HttpRequest, brief_id: int) -> HttpResponse:
    membership = access.require_bulletins(request.user)
    brief = access.brief_for(request.user, brief_id)
    return download_response(
        rendering.brief_pdf(brief),
        filename=rendering.brief_filename(brief, "pdf"),
        ascii_filename=f"brief-{brief.pk}.pdf",
        actor=membership,
        target=brief,
        content_type="application/pdf",
        inline=True,
    )


# --- the exchange library (三(四)3) -------------------------------------------------------------


@allowed_by(access.can_see_library)
def library_page(request: HttpRequest) -> HttpResponse:
    membership = access.require_bulletins(request.user)
    units = list(member_units(membership.unit.mechanism_id))
    form = LibraryFilterForm(request.GET or None, unit_choices=[(u.pk, u.name) for u in units])
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = {
            "q": d["q"].strip(),
            "unit_id": d["unit"],
            "industry": d["industry"].strip(),
            "topic": d["topic"].strip(),
            "year": d["year"],
        }
    reports = list(selectors.library_list(membership, **filters)[:200])
    return render(
        request,
        "bulletins/library.html",
        {
            "reports": reports,
            "form": form,
            "units": units,
            "unit_id": filters.get("unit_id"),
            "year": filters.get("year"),
            "years": selectors.years_with_reports(
                membership.unit.mechanism_id, timezone.localdate()
            ),
            "q": filters.get("q", ""),
            "industry": filters.get("industry", ""),
            "topic": filters.get("topic", ""),
        },
        status=400 if form.errors else 200,
    )


@allowed_by(access.can_see_library)
def library_item(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access.library_report_for(request.user, report_id)
    return render(
        request,
        "bulletins/library_item.html",
        {"report": report, "files": list(report.files.all())},
    )


# --- the situation report (二(三)) ---------------------------------------------------------------


def _situation_form(request: HttpRequest, form_class: type[Any]) -> Any:
    today = timezone.localdate()
    data = request.GET.copy() if request.GET else {"year": str(today.year), "period": "year"}
    return form_class(data)


@allowed_by(access.can_see_bulletins)
def situation_page(request: HttpRequest) -> HttpResponse:
    """二(三): the draft 形势通报 of a period, every figure linking to the rows behind it."""
    membership = access.require_secretariat(request.user)
    form = _situation_form(request, SituationForm)
    report = None
    text: list[str] = []
    if form.is_valid():
        d = form.cleaned_data
        report = situation.situation(
            membership.unit.mechanism, d["year"], d["period"], timezone.localdate()
        )
        text = situation.situation_text(report, membership.unit.mechanism.name)
    return render(
        request,
        "bulletins/situation.html",
        {
            "form": form,
            "report": report,
            "text": text,
            "city": situation.city_rows(report) if report else [],
            "unit_links": situation.unit_rows(report) if report else [],
            "periods": selectors.PERIODS,
        },
        status=200 if form.is_valid() else 400,
    )


@allowed_by(access.can_see_bulletins)
def situation_records(request: HttpRequest) -> HttpResponse:
    """The rows behind one figure of the situation report (二(三))."""
    membership = access.require_secretariat(request.user)
    form = _situation_form(request, SituationRecordsForm)
    rows: list[situation.RecordRow] = []
    report = None
    if form.is_valid():
        d = form.cleaned_data
        mechanism = membership.unit.mechanism
        report = situation.situation(mechanism, d["year"], d["period"], timezone.localdate())
        rows = situation.figure_rows(mechanism, report, d["figure"], d["unit"])
    return render(
        request,
        "bulletins/situation_records.html",
        {
            "form": form,
            "report": report,
            "rows": rows,
            "figure_label": situation.FIGURES.get(form.cleaned_data.get("figure", ""), "")
            if form.is_valid()
            else "",
        },
        status=200 if form.is_valid() else 400,
    )


@require_POST
@allowed_by(access.can_see_bulletins)
def situation_draft(request: HttpRequest) -> HttpResponse:
    """二(三): the draft becomes a brief the secretariat edits and issues."""
    membership = access.require_secretariat(request.user)
    form = SituationForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("bulletins:situation")
    d = form.cleaned_data
    mechanism = membership.unit.mechanism
    report = situation.situation(mechanism, d["year"], d["period"], timezone.localdate())
    title = f"{report.label}职业病防治工作形势通报"
    body = "\n".join(situation.situation_text(report, mechanism.name))
    try:
        brief = services.brief_create(
            actor=membership,
            title=title,
            kind=Brief.Kind.SPECIAL,
            articles=[services.ArticleIn(title=title, body=body)],
            report_to="市政府办公室",
            issue_to="联席会议各成员单位",
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("bulletins:situation")
    messages.success(request, "形势通报已起草为专刊草稿，请修改后印发。")
    return redirect("bulletins:brief", brief.pk)

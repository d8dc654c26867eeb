from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxi.core.dashboard import dashboard_for

from . import selectors
from .access import allowed_by, can_manage_calendar, can_read_audit, scope_of
from .audit import audit_verify_report
from .audit_labels import audit_action_label
from .calendar import (
    ScheduleError,
    format_schedule,
    parse_schedule,
    schedule_missing_years,
    year_schedule,
)
from .exceptions import ApplicationError
from .forms import AuditFilterForm, CalendarYearForm
from .models import CalendarYear
from .services import calendar_year_set

AUDIT_PAGE_SIZE = 50
VERIFY_PROBLEMS_SHOWN = 20


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the benchmark's floor: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: what waits for me and my unit."""
    return render(request, "core/home.html", {"dashboard": dashboard_for(request.user)})


@allowed_by(can_read_audit)
def audit_log(request: HttpRequest) -> HttpResponse:
    """审计日志: the auditor reads and filters who did what, when (issue 2 §3)."""
    scope_id = scope_of(request.user)
    form = AuditFilterForm(
        request.GET or None, choices=selectors.audit_filter_choices(scope_id=scope_id)
    )
    filters = selectors.AuditFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.AuditFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            unit_id=data["unit"],
            person=data["person"].strip(),
            action=data["action"],
            target_type=data["target_type"],
        )
    paginator = Paginator(selectors.audit_events(filters, scope_id=scope_id), AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    filtered = filters != selectors.AuditFilters()
    roles = selectors.role_labels()
    return render(
        request,
        "core/audit.html",
        {
            "form": form,
            "page": page,
            "events": [
                (
                    e,
                    selectors.target_type_label(e.target_type),
                    roles.get(e.role, e.role),
                    audit_action_label(e.action),
                )
                for e in page
            ],
            "query": urlencode(query),
            "chain": selectors.audit_chain_summary(count=None if filtered else paginator.count),
            "filtered": filtered,
        },
    )


@require_POST
@allowed_by(can_read_audit)
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Walks the whole hash chain on request and reports the result on the audit page."""
    report = audit_verify_report()
    if report.ok:
        messages.success(
            request, f"已校验 {report.checked} 条审计记录，哈希链完整，未发现改动或删除。"
        )
    else:
        messages.error(
            request,
            f"已校验 {report.checked} 条审计记录，发现 {len(report.problems)} 处问题，"
            "审计记录可能被改动或删除：",
        )
        for problem in report.problems[:VERIFY_PROBLEMS_SHOWN]:
            messages.error(request, problem.message)
        if len(report.problems) > VERIFY_PROBLEMS_SHOWN:
            messages.error(request, "其余问题请在服务器上运行 lianxi audit verify 查看完整列表。")
    back = reverse("core:audit")
    # Re-encoded: the filters came back from a hidden field, and a raw line break would be a
    # broken Location header (a 500).
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(f"{back}?{query}" if query else back)


@allowed_by(can_manage_calendar)
def calendar_page(request: HttpRequest) -> HttpResponse:
    """节假日安排: the secretariat sees each year's schedule and enters the official one."""
    today = timezone.localdate()
    years = selectors.calendar_years(today)
    if request.method == "POST":
        form = CalendarYearForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                days = parse_schedule(form.cleaned_data["text"], year=year)
                calendar_year_set(
                    year=year, days=days, source=form.cleaned_data["source"], actor=request.user
                )
            except ScheduleError as exc:
                for error in exc.errors:
                    form.add_error("text", error)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request, f"已保存 {year} 年节假日安排，共 {len(days)} 天，工作日计算即时生效。"
                )
                return redirect(f"{reverse('core:calendar')}?year={year}")
    else:
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            year = today.year + 1
        year = min(max(year, 2000), 2100)
        shown = next((y for y in years if y.year == year), None)
        entry = shown.entry if shown else CalendarYear.objects.filter(year=year).first()
        days = shown.holidays + shown.workdays if shown else year_schedule(year)
        form = CalendarYearForm(
            initial={
                "year": year,
                "source": entry.source if entry else "",
                "text": format_schedule(days),
            }
        )
    return render(
        request,
        "core/calendar.html",
        {
            "form": form,
            "years": years,
            "missing": schedule_missing_years(today),
            "today": today,
        },
    )

"""Annual-cycle pages (四(三), 三(一)1). Thin: access, one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxi.core.access import allowed_by
from lianxi.core.downloads import download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import form_errors, run_action
from lianxi.organization.access import is_secretariat
from lianxi.organization.models import Membership
from lianxi.organization.selectors import mechanism_settings, member_units

from . import access, selectors, services
from .board_xlsx import board_xlsx
from .forms import (
    EMPTY_ROWS,
    AcceptForm,
    DeclineForm,
    PlanForm,
    ReviewForm,
    SummaryForm,
    TopicsForm,
)
from .models import PART_LABELS, PARTS, AnnualSubmission, PartStatus, TopicProposal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _units(mechanism_id: int) -> list[tuple[int, str]]:
    return list(member_units(mechanism_id).values_list("pk", "name"))


@allowed_by(access.can_see_annual)
def index(request: HttpRequest) -> HttpResponse:
    membership = access.require_annual(request.user)
    mechanism = membership.unit.mechanism
    today = timezone.localdate()
    cycles = list(selectors.cycles(mechanism.pk))
    if not is_secretariat(membership) and cycles:
        return redirect("annual:submission", cycles[0].year, membership.unit_id)
    upcoming = None
    year = services.due_cycle_year(mechanism, today)
    for candidate in (today.year, today.year + 1):
        dates = services.cycle_dates(mechanism, candidate)
        if dates and not any(c.year == candidate for c in cycles) and dates.rule_deadline >= today:
            upcoming = dates
            break
    clash = services.overlapping_cycle(mechanism, upcoming) if upcoming else None
    return render(
        request,
        "annual/index.html",
        {
            "cycles": cycles,
            "upcoming": upcoming,
            "clash": clash,
            "due_year": year,
            "settings": mechanism_settings(mechanism),
            "secretariat": is_secretariat(membership),
            "watch": selectors.plenary_watch(mechanism, today),
        },
    )


@require_POST
@allowed_by(access.can_see_annual)
def open_cycle(request: HttpRequest) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "请选择年度。")
        return redirect("annual:index")
    if not 2000 <= year <= 2100:
        messages.error(request, "年度应在 2000 至 2100 之间。")
        return redirect("annual:index")
    if run_action(
        request,
        lambda: services.cycle_open(
            mechanism=membership.unit.mechanism, year=year, now=timezone.now(), actor=membership
        ),
        f"{year}年度报送已启动，各成员单位已收到通知。",
    ):
        return redirect("annual:board", year)
    return redirect("annual:index")


@allowed_by(access.can_see_annual)
def board_page(request: HttpRequest, year: int) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    cycle = access.cycle_for(request.user, year)
    today = timezone.localdate()
    board = selectors.board(cycle, today)
    states = [
        {"value": s.value, "label": s.label, "count": board.counts.get(s.value, 0)}
        for s in PartStatus
    ]
    return render(
        request,
        "annual/board.html",
        {
            "cycle": cycle,
            "board": board,
            "states": states,
            "parts": [PART_LABELS[p] for p in PARTS],
            "overdue": today > cycle.deadline,
            "watch": selectors.plenary_watch(membership.unit.mechanism, today),
        },
    )


@allowed_by(access.can_see_annual)
def board_download(request: HttpRequest, year: int) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    cycle = access.cycle_for(request.user, year)
    mechanism = membership.unit.mechanism
    content = board_xlsx(
        selectors.board(cycle, timezone.localdate()), mechanism_name=mechanism.name
    )
    return download_response(
        content,
        filename=f"{mechanism.name}{year}年度材料报送情况.xlsx",
        ascii_filename=f"annual-{year}-board.xlsx",
        actor=request.user,
        target=cycle,
        content_type=XLSX,
    )


@require_POST
@allowed_by(access.can_see_annual)
def remind(request: HttpRequest, year: int) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    cycle = access.cycle_for(request.user, year)
    try:
        names = services.remind_late(cycle=cycle, actor=membership, today=timezone.localdate())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已催报 {len(names)} 个逾期单位：{'、'.join(names)}。")
    return redirect("annual:board", year)


# --- a unit's submission -----------------------------------------------------------------------


def _forms(submission: AnnualSubmission, unit_choices: list[tuple[int, str]]) -> dict[str, Any]:
    tasks = list(submission.tasks.all())
    topics = list(submission.topics.all())
    plan_initial: dict[str, Any] = {"text": submission.plan}
    for n, t in enumerate(tasks, 1):
        plan_initial |= {
            f"task_{n}_title": t.title,
            f"task_{n}_lead": t.lead_unit_id,
            f"task_{n}_date": t.expected_on,
        }
    # An empty row's lead is the unit itself (the select has no blank choice).
    for n in range(len(tasks) + 1, len(tasks) + EMPTY_ROWS + 1):
        plan_initial[f"task_{n}_lead"] = submission.unit_id
    topics_initial: dict[str, Any] = {"no_topics": submission.no_topics}
    for n, p in enumerate(topics, 1):
        topics_initial |= {f"topic_{n}_title": p.title, f"topic_{n}_description": p.description}
    return {
        "summary": SummaryForm(initial={"text": submission.summary}, prefix="summary"),
        "plan": PlanForm(
            initial=plan_initial,
            rows=len(tasks) + EMPTY_ROWS,
            unit_choices=unit_choices,
            prefix="plan",
        ),
        "topics": TopicsForm(
            initial=topics_initial, rows=len(topics) + EMPTY_ROWS, prefix="topics"
        ),
    }


def _submission_page(
    request: HttpRequest,
    submission: AnnualSubmission,
    *,
    bound: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    membership = access.require_annual(request.user)
    readable = access.readable_parts(membership, submission)
    drafter = access.may_draft(membership, submission)
    reviewer = access.may_review(membership, submission)
    unit_choices = _units(submission.cycle.mechanism_id)
    forms = _forms(submission, unit_choices) if drafter else {}
    if bound:
        forms[bound[0]] = bound[1]
    tasks = (
        list(submission.tasks.select_related("lead_unit", "action_item"))
        if "plan" in readable
        else []
    )
    topics = (
        list(submission.topics.select_related("agenda_item__meeting"))
        if "topics" in readable
        else []
    )
    parts = []
    for part in PARTS:
        state = submission.status_of(part)
        parts.append(
            {
                "key": part,
                "label": PART_LABELS[part],
                "status": state,
                "status_label": PartStatus(state).label,
                "note": getattr(submission, f"{part}_note"),
                "readable": part in readable,
                "editable": drafter and state in (
                    PartStatus.NOT_STARTED, PartStatus.DRAFT, PartStatus.AWAITING_MEMBER,
                    PartStatus.RETURNED,
                ),
                "reviewable": reviewer and state == PartStatus.SENT,
                "form": forms.get(part),
            }
        )  # fmt: skip
    previous, reviews = selectors.plan_reviewed(submission) if "summary" in readable else (None, [])
    sendable = drafter and any(
        submission.status_of(p)
        in (
            (PartStatus.DRAFT, PartStatus.AWAITING_MEMBER)
            if membership.role == Membership.Role.MEMBER
            else (PartStatus.DRAFT,)
        )
        for p in PARTS
    )
    return render(
        request,
        "annual/submission.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "parts": parts,
            "tasks": tasks,
            "topics": topics,
            "drafter": drafter,
            "reviewer": reviewer,
            "is_member": membership.role == Membership.Role.MEMBER,
            "sendable": sendable,
            "late_workdays": selectors.late_workdays(
                submission, submission.cycle, timezone.localdate()
            ),
            "previous": previous,
            "reviews": reviews,
            "can_make_items": reviewer
            and submission.sent("plan")
            and any(t.action_item_id is None for t in tasks),
            "review_form": ReviewForm(),
        },
        status=status,
    )


@allowed_by(access.can_see_annual)
def submission_page(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    return _submission_page(request, access.submission_for(request.user, year, unit_id))


def _rows(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 4 else 0


@require_POST
@allowed_by(access.can_see_annual)
def part_edit(request: HttpRequest, year: int, unit_id: int, part: str) -> HttpResponse:
    submission = access.submission_for(request.user, year, unit_id)
    membership = access.require_annual(request.user)
    if part not in PARTS:
        messages.error(request, "报送内容不存在。")
        return redirect("annual:submission", year, unit_id)
    form: Any
    if part == "summary":
        form = SummaryForm(request.POST, prefix="summary")
    elif part == "plan":
        rows = _rows(request, "plan-rows")
        form = PlanForm(
            request.POST,
            rows=min(max(rows, 1), services.TASKS_MAX + EMPTY_ROWS),
            unit_choices=_units(submission.cycle.mechanism_id),
            prefix="plan",
        )
    else:
        rows = _rows(request, "topics-rows")
        form = TopicsForm(
            request.POST, rows=min(max(rows, 1), services.TOPICS_MAX + EMPTY_ROWS), prefix="topics"
        )
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _submission_page(request, submission, bound=(part, form), status=400)
    try:
        services.part_save(
            submission=submission,
            part=part,
            actor=membership,
            text=form.cleaned_data.get("text", ""),
            tasks=form.tasks() if part == "plan" else (),
            topics=form.topics() if part == "topics" else (),
            no_topics=bool(form.cleaned_data.get("no_topics")),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _submission_page(request, submission, bound=(part, form), status=400)
    messages.success(request, f"{PART_LABELS[part]}已保存为草稿。")
    return redirect(reverse("annual:submission", args=[year, unit_id]) + f"#part-{part}")


@require_POST
@allowed_by(access.can_see_annual)
def send(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    submission = access.submission_for(request.user, year, unit_id)
    membership = access.require_annual(request.user)
    try:
        parts = services.submission_send(
            submission=submission, actor=membership, now=timezone.now()
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        names = "、".join(PART_LABELS[p] for p in parts)
        if membership.role == Membership.Role.MEMBER:
            messages.success(request, f"已报送联席会议办公室：{names}。")
        else:
            messages.success(request, f"已提交联席会议成员审核：{names}。")
    return redirect("annual:submission", year, unit_id)


@require_POST
@allowed_by(access.can_see_annual)
def review(request: HttpRequest, year: int, unit_id: int, part: str) -> HttpResponse:
    submission = access.submission_for(request.user, year, unit_id)
    membership = access.require_secretariat(request.user)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("annual:submission", year, unit_id)
    confirm = form.cleaned_data["action"] == "confirm"
    run_action(
        request,
        lambda: services.part_review(
            submission=submission,
            part=part,
            confirm=confirm,
            note=form.cleaned_data["note"],
            actor=membership,
        ),
        f"{PART_LABELS.get(part, '')}已{'确认' if confirm else '退回修改，单位已收到退回意见'}。",
    )
    return redirect("annual:submission", year, unit_id)


@require_POST
@allowed_by(access.can_see_annual)
def plan_items(request: HttpRequest, year: int, unit_id: int) -> HttpResponse:
    submission = access.submission_for(request.user, year, unit_id)
    membership = access.require_secretariat(request.user)
    try:
        items = services.plan_to_action_items(
            submission=submission, actor=membership, today=timezone.localdate()
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已转为 {len(items)} 项督办事项（来源：年度工作计划）。")
    return redirect("annual:submission", year, unit_id)


# --- topics ------------------------------------------------------------------------------------


def _proposal_choices(groups: list[selectors.TopicGroup]) -> list[tuple[int, str]]:
    return [(p.pk, p.title) for g in groups for p in g.proposals]


@allowed_by(access.can_see_annual)
def topics_page(request: HttpRequest, year: int) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    cycle = access.cycle_for(request.user, year)
    groups = selectors.topic_groups(cycle)
    meetings = selectors.plenaries_open(membership.unit.mechanism_id)
    return render(
        request,
        "annual/topics.html",
        {
            "cycle": cycle,
            "groups": groups,
            "meetings": meetings,
            "proposed": TopicProposal.Status.PROPOSED,
            "watch": selectors.plenary_watch(membership.unit.mechanism, timezone.localdate()),
        },
    )


@require_POST
@allowed_by(access.can_see_annual)
def topics_accept_view(request: HttpRequest, year: int) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    cycle = access.cycle_for(request.user, year)
    groups = selectors.topic_groups(cycle)
    meetings = selectors.plenaries_open(membership.unit.mechanism_id)
    form = AcceptForm(
        request.POST,
        proposal_choices=_proposal_choices(groups),
        meeting_choices=[(m.pk, m.title) for m in meetings],
    )
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("annual:topics", year)
    meeting = next(m for m in meetings if m.pk == form.cleaned_data["meeting"])
    run_action(
        request,
        lambda: services.topics_accept(
            actor=membership,
            cycle=cycle,
            proposal_ids=form.cleaned_data["proposals"],
            meeting=meeting,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            now=timezone.now(),
        ),
        f"议题已列入“{meeting.title}”议程，提出单位为汇报单位。",
    )
    return redirect("annual:topics", year)


@require_POST
@allowed_by(access.can_see_annual)
def topics_decline_view(request: HttpRequest, year: int) -> HttpResponse:
    membership = access.require_secretariat(request.user)
    cycle = access.cycle_for(request.user, year)
    form = DeclineForm(
        request.POST, proposal_choices=_proposal_choices(selectors.topic_groups(cycle))
    )
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("annual:topics", year)
    run_action(
        request,
        lambda: services.topics_decline(
            actor=membership,
            cycle=cycle,
            proposal_ids=form.cleaned_data["proposals"],
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        ),
        "已告知提出单位未采纳的理由。",
    )
    return redirect("annual:topics", year)

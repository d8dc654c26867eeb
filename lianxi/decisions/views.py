"""Major-matter pages (四(四), 二(四)). Thin: access, one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxi.core.access import allowed_by
from lianxi.core.downloads import file_download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import add_service_error, form_errors, run_action, run_form_action
from lianxi.documents.access import visible_documents
from lianxi.documents.models import OfficialDocument
from lianxi.meetings.models import AgendaItem, Meeting
from lianxi.organization.access import require_membership
from lianxi.organization.models import Membership, Unit

from . import access, selectors
from .forms import (
    AdoptForm,
    DecisionForm,
    EscalateForm,
    GovernmentForm,
    MeetingOpinionForm,
    OpinionForm,
    RoundForm,
    WithdrawForm,
)
from .models import Decision, DecisionRound
from .services import (
    decision_adopt,
    decision_create,
    decision_escalate,
    decision_suggested_units,
    decision_withdraw,
    government_decision_record,
    opinion_answer,
    opinion_record_at_meeting,
    round_close,
    round_open,
)


def _units(mechanism_id: int) -> list[tuple[int, str]]:
    return list(
        Unit.objects.filter(mechanism_id=mechanism_id, kind=Unit.Kind.MEMBER, active=True)
        .order_by("order", "id")
        .values_list("pk", "name")
    )


def _draft_documents(user: Any) -> list[tuple[int, str]]:
    """The drafts the secretariat may attach as the proposal's text (a policy to be issued)."""
    drafts = visible_documents(user).filter(status=OfficialDocument.Status.DRAFT).order_by("-pk")
    return [(d.pk, d.title) for d in drafts[:200]]


def _agenda_choices(mechanism_id: int) -> list[tuple[Any, str]]:
    items = (
        AgendaItem.objects.filter(
            meeting__mechanism_id=mechanism_id,
            meeting__starts_at__date__gte=timezone.localdate(),
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting")
        .order_by("meeting__starts_at", "order")
    )
    return [
        (i.pk, f"{timezone.localtime(i.meeting.starts_at):%Y-%m-%d} {i.meeting.title} · {i.title}")
        for i in items
    ]


@allowed_by(access.can_list_decisions)
def decision_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Decision.Status.values:
        status = ""
    rows = []
    today = timezone.localdate()
    decisions = list(selectors.decision_list(request.user, status=status)[:500])
    for decision, (days, workdays) in zip(
        decisions, selectors.waited_all(decisions, today), strict=True
    ):
        rows.append({"decision": decision, "days": days, "workdays": workdays})
    counts = selectors.state_counts(request.user)
    states = [
        {"value": s, "label": Decision.Status(s).label, "count": counts[s]}
        for s in selectors.LIST_STATES
    ]
    return render(
        request,
        "decisions/list.html",
        {
            "rows": rows,
            "states": states,
            "status": status,
            "total": sum(counts.values()),
            "can_create": access.can_create(request.user),
        },
    )


TYPED_TEXT = ("title", "proposal", "background")


def _typed_text_ok(form: DecisionForm) -> bool:
    """Before suggesting units for typed words, those words pass the input policy (the form's
    other fields may still be empty)."""
    form.is_valid()
    return not any(name in form.errors for name in TYPED_TEXT)


@allowed_by(access.can_create)
def decision_new(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request.user)
    choices = _units(membership.unit.mechanism_id)
    documents = _draft_documents(request.user)
    suggestions: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST, unit_choices=choices, document_choices=documents)
        if "suggest" in request.POST and _typed_text_ok(form):
            text = f"{request.POST.get('title', '')}。{request.POST.get('proposal', '')}"
            suggestions = {
                s.unit.pk: s.reason
                for s in decision_suggested_units(
                    mechanism_id=membership.unit.mechanism_id, text=text
                )
            }
            typed = {
                k: request.POST.get(k, "")
                for k in ("title", "proposal", "background", "proposing_unit", "proposal_document")
            }
            form = DecisionForm(
                initial=typed | {"concerned_units": list(suggestions)},
                unit_choices=choices,
                document_choices=documents,
            )  # fmt: skip
            if not suggestions:
                messages.info(request, "未能从职责中找到相关单位，请直接勾选。")
        elif "suggest" in request.POST:
            for name in [n for n in form.errors if n not in TYPED_TEXT]:
                del form.errors[name]
            messages.error(request, form_errors(form))
            status = 400
        elif not form.is_valid():
            messages.error(request, form_errors(form))
            status = 400
        else:
            try:
                decision = decision_create(
                    actor=membership,
                    title=form.cleaned_data["title"],
                    proposal=form.cleaned_data["proposal"],
                    background=form.cleaned_data["background"],
                    proposing_unit_id=form.cleaned_data["proposing_unit"],
                    concerned_unit_ids=form.cleaned_data["concerned_units"],
                    proposal_document_id=form.cleaned_data["proposal_document"],
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
                messages.error(request, exc.message)
                status = 400
            else:
                messages.success(request, "重大事项已登记，请发起征求意见。")
                return redirect("decisions:detail", decision.pk)
    else:
        form = DecisionForm(unit_choices=choices, document_choices=documents)
    return render(
        request,
        "decisions/new.html",
        {"form": form, "suggestions": suggestions},
        status=status,
    )


@allowed_by(access.can_list_decisions)
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.decision_for(request.user, pk)
    view = access.sight(request.user)
    rounds = selectors.rounds_for(view, decision)
    last = rounds[-1] if rounds else None
    open_round = last if last and last.round.status == DecisionRound.Status.OPEN else None
    context: dict[str, Any] = {
        "decision": decision,
        "view": view,
        "rounds": rounds,
        "open_round": open_round,
        "resolutions": selectors.resolutions_of(decision),
        "concerned": list(decision.concerned_units.all()),
        "days": selectors.waited(decision),
    }
    own = None
    if last is not None and not view.secretariat:
        own = next((r.opinion for r in last.rows if r.opinion.unit_id == view.unit_id), None)
    context["own_opinion"] = own
    context["may_answer"] = own is not None and access.may_answer(request.user, own)
    if view.secretariat:
        units = _units(decision.mechanism_id)
        active = decision.status in (Decision.Status.DRAFT, Decision.Status.CONSULTING)
        if active and open_round is None:
            context["round_form"] = RoundForm(
                initial={
                    "method": Decision.Method.WRITING,
                    "units": [u.pk for u in context["concerned"]],
                    "deadline_workdays": 5,
                    "proposal": decision.proposal,
                },
                unit_choices=units,
                agenda_choices=_agenda_choices(decision.mechanism_id),
            )
        if open_round is not None and open_round.round.method == Decision.Method.MEETING:
            context["meeting_form"] = MeetingOpinionForm(auto_id=False)  # one per row: no ids
        closed = decision.status == Decision.Status.CONSULTING and last and open_round is None
        if closed and last is not None and last.agreed:
            context["adopt_form"] = AdoptForm(unit_choices=units)
        elif closed:
            context["escalate_form"] = EscalateForm(
                unit_choices=units, initial={"co_signers": [decision.proposing_unit_id]}
            )
        if decision.status not in (Decision.Status.ADOPTED, Decision.Status.DECIDED,
                                   Decision.Status.WITHDRAWN):  # fmt: skip
            context["withdraw_form"] = WithdrawForm()
    if access.may_record_government(view, decision):
        document = decision.request_document
        if document is not None and document.status == document.Status.ISSUED:
            context["government_form"] = GovernmentForm(
                unit_choices=_units(decision.mechanism_id),
                options=decision.options,
                initial={"decided_on": timezone.localdate()},
            )
    return render(request, "decisions/detail.html", context)


def _run_by_secretariat(request: HttpRequest, pk: int) -> tuple[Decision, Membership]:
    """The matter (404 if unseen) and the secretariat's membership (403 for anyone else)."""
    decision = access.decision_for(request.user, pk)
    return decision, access.require_secretariat(request.user, decision)


def _back(pk: int, anchor: str = "") -> HttpResponse:
    response = redirect("decisions:detail", pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@require_POST
@allowed_by(access.can_list_decisions)
def round_new(request: HttpRequest, pk: int) -> HttpResponse:
    decision, membership = _run_by_secretariat(request, pk)
    form = RoundForm(
        request.POST,
        unit_choices=_units(decision.mechanism_id),
        agenda_choices=_agenda_choices(decision.mechanism_id),
    )
    run_form_action(
        request,
        form,
        lambda: round_open(
            actor=membership,
            decision=decision,
            method=form.cleaned_data["method"],
            unit_ids=form.cleaned_data["units"],
            deadline_workdays=form.cleaned_data["deadline_workdays"],
            agenda_item_id=form.cleaned_data["agenda_item"],
            proposal=form.cleaned_data["proposal"],
            revision_note=form.cleaned_data["revision_note"],
        ),
        "已发出征求意见。",
    )
    return _back(decision.pk, "rounds")


@require_POST
@allowed_by(access.can_list_decisions)
def round_end(request: HttpRequest, pk: int) -> HttpResponse:
    decision, membership = _run_by_secretariat(request, pk)
    run_action(
        request, lambda: round_close(actor=membership, decision=decision), "本轮征求意见已结束。"
    )
    return _back(decision.pk, "rounds")


@allowed_by(access.can_list_decisions)
def opinion_page(request: HttpRequest, pk: int) -> HttpResponse:
    """四(四): a concerned unit's answer: the liaison drafts, the member (or, on leave, the
    named substitute) gives it."""
    opinion = access.opinion_for(request.user, pk)
    membership = require_membership(request.user)
    if membership.unit_id != opinion.unit_id:
        raise PermissionDenied("只能答复本单位的意见。")
    decision = opinion.round.decision
    editable = access.may_answer(request.user, opinion)
    status = 200
    if request.method == "POST":
        form = OpinionForm(request.POST)
        if not editable:
            messages.error(request, "本轮征求意见已结束或本单位已答复，不能再修改。")
            return redirect("decisions:opinion", opinion.pk)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                opinion_answer(
                    actor=membership,
                    opinion=opinion,
                    stance=form.cleaned_data["stance"],
                    text=form.cleaned_data["text"],
                    submit=submit,
                    substitute_name=form.cleaned_data["substitute_name"],
                    substitute_title=form.cleaned_data["substitute_title"],
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
                messages.error(request, exc.message)
                status = 400
            else:
                messages.success(request, "意见已答复。" if submit else "意见草稿已保存。")
                return redirect("decisions:detail", decision.pk)
        else:
            messages.error(request, form_errors(form))
            status = 400
    else:
        form = OpinionForm(
            initial={
                "stance": opinion.stance,
                "text": opinion.text,
                "substitute_name": opinion.substitute_name,
                "substitute_title": opinion.substitute_title,
            }
        )
    return render(
        request,
        "decisions/opinion.html",
        {
            "opinion": opinion,
            "round": opinion.round,
            "decision": decision,
            "form": form,
            "editable": editable,
            "is_member": membership.role == membership.Role.MEMBER,
        },
        status=status,
    )


@require_POST
@allowed_by(access.can_list_decisions)
def opinion_at_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = access.opinion_for(request.user, pk)
    decision = opinion.round.decision
    membership = access.require_secretariat(request.user, decision)
    form = MeetingOpinionForm(request.POST)
    run_form_action(
        request,
        form,
        lambda: opinion_record_at_meeting(
            actor=membership,
            opinion=opinion,
            stance=form.cleaned_data["stance"],
            text=form.cleaned_data["text"],
        ),
        f"已记录{opinion.unit.name}的会上表态。",
    )
    return _back(decision.pk, "rounds")


def _with_rows(request: HttpRequest, form: Any, action: Any, success: str) -> bool:
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return False
    try:
        rows = form.resolutions()
    except ValidationError as exc:  # a row without its lead unit
        messages.error(request, "；".join(exc.messages))
        return False
    return run_action(request, lambda: action(rows), success)


@require_POST
@allowed_by(access.can_list_decisions)
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    decision, membership = _run_by_secretariat(request, pk)
    form = AdoptForm(request.POST, unit_choices=_units(decision.mechanism_id))
    _with_rows(
        request,
        form,
        lambda rows: decision_adopt(
            actor=membership,
            decision=decision,
            resolutions=rows,
            amendments_taken=form.cleaned_data["amendments_taken"],
        ),
        "事项已通过，决定事项已列入督办。",
    )
    return _back(decision.pk)


@require_POST
@allowed_by(access.can_list_decisions)
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    decision, membership = _run_by_secretariat(request, pk)
    form = EscalateForm(request.POST, unit_choices=_units(decision.mechanism_id))
    ok = run_form_action(
        request,
        form,
        lambda: decision_escalate(
            actor=membership,
            decision=decision,
            disagreement=form.cleaned_data["disagreement"],
            options=form.option_list(),
            recommendation=form.cleaned_data["recommendation"],
            co_signing_unit_ids=form.cleaned_data["co_signers"],
        ),
        "请示已起草，请在公文中修改、会签并印发报送市政府。",
    )
    if ok:
        decision.refresh_from_db()
        return redirect("documents:detail", decision.request_document_id)
    return _back(decision.pk)


@require_POST
@allowed_by(access.can_list_decisions)
def government(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.decision_for(request.user, pk)
    view = access.sight(request.user)
    if not access.may_record_government(view, decision):
        raise PermissionDenied("只有市政府办公室或联席会议办公室可以登记市政府的决定。")
    form = GovernmentForm(
        request.POST,
        request.FILES,
        unit_choices=_units(decision.mechanism_id),
        options=decision.options,
    )
    _with_rows(
        request,
        form,
        lambda rows: government_decision_record(
            actor=view.membership,
            decision=decision,
            option=form.cleaned_data["option"],
            text=form.cleaned_data["text"],
            decided_on=form.cleaned_data["decided_on"],
            resolutions=rows,
            scan=form.cleaned_data["scan"],
        ),
        "市政府的决定已登记，决定事项已列入督办。",
    )
    return _back(decision.pk)


@require_POST
@allowed_by(access.can_list_decisions)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    decision, membership = _run_by_secretariat(request, pk)
    form = WithdrawForm(request.POST)
    run_form_action(
        request,
        form,
        lambda: decision_withdraw(
            actor=membership, decision=decision, reason=form.cleaned_data["reason"]
        ),
        "事项已撤回。",
    )
    return _back(decision.pk)


@login_required
def government_scan(request: HttpRequest, pk: int) -> HttpResponseBase:
    decision = access.decision_for(request.user, pk)
    if not decision.government_scan:
        raise Http404(access.DECISION_NOT_FOUND)
    try:
        return file_download_response(
            decision.government_scan,
            filename=decision.government_scan_name or "市政府批复",
            actor=request.user,
            target=decision,
        )
    except FileNotFoundError as exc:
        raise Http404(access.DECISION_NOT_FOUND) from exc

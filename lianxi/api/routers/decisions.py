"""Major matters (四(四), 二(四)): a matter put to the units concerned in rounds, their answers,
its adoption or the 请示 to the city government and its decision, a face over lianxi.decisions.

Same access as the pages (lianxi.decisions.access): a matter the caller may not see is 404
(whether or not it exists), an action on one the caller sees but may not take is 403; the rules'
refusals (ApplicationError) are 400. A unit reads another unit's answer only once the round has
closed: before that, the row says the unit and its status, never its stance or reasons.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status

from lianxi.decisions import access, selectors, services
from lianxi.decisions.models import Decision, DecisionResolution, DecisionRound, Opinion
from lianxi.decisions.selectors import OpinionRow, RoundView
from lianxi.documents.models import OfficialDocument
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership, Unit

from ..auth import token_auth
from ..contract import PathId
from ..errors import FORBIDDEN, NotFound
from ..schemas import ErrorOut
from ..schemas_decisions import (
    AdoptIn,
    DecisionCreateIn,
    DecisionDetailOut,
    DecisionOpinionIn,
    DecisionOut,
    DecisionPageOut,
    DecisionResolutionIn,
    DecisionResolutionOut,
    DecisionRoundOut,
    DecisionStatus,
    EscalatedOut,
    EscalateIn,
    GovernmentDecisionIn,
    GovernmentDecisionOut,
    OpinionAnswerOut,
    OpinionOut,
    RequestDocumentOut,
    RoundCountsOut,
    RoundIn,
)
from ..schemas_meetings import UnitRef
from .documents import code_of

router = Router(tags=["重大事项"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 422: ErrorOut, **READ_ERRORS}
MAX_PAGE_SIZE = 200
NOT_ASKED = "本轮没有征求贵单位的意见。"
UNIT_ONLY = "只有被征求意见单位的联席会议成员或联络员可以答复。"
GOVERNMENT_ONLY = "只有市政府办公室或联席会议办公室可以登记市政府的决定。"


# --- access, through lianxi.decisions.access ----------------------------------------------------


def _decision(request: HttpRequest, pk: int) -> Decision:
    try:
        return access.decision_for(request.user, pk)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


def _secretariat(request: HttpRequest, decision: Decision) -> Membership:
    """The secretariat runs the matter (403 for everyone else who sees it)."""
    return access.require_secretariat(request.user, decision)


# --- building the answers -------------------------------------------------------------------------


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.pk, name=unit.name)


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _person(user: Any) -> str:
    return "" if user is None else str(user.first_name or user.get_username())


def _fields(
    request: HttpRequest,
    decision: Decision,
    round_count: int,
    waited: tuple[int, int] | None = None,
) -> dict[str, Any]:
    days, workdays = waited or selectors.waited(decision, timezone.localdate())
    return {
        "id": decision.pk,
        "title": decision.title,
        "status": decision.status,
        "status_display": decision.get_status_display(),
        "status_since": decision.status_since,
        "waited_days": days,
        "waited_workdays": workdays,
        "proposing_unit": _ref(decision.proposing_unit),
        "round_count": round_count,
        "url": _absolute(request, "api:decision_detail", decision.pk),
        "page_url": _absolute(request, "decisions:detail", decision.pk),
    }


def _opinion(row: OpinionRow) -> OpinionOut:
    """A unit's row: its answer only where the caller may read it (四(四))."""
    opinion = row.opinion
    answer = None
    if row.shown:
        answer = OpinionAnswerOut(
            stance=opinion.stance,
            stance_display=opinion.get_stance_display() if opinion.stance else "",
            text=opinion.text,
            answered_as=opinion.answered_as,
            answered_as_display=opinion.get_answered_as_display() if opinion.answered_as else "",
            submitted_by=_person(opinion.submitted_by),
            substitute_name=opinion.substitute_name,
            substitute_title=opinion.substitute_title,
            submitted_at=opinion.submitted_at,
            amendments_taken=opinion.amendments_taken,
        )
    return OpinionOut(
        id=opinion.pk,
        unit=_ref(opinion.unit),
        status=opinion.status,
        status_display=opinion.get_status_display(),
        overdue=opinion.overdue,
        shown=row.shown,
        answer=answer,
    )


def _round(view: access.DecisionSight, seen: RoundView) -> DecisionRoundOut:
    round_ = seen.round
    closed = round_.status == DecisionRound.Status.CLOSED
    item = round_.agenda_item
    return DecisionRoundOut(
        id=round_.pk,
        number=round_.number,
        method=round_.method,
        method_display=round_.get_method_display(),
        proposal=round_.proposal,
        revision_note=round_.revision_note,
        agenda_item_id=item.pk if item else None,
        agenda_item_title=item.title if item else "",
        meeting_id=item.meeting_id if item else None,
        meeting_title=item.meeting.title if item else "",
        deadline=round_.deadline,
        status=round_.status,
        status_display=round_.get_status_display(),
        opened_at=round_.opened_at,
        closed_at=round_.closed_at,
        # The page's rule: how many answered, and how, is the secretariat's until the round ends.
        counts=RoundCountsOut(**seen.counts) if view.secretariat or closed else None,
        agreed=seen.agreed if closed else None,
        opinions=[_opinion(r) for r in seen.rows],
    )


def _request_document(request: HttpRequest, document: OfficialDocument) -> RequestDocumentOut:
    return RequestDocumentOut(
        id=document.pk,
        title=document.title,
        status=document.status,
        status_display=document.get_status_display(),
        document_number=document.document_number,
        url=_absolute(request, "api:document_detail", document.pk),
        page_url=_absolute(request, "documents:detail", document.pk),
    )


def _resolution(request: HttpRequest, resolution: DecisionResolution) -> DecisionResolutionOut:
    return DecisionResolutionOut(
        number=resolution.number,
        text=resolution.text,
        lead_unit=_ref(resolution.lead_unit),
        supporting_units=[_ref(u) for u in resolution.supporting_units.all()],
        deadline=resolution.deadline,
        action_item_id=resolution.action_item_id,
        action_item_url=_absolute(request, "api:action_item_detail", resolution.action_item_id),
    )


def _rounds(request: HttpRequest, decision: Decision) -> tuple[access.DecisionSight, list[Any]]:
    view = access.sight(request.user)
    return view, selectors.rounds_for(view, decision)


def _detail(request: HttpRequest, decision: Decision) -> DecisionDetailOut:
    """四(四): the matter as the caller may see it, as on its page."""
    view, rounds = _rounds(request, decision)
    last = rounds[-1] if rounds else None
    own = None
    if last is not None and not view.secretariat:
        own = next((r.opinion for r in last.rows if r.opinion.unit_id == view.unit_id), None)
    document = decision.request_document
    government = None
    if decision.status == Decision.Status.DECIDED:
        government = GovernmentDecisionOut(
            option=decision.government_option,
            text=decision.government_text,
            decided_on=decision.government_decided_on,
            has_scan=bool(decision.government_scan),
        )
    return DecisionDetailOut(
        **_fields(request, decision, len(rounds)),
        proposal=decision.proposal,
        proposal_document_id=decision.proposal_document_id,
        background=decision.background,
        concerned_units=[_ref(u) for u in decision.concerned_units.order_by("order", "id")],
        withdrawn_reason=decision.withdrawn_reason,
        can_answer=own is not None and access.may_answer(request.user, own),
        rounds=[_round(view, r) for r in rounds],
        request_document=_request_document(request, document) if document else None,
        disagreement=decision.disagreement if view.secretariat or view.government else "",
        options=list(decision.options or []),
        recommendation=decision.recommendation,
        government=government,
        resolutions=[_resolution(request, r) for r in selectors.resolutions_of(decision)],
    )


def _reloaded(request: HttpRequest, pk: int) -> DecisionDetailOut:
    return _detail(request, _decision(request, pk))


def _round_out(request: HttpRequest, pk: int, number: int) -> DecisionRoundOut:
    decision = _decision(request, pk)
    view, rounds = _rounds(request, decision)
    return _round(view, next(r for r in rounds if r.round.number == number))


def _resolutions(rows: list[DecisionResolutionIn]) -> list[services.ResolutionInput]:
    return [
        services.ResolutionInput(
            text=r.text,
            lead_unit_id=r.lead_unit_id,
            supporting_unit_ids=tuple(r.supporting_unit_ids),
            deadline_workdays=r.deadline_workdays,
            deadline=r.deadline,
        )
        for r in rows
    ]


# --- reading ------------------------------------------------------------------------------------


@router.get(
    "/decisions",
    response={200: DecisionPageOut, 400: ErrorOut, 422: ErrorOut, **READ_ERRORS},
    url_name="decision_list",
    summary="重大事项：调用者可见的事项及其状态、已等待的天数，等得最久的在前，分页",
)
def decision_list(
    request: HttpRequest,
    status: DecisionStatus | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> DecisionPageOut:
    """四(四)：联席会议办公室看到本联席会议的全部事项；提出单位和被征求意见的单位在事项发出
    征求意见后看到它，承担决定事项的单位也看到它；市政府办公室看到已报送的请示所涉事项。"""
    if not access.can_list_decisions(request.user):
        raise PermissionDenied(FORBIDDEN)
    decisions = selectors.decision_list(request.user, status=status or "")
    paginator = Paginator(decisions, page_size)
    current = paginator.get_page(page)
    return DecisionPageOut(
        count=paginator.count,
        page=current.number,
        pages=paginator.num_pages,
        page_size=page_size,
        state_counts=selectors.state_counts(request.user),
        items=[
            DecisionOut(**_fields(request, d, d.round_count, w))  # type: ignore[attr-defined]
            for d, w in zip(
                current.object_list, selectors.waited_all(list(current.object_list)), strict=True
            )
        ],
    )


@router.get(
    "/decisions/{decision_id}",
    response={200: DecisionDetailOut, **READ_ERRORS},
    url_name="decision_detail",
    summary="重大事项详情：各轮征求意见和调用者可见的各单位意见、请示、决定事项",
)
def decision_detail(request: HttpRequest, decision_id: PathId) -> DecisionDetailOut:
    """四(四)：本轮结束前，被征求意见的单位只看到本单位的意见，其他单位的意见本轮结束后才可见；
    联席会议办公室看到已答复的意见，看不到各单位的草稿。"""
    return _reloaded(request, decision_id)


# --- the secretariat runs the matter --------------------------------------------------------------


@router.post(
    "/decisions",
    response={201: DecisionDetailOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="decision_create",
    summary="提请重大事项（联席会议办公室）：提出单位和相关成员单位",
)
def decision_create(request: HttpRequest, data: DecisionCreateIn) -> Status[DecisionDetailOut]:
    """四(四)：联席会议办公室登记重大事项；二(四)：相关成员单位为职责涉及的单位（页面上由职责
    匹配提出，办公室确认）。登记后发起征求意见（POST /decisions/{id}/rounds）。"""
    membership = membership_of(request.user)
    if membership is None or not access.can_create(request.user):
        raise PermissionDenied("只有联席会议办公室可以提请重大事项。")
    decision = services.decision_create(
        actor=membership,
        title=data.title,
        proposal=data.proposal,
        background=data.background,
        proposing_unit_id=data.proposing_unit_id,
        concerned_unit_ids=data.concerned_unit_ids,
        proposal_document_id=data.proposal_document_id,
    )
    return Status(201, _reloaded(request, decision.pk))


@router.post(
    "/decisions/{decision_id}/rounds",
    response={201: DecisionRoundOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="decision_round_open",
    summary="发起一轮征求意见（联席会议办公室）：书面限期答复，或列入会议议题审议",
)
def round_open(
    request: HttpRequest, decision_id: PathId, data: RoundIn
) -> Status[DecisionRoundOut]:
    """四(四)：书面征求意见的，限期（工作日）由各单位联席会议成员答复；会议审议的，在所选议题
    中表态。一次一轮；有单位不同意的，修改提请事项（写明修改说明）后再征求意见，之前各轮保留。"""
    decision = _decision(request, decision_id)
    membership = _secretariat(request, decision)
    round_ = services.round_open(
        actor=membership,
        decision=decision,
        method=code_of(Decision.Method, data.method),
        unit_ids=data.unit_ids,
        deadline_workdays=data.deadline_workdays,
        agenda_item_id=data.agenda_item_id,
        proposal=data.proposal,
        revision_note=data.revision_note,
    )
    return Status(201, _round_out(request, decision.pk, round_.number))


@router.post(
    "/decisions/{decision_id}/close-round",
    response={200: DecisionRoundOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="decision_round_close",
    summary="结束本轮征求意见（联席会议办公室）：未答复的记为逾期未答复",
)
def round_close(request: HttpRequest, decision_id: PathId) -> DecisionRoundOut:
    """四(四)：书面征求意见在截止日之后结束（各单位均已答复的可提前结束）；未答复的记为逾期
    未答复，不视为同意。结束后，各被征求意见单位可以看到彼此的意见。"""
    decision = _decision(request, decision_id)
    round_ = services.round_close(actor=_secretariat(request, decision), decision=decision)
    return _round_out(request, decision.pk, round_.number)


@router.post(
    "/decisions/{decision_id}/adopt",
    response={200: DecisionDetailOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="decision_adopt",
    summary="通过事项（联席会议办公室）：各单位一致同意的，决定事项列入督办",
)
def decision_adopt(request: HttpRequest, decision_id: PathId, data: AdoptIn) -> DecisionDetailOut:
    """四(四)：最近一轮各相关单位均同意或原则同意（修改意见视为已采纳）的，联席会议通过；
    有单位原则同意的，须确认其修改意见已采纳（amendments_taken）；四(二)：每项决定事项同时成为
    督办事项。有单位不同意或逾期未答复的不能通过（400）。"""
    decision = _decision(request, decision_id)
    services.decision_adopt(
        actor=_secretariat(request, decision),
        decision=decision,
        resolutions=_resolutions(data.resolutions),
        amendments_taken=data.amendments_taken,
    )
    return _reloaded(request, decision.pk)


@router.post(
    "/decisions/{decision_id}/escalate",
    response={201: EscalatedOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="decision_escalate",
    summary="提请市政府决定（联席会议办公室）：据征求意见记录起草请示",
)
def decision_escalate(
    request: HttpRequest, decision_id: PathId, data: EscalateIn
) -> Status[EscalatedOut]:
    """四(四)：未能达成一致的，将有关情况和各单位的不同意见及理由报请市政府决定：起草主送
    市政府办公室的请示（列明分歧焦点、可选方案、办公室意见），在公文接口中修改、会签、印发。"""
    decision = _decision(request, decision_id)
    document = services.decision_escalate(
        actor=_secretariat(request, decision),
        decision=decision,
        disagreement=data.disagreement,
        options=data.options,
        recommendation=data.recommendation,
        co_signing_unit_ids=data.co_signing_unit_ids,
    )
    decision.refresh_from_db()
    return Status(
        201,
        EscalatedOut(
            decision_id=decision.pk,
            status=decision.status,
            status_display=decision.get_status_display(),
            document_id=document.pk,
            document=_request_document(request, document),
        ),
    )


@router.post(
    "/decisions/{decision_id}/government-decision",
    response={200: DecisionDetailOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="decision_government",
    summary="登记市政府的决定（市政府办公室）：决定事项列入督办",
)
def government_decision(
    request: HttpRequest, decision_id: PathId, data: GovernmentDecisionIn
) -> DecisionDetailOut:
    """四(四)：请示印发报送市政府后，市政府办公室登记市政府的决定，与联席会议通过的事项一样
    约束各单位：决定事项列入督办。联席会议办公室代为登记纸质批复的，须上传批复扫描件，
    请在页面上办理（本接口不收文件，400）。"""
    decision = _decision(request, decision_id)
    view = access.sight(request.user)
    if not (view.secretariat or view.government):
        raise PermissionDenied(GOVERNMENT_ONLY)
    services.government_decision_record(
        actor=view.membership,
        decision=decision,
        option=data.option,
        text=data.text,
        decided_on=data.decided_on,
        resolutions=_resolutions(data.resolutions),
        scan=None,
    )
    return _reloaded(request, decision.pk)


# --- the units answer -----------------------------------------------------------------------------


@router.post(
    "/decisions/{decision_id}/opinions",
    response={200: OpinionOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="decision_opinion",
    summary="答复本轮征求意见（被征求意见单位）：同意 / 原则同意（附修改意见）/ 不同意（写明理由）",
)
def opinion_answer(
    request: HttpRequest, decision_id: PathId, data: DecisionOpinionIn
) -> OpinionOut:
    """四(四)：联络员起草本单位意见（submit=false，再次提交即替换草稿）；联席会议成员审定后
    答复（submit=true）；成员请假的，联络员填写受委托负责同志的姓名和职务后代为答复。答复后
    不能修改。本轮没有征求调用者所在单位意见的，404。"""
    decision = _decision(request, decision_id)
    membership = membership_of(request.user)
    if membership is None or membership.role not in access.UNIT_ROLES:
        raise PermissionDenied(UNIT_ONLY)
    latest = decision.rounds.order_by("-number").first()
    opinion = (
        access.own_opinions(request.user)
        .filter(round=latest)
        .select_related("round__decision", "unit")
        .first()
        if latest is not None
        else None
    )
    if opinion is None:
        raise NotFound(NOT_ASKED)
    opinion = services.opinion_answer(
        actor=membership,
        opinion=opinion,
        stance=code_of(Opinion.Stance, data.stance),
        text=data.text,
        submit=data.submit,
        substitute_name=data.substitute_name,
        substitute_title=data.substitute_title,
    )
    opinion = Opinion.objects.select_related("unit", "submitted_by", "round").get(pk=opinion.pk)
    view = access.sight(request.user)
    return _opinion(OpinionRow(opinion, access.shows_answer(view, opinion, opinion.round)))

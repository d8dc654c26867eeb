"""The annual cycle (四(三)): each member unit sends the health commission, by the rules' deadline,
last year's work summary, this year's key work plan and its proposed topics; a face over
lianxi.annual.

Same access as the pages (lianxi.annual.access): a cycle or a submission the caller may not see
is 404 (whether or not it exists), an action on one the caller sees but may not take is 403; the
rules' refusals (ApplicationError) are 400. A unit sees only its own submission, drafts included;
the secretariat sees every unit's state, and the content of a part only once the unit sent it.
"""

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Router

from lianxi.annual import access, selectors, services
from lianxi.annual.models import (
    EDITABLE_STATES,
    PART_LABELS,
    AnnualCycle,
    AnnualSubmission,
    PartStatus,
    TopicProposal,
)
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership, Unit

from ..auth import token_auth
from ..contract import PathId
from ..errors import NotFound
from ..schemas import ErrorOut
from ..schemas_annual import (
    AnnualBoardCellOut,
    AnnualBoardOut,
    AnnualBoardRowOut,
    AnnualCycleOut,
    AnnualPartIn,
    AnnualPlanOut,
    AnnualProposalOut,
    AnnualReviewAction,
    AnnualReviewIn,
    AnnualSentOut,
    AnnualSubmissionOut,
    AnnualSummaryOut,
    AnnualTaskOut,
    AnnualTopicGroupOut,
    AnnualTopicOut,
    AnnualTopicsGroupedOut,
    AnnualTopicsOut,
    PartChoice,
)
from ..schemas_meetings import UnitRef
from .documents import code_of

router = Router(tags=["年度报送"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 422: ErrorOut, **READ_ERRORS}
Year = Annotated[int, Path(ge=2000, le=2100, description="年度（本年度重点工作计划的年度）")]
PartPath = Annotated[PartChoice, Path(description="summary 工作总结 / plan 工作计划 / topics 议题")]
UNIT_ONLY = "只有本单位的联络员或联席会议成员可以起草、报送本单位的年度材料。"
SECRETARIAT_ONLY = "只有联席会议办公室可以审核年度材料。"
# The fields of each part's body: any other field sent is refused, not dropped.
PART_FIELDS = {"summary": {"text"}, "plan": {"text", "tasks"}, "topics": {"topics", "no_topics"}}


# --- access, through lianxi.annual.access -------------------------------------------------------


def _cycle(request: HttpRequest, year: int) -> AnnualCycle:
    try:
        return access.cycle_for(request.user, year)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


def _secretariat_cycle(request: HttpRequest, year: int) -> AnnualCycle:
    """The board and the topics are the secretariat's (403 for the units, who see the cycle)."""
    cycle = _cycle(request, year)
    access.require_secretariat(request.user)
    return cycle


def _submission(request: HttpRequest, year: int, unit_id: int) -> AnnualSubmission:
    try:
        return access.submission_for(request.user, year, unit_id)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


def _drafter(request: HttpRequest, submission: AnnualSubmission) -> Membership:
    membership = membership_of(request.user)
    if membership is None or not access.may_draft(membership, submission):
        raise PermissionDenied(UNIT_ONLY)
    return membership


def _reviewer(request: HttpRequest, submission: AnnualSubmission) -> Membership:
    membership = membership_of(request.user)
    if membership is None or not access.may_review(membership, submission):
        raise PermissionDenied(SECRETARIAT_ONLY)
    return membership


# --- building the answers -------------------------------------------------------------------------


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.pk, name=unit.name)


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _cycle_out(cycle: AnnualCycle) -> AnnualCycleOut:
    return AnnualCycleOut(
        year=cycle.year,
        summary_year=cycle.summary_year,
        opens_on=cycle.opens_on,
        deadline=cycle.deadline,
        rule_deadline=cycle.rule_deadline,
        deadline_source=cycle.deadline_source,
    )


def _state(
    submission: AnnualSubmission, part: str, membership: Membership | None, readable: set[str]
) -> dict[str, Any]:
    status = submission.status_of(part)
    return {
        "part": part,
        "part_display": PART_LABELS[part],
        "status": status,
        "status_display": PartStatus(status).label,
        "note": getattr(submission, f"{part}_note"),
        "sent_at": getattr(submission, f"{part}_sent_at"),
        "readable": part in readable,
        "editable": access.may_draft(membership, submission) and status in EDITABLE_STATES,
        "reviewable": access.may_review(membership, submission) and status == PartStatus.SENT,
    }


def _topic(topic: TopicProposal) -> AnnualTopicOut:
    return AnnualTopicOut(
        id=topic.pk,
        order=topic.order,
        title=topic.title,
        description=topic.description,
        status=topic.status,
        status_display=topic.get_status_display(),
        decline_reason=topic.decline_reason,
        agenda_item_id=topic.agenda_item_id,
    )


def _submission_out(request: HttpRequest, submission: AnnualSubmission) -> AnnualSubmissionOut:
    """四(三): the submission as the caller may see it: every part's state; the content of the
    parts it may read (access.readable_parts), of the others nothing."""
    membership = membership_of(request.user)
    readable = access.readable_parts(membership, submission)
    cycle = submission.cycle
    summary = AnnualSummaryOut(
        **_state(submission, "summary", membership, readable),
        text=submission.summary if "summary" in readable else None,
    )
    plan = AnnualPlanOut(**_state(submission, "plan", membership, readable), text=None, tasks=None)
    if "plan" in readable:
        plan.text = submission.plan
        plan.tasks = [
            AnnualTaskOut(
                order=t.order,
                title=t.title,
                lead_unit=_ref(t.lead_unit),
                expected_on=t.expected_on,
                action_item_id=t.action_item_id,
            )
            for t in submission.tasks.select_related("lead_unit").order_by("order", "id")
        ]
    topics = AnnualTopicsOut(
        **_state(submission, "topics", membership, readable), no_topics=None, topics=None
    )
    if "topics" in readable:
        topics.no_topics = submission.no_topics
        topics.topics = [_topic(t) for t in submission.topics.order_by("order", "id")]
    args = (cycle.year, submission.unit_id)
    return AnnualSubmissionOut(
        cycle=_cycle_out(cycle),
        unit=_ref(submission.unit),
        summary=summary,
        plan=plan,
        topics=topics,
        complete=submission.completed_at is not None,
        completed_at=submission.completed_at,
        late_workdays=selectors.late_workdays(submission, cycle, timezone.localdate()),
        can_send=access.may_draft(membership, submission),
        url=_absolute(request, "api:annual_submission", *args),
        page_url=_absolute(request, "annual:submission", *args),
    )


def _reloaded(request: HttpRequest, submission: AnnualSubmission) -> AnnualSubmissionOut:
    return _submission_out(request, _submission(request, submission.cycle.year, submission.unit_id))


def _proposal(topic: TopicProposal) -> AnnualProposalOut:
    item = topic.agenda_item
    return AnnualProposalOut(
        id=topic.pk,
        title=topic.title,
        description=topic.description,
        unit=_ref(topic.submission.unit),
        status=topic.status,
        status_display=topic.get_status_display(),
        decline_reason=topic.decline_reason,
        agenda_item_id=item.pk if item else None,
        agenda_item_title=item.title if item else "",
        meeting_id=item.meeting_id if item else None,
    )


def _only_fields_of(part: str, data: AnnualPartIn) -> None:
    """A field of another part is refused rather than dropped (the sender would think it kept)."""
    foreign = sorted(data.model_fields_set - PART_FIELDS[part])
    if foreign:
        raise ApplicationError(
            f"{PART_LABELS[part]}不含 {'、'.join(foreign)}，"
            f"请只填写：{'、'.join(sorted(PART_FIELDS[part]))}。",
            field=foreign[0],
        )


# --- reading ------------------------------------------------------------------------------------


@router.get(
    "/annual/{year}/board",
    response={200: AnnualBoardOut, **READ_ERRORS},
    url_name="annual_board",
    summary="年度报送情况（联席会议办公室）：各成员单位总结、计划、议题的状态，是否报齐，逾期天数",
)
def annual_board(request: HttpRequest, year: Year) -> AnnualBoardOut:
    """四(三)：联席会议办公室看到每个成员单位每一部分的状态（未开始、草稿、待成员审核、已报送、
    退回、已确认）和退回意见、报送齐全的时间、逾期的工作日数，看不到未报送部分的内容。成员单位
    403；其他联席会议，或该年度未启动，404。"""
    cycle = _secretariat_cycle(request, year)
    board = selectors.board(cycle, timezone.localdate())
    return AnnualBoardOut(
        cycle=_cycle_out(cycle),
        counts=board.counts,
        complete=board.complete,
        late=board.late,
        rows=[
            AnnualBoardRowOut(
                unit=_ref(row.submission.unit),
                parts=[
                    AnnualBoardCellOut(
                        part=c.part,
                        part_display=PART_LABELS[c.part],
                        status=c.status,
                        status_display=c.label,
                        note=c.note,
                    )
                    for c in row.cells
                ],
                complete=row.complete,
                completed_at=row.submission.completed_at,
                late_workdays=row.late_workdays,
                url=_absolute(request, "api:annual_submission", year, row.submission.unit_id),
            )
            for row in board.rows
        ],
    )


@router.get(
    "/annual/{year}/topics",
    response={200: AnnualTopicsGroupedOut, **READ_ERRORS},
    url_name="annual_topics",
    summary="议题建议汇总（联席会议办公室）：各单位已报送的议题建议，相近的归为一组",
)
def annual_topics(request: HttpRequest, year: Year) -> AnnualTopicsGroupedOut:
    """四(三)、三(一)1：各单位已报送的议题建议（未报送的不列），用词相近的归为一组并列出共有的
    词，供联席会议办公室合并、列入全体会议议程或说明理由不予采纳。成员单位 403。"""
    cycle = _secretariat_cycle(request, year)
    groups = selectors.topic_groups(cycle)
    return AnnualTopicsGroupedOut(
        cycle=_cycle_out(cycle),
        count=sum(len(g.proposals) for g in groups),
        groups=[
            AnnualTopicGroupOut(
                proposals=[_proposal(p) for p in g.proposals],
                units=[_ref(u) for u in g.units],
                shared_words=g.shared_words,
            )
            for g in groups
        ],
    )


@router.get(
    "/annual/{year}/submissions/{unit_id}",
    response={200: AnnualSubmissionOut, **READ_ERRORS},
    url_name="annual_submission",
    summary="一个成员单位的年度报送材料：各部分的状态，调用者可读部分的内容",
)
def annual_submission(request: HttpRequest, year: Year, unit_id: PathId) -> AnnualSubmissionOut:
    """四(三)：本单位的联络员和联席会议成员看到本单位的全部内容（含草稿）；联席会议办公室看到
    各部分的状态，内容只在该部分报送之后可见；其他单位 404（不论是否已报送）。"""
    return _submission_out(request, _submission(request, year, unit_id))


# --- the unit drafts and sends ------------------------------------------------------------------


@router.post(
    "/annual/{year}/submissions/{unit_id}/send",
    response={200: AnnualSentOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="annual_send",
    summary="提交或报送（本单位）：联络员提交成员审核，联席会议成员审定后报送联席会议办公室",
)
def annual_send(request: HttpRequest, year: Year, unit_id: PathId) -> AnnualSentOut:
    """四(三)：联络员起草后提交（草稿 → 待成员审核），联席会议成员审定后报送（草稿、待成员审核
    → 已报送）；报送后不能再改，除非联席会议办公室退回。没有可提交的部分，或所提交的部分尚未
    填写，400。"""
    submission = _submission(request, year, unit_id)
    membership = _drafter(request, submission)
    parts = services.submission_send(submission=submission, actor=membership, now=timezone.now())
    status = (
        PartStatus.SENT if membership.role == Membership.Role.MEMBER else PartStatus.AWAITING_MEMBER
    )
    return AnnualSentOut(
        parts=parts,
        parts_display=[PART_LABELS[p] for p in parts],
        status=status,
        status_display=PartStatus(status).label,
        submission=_reloaded(request, submission),
    )


@router.put(
    "/annual/{year}/submissions/{unit_id}/{part}",
    response={200: AnnualSubmissionOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="annual_part",
    summary="起草一部分（本单位）：工作总结、重点工作计划（含重点任务）或议题建议，整体替换",
)
def annual_part_save(
    request: HttpRequest, year: Year, unit_id: PathId, part: PartPath, data: AnnualPartIn
) -> AnnualSubmissionOut:
    """四(三)：本单位的联络员或联席会议成员起草：summary 写 text；plan 写 text（概述，可不填）
    和 tasks（每项写明牵头单位，不填为本单位，和本年度内的预计完成时间）；topics 写 topics，或
    no_topics=true。整体替换这一部分；联络员修改后须重新提交成员审核。已报送、已确认的不能再改
    （400）；不合规则的输入 400，不写入任何内容。"""
    submission = _submission(request, year, unit_id)
    membership = _drafter(request, submission)
    _only_fields_of(part, data)
    services.part_save(
        submission=submission,
        part=part,
        actor=membership,
        text=data.text,
        tasks=[
            services.TaskIn(title=t.title, expected_on=t.expected_on, lead_unit_id=t.lead_unit_id)
            for t in data.tasks
        ],
        topics=[services.TopicIn(title=t.title, description=t.description) for t in data.topics],
        no_topics=data.no_topics,
    )
    return _reloaded(request, submission)


# --- the secretariat reviews ----------------------------------------------------------------------


@router.post(
    "/annual/{year}/submissions/{unit_id}/{part}/review",
    response={200: AnnualSubmissionOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="annual_review",
    summary="审核一部分（联席会议办公室）：确认，或写明意见退回修改",
)
def annual_review(
    request: HttpRequest, year: Year, unit_id: PathId, part: PartPath, data: AnnualReviewIn
) -> AnnualSubmissionOut:
    """四(三)：联席会议办公室确认已报送的部分，或写明退回意见退回修改（单位修改后重新报送，
    首次报送的时间不变）。尚未报送或已审核的 400；成员单位 403。"""
    submission = _submission(request, year, unit_id)
    membership = _reviewer(request, submission)
    services.part_review(
        submission=submission,
        part=part,
        confirm=code_of(AnnualReviewAction, data.action) == AnnualReviewAction.CONFIRM,
        note=data.note,
        actor=membership,
    )
    return _reloaded(request, submission)

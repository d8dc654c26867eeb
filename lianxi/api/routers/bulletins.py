"""Information reports and work briefs (三(四)1, 三(四)3); a face over lianxi.bulletins.

Same access as the pages (lianxi.bulletins.access): a report or brief the caller may not see is
404, whether or not it exists; an action on one it sees but may not take, 403; the rules'
refusals (ApplicationError) 400. A unit sees only its own reports; the secretariat sees a report
once it was sent, never a draft; a brief is seen, once issued, by the units it went to.
"""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status

from lianxi.bulletins import access, rendering, selectors, services
from lianxi.bulletins.models import Brief, InfoReport
from lianxi.core.downloads import DOCX_TYPE, download_response
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership, Unit

from ..auth import token_auth
from ..contract import PathId
from ..errors import NotFound
from ..schemas import ErrorOut
from ..schemas_bulletins import (
    BriefArticleOut,
    BriefIn,
    BriefIssueIn,
    BriefOut,
    BriefReceiptOut,
    InfoReportIn,
    InfoReportOut,
    InfoReportReviewIn,
    InfoReportStatsOut,
    InfoReportStatsRowOut,
    ReviewDecision,
)
from ..schemas_meetings import UnitRef
from .documents import code_of

router = Router(tags=["信息简报"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 422: ErrorOut, **READ_ERRORS}
Period = Literal["year", "h1", "h2", "q1", "q2", "q3", "q4"]


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.pk, name=unit.name)


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _membership(request: HttpRequest) -> Membership:
    return access.require_bulletins(request.user)


def _report(request: HttpRequest, report_id: int) -> InfoReport:
    try:
        return access.report_for(request.user, report_id)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


def _brief(request: HttpRequest, brief_id: int) -> Brief:
    try:
        return access.brief_for(request.user, brief_id)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


def _report_out(request: HttpRequest, report: InfoReport) -> InfoReportOut:
    return InfoReportOut(
        id=report.pk,
        unit=_ref(report.unit),
        kind=report.kind,
        kind_display=report.get_kind_display(),
        title=report.title,
        body=report.body,
        industry=report.industry,
        topic=report.topic,
        status=report.status,
        status_display=report.get_status_display(),
        review_note=report.review_note,
        adopted_as=report.adopted_as,
        returned_count=report.returned_count,
        first_sent_at=report.first_sent_at,
        sent_at=report.sent_at,
        reviewed_at=report.reviewed_at,
        page_url=_absolute(request, "bulletins:report", report.pk),
    )


def _brief_out(request: HttpRequest, brief: Brief) -> BriefOut:
    membership = membership_of(request.user)
    articles, receipts = selectors.brief_detail(brief)
    return BriefOut(
        id=brief.pk,
        kind=brief.kind,
        kind_display=brief.get_kind_display(),
        title=brief.title,
        status=brief.status,
        year=brief.year,
        issue_number=brief.number,
        issue_label=brief.issue_label,
        issued_at=brief.issued_at,
        report_to=brief.report_to,
        send_to=brief.send_to,
        issue_to=brief.issue_to,
        copies=brief.copies,
        articles=[
            BriefArticleOut(
                order=a.order,
                title=a.title,
                body=a.body,
                source_report_id=a.source_report_id,
                source_unit=_ref(a.source_unit) if a.source_unit else None,
            )
            for a in articles
        ],
        receipts=[BriefReceiptOut(unit=_ref(r.unit), signed_at=r.signed_at) for r in receipts]
        if access.is_secretariat(membership)
        else [],
        docx_url=_absolute(request, "api:brief_file", brief.pk, "docx"),
        pdf_url=_absolute(request, "api:brief_file", brief.pk, "pdf"),
        page_url=_absolute(request, "bulletins:brief", brief.pk),
    )


# --- reports ------------------------------------------------------------------------------------


@router.post(
    "/info-reports",
    response={201: InfoReportOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="info_report_create",
    summary="起草信息（成员单位）：保存为草稿，再经 send 提交成员审核或报送",
)
def info_report_create(request: HttpRequest, data: InfoReportIn) -> Status[InfoReportOut]:
    """三(四)1：成员单位的联络员（或联席会议成员）起草本单位职业健康工作信息、经验做法；草稿只有
    本单位可见。联席会议办公室和其他角色 403。"""
    membership = _membership(request)
    if membership.role not in access.UNIT_ROLES:
        raise PermissionDenied("只有成员单位的联络员和联席会议成员可以报送信息。")
    report = services.info_report_save(
        actor=membership,
        kind=code_of(InfoReport.Kind, data.kind),
        title=data.title,
        body=data.body,
        industry=data.industry,
        topic=data.topic,
    )
    return Status(201, _report_out(request, _report(request, report.pk)))


@router.get(
    "/info-reports/stats",
    response={200: InfoReportStatsOut, **READ_ERRORS},
    url_name="info_report_stats",
    summary="信息报送采用情况（联席会议办公室）：各单位某年度（或半年、季度）的报送、采用、采用率",
)
def info_report_stats(
    request: HttpRequest, year: int = Query(..., ge=2000, le=2100), period: Period = "year"
) -> InfoReportStatsOut:
    """三(四)1：按首次报送时间计入期间。成员单位 403。"""
    membership = access.require_secretariat(request.user)
    rows = selectors.adoption_figures(membership.unit.mechanism_id, year, period)
    sent = sum(r.sent for r in rows)
    adopted = sum(r.adopted for r in rows)
    return InfoReportStatsOut(
        year=year,
        period=period,
        sent=sent,
        adopted=adopted,
        rate=round(100 * adopted / sent, 1) if sent else None,
        units=[
            InfoReportStatsRowOut(
                unit=_ref(r.unit),
                sent=r.sent,
                adopted=r.adopted,
                rate=r.rate,
                returned=r.returned,
                declined=r.declined,
                in_briefs=r.in_briefs,
            )
            for r in rows
        ],
    )


@router.get(
    "/info-reports/{report_id}",
    response={200: InfoReportOut, **READ_ERRORS},
    url_name="info_report",
    summary="一条信息：本单位看到全部状态；联席会议办公室看到已报送的",
)
def info_report(request: HttpRequest, report_id: PathId) -> InfoReportOut:
    """三(四)1：其他单位的信息 404，不论是否已报送。"""
    return _report_out(request, _report(request, report_id))


@router.post(
    "/info-reports/{report_id}/send",
    response={200: InfoReportOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="info_report_send",
    summary="提交或报送（本单位）：联络员提交成员审核，联席会议成员审定后报送联席会议办公室",
)
def info_report_send(request: HttpRequest, report_id: PathId) -> InfoReportOut:
    """三(四)1：草稿 → 待成员审核（联络员）→ 已报送（联席会议成员）；退回修改的修改后重新报送。"""
    report = _report(request, report_id)
    membership = _membership(request)
    if not access.own_unit(membership, report):
        raise PermissionDenied("只有本单位的联络员或联席会议成员可以报送本单位的信息。")
    services.info_report_send(actor=membership, report=report, now=timezone.now())
    return _report_out(request, _report(request, report_id))


@router.post(
    "/info-reports/{report_id}/review",
    response={200: InfoReportOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="info_report_review",
    summary="审核信息（联席会议办公室）：采用（编入简报或经验交流）、退回修改或不采用",
)
def info_report_review(
    request: HttpRequest, report_id: PathId, data: InfoReportReviewIn
) -> InfoReportOut:
    """三(四)1、三(四)3：退回修改、不采用须写明意见，单位可见并收到通知。成员单位 403。"""
    report = _report(request, report_id)
    membership = access.require_secretariat(request.user)
    services.info_report_review(
        actor=membership,
        report=report,
        decision=code_of(ReviewDecision, data.decision),
        note=data.note,
        adopted_as=code_of(InfoReport.AdoptedAs, data.adopted_as),
        now=timezone.now(),
    )
    return _report_out(request, _report(request, report_id))


# --- briefs -------------------------------------------------------------------------------------


@router.post(
    "/briefs",
    response={201: BriefOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="brief_create",
    summary="编辑一期简报（联席会议办公室）：文章取自已采用的信息或自行撰写，印发时编期号",
)
def brief_create(request: HttpRequest, data: BriefIn) -> Status[BriefOut]:
    """三(四)1：保存为草稿，尚无期号。来源信息须已采用；成员单位 403。"""
    membership = access.require_secretariat(request.user)
    brief = services.brief_create(
        actor=membership,
        title=data.title,
        kind=code_of(Brief.Kind, data.kind),
        articles=[
            services.ArticleIn(title=a.title, body=a.body, source_report_id=a.source_report_id)
            for a in data.articles
        ],
        report_to=data.report_to,
        send_to=data.send_to,
        issue_to=data.issue_to,
        copies=data.copies,
    )
    return Status(201, _brief_out(request, _brief(request, brief.pk)))


@router.get(
    "/briefs/{brief_id}",
    response={200: BriefOut, **READ_ERRORS},
    url_name="brief",
    summary="一期简报：文章、期号；联席会议办公室另见分送单位的签收",
)
def brief_detail(request: HttpRequest, brief_id: PathId) -> BriefOut:
    """三(四)1：草稿只有联席会议办公室可见；印发后分送单位可见。"""
    return _brief_out(request, _brief(request, brief_id))


@router.post(
    "/briefs/{brief_id}/issue",
    response={200: BriefOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="brief_issue",
    summary="印发简报（联席会议办公室）：编定本年度该类简报的下一期号，分送并请签收",
)
def brief_issue(request: HttpRequest, brief_id: PathId, data: BriefIssueIn) -> BriefOut:
    """三(四)1：期号按年度、按类别（工作简报、增刊、专刊、经验交流）从 1 起连续，不重不漏。已印发
    的 400。"""
    brief = _brief(request, brief_id)
    membership = access.require_secretariat(request.user)
    services.brief_issue(
        actor=membership,
        brief=brief,
        now=timezone.now(),
        recipient_unit_ids=data.recipient_unit_ids,
    )
    return _brief_out(request, _brief(request, brief_id))


@router.get(
    "/briefs/{brief_id}/brief.{kind}",
    response={200: None, **READ_ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "简报 .docx 或 PDF（报头、期号、报尾）",
                "content": {
                    DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
    url_name="brief_file",
    summary="简报 .docx / .pdf（未印发的为草稿，无期号）",
)
def brief_file(
    request: HttpRequest, brief_id: PathId, kind: Literal["docx", "pdf"]
) -> HttpResponse:
    """三(四)1：A4，仿宋正文，红色报头、期号、编印单位和日期、红线；报尾为报、送、发和印数。"""
    brief = _brief(request, brief_id)
    content = rendering.brief_docx(brief) if kind == "docx" else rendering.brief_pdf(brief)
    return download_response(
        content,
        filename=rendering.brief_filename(brief, kind),
        ascii_filename=f"brief-{brief.pk}.{kind}",
        actor=request.user,
        target=brief,
        content_type=DOCX_TYPE if kind == "docx" else "application/pdf",
    )

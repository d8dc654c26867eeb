"""Action items, progress reports, reviews and extensions (四(二), 督办): a face over
lianxi.supervision.

Same access as the pages (lianxi.supervision.access): an item the caller may not see is 404
(whether or not it exists, so existence is not revealed), an action their role may not take on
one they see is 403; the rules' refusals are 400.
"""

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Query, Router, Status, UploadedFile

from lianxi.core.downloads import download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership, Unit
from lianxi.supervision import access, selectors, services
from lianxi.supervision.lights import LIGHT_LABELS, Cutoffs
from lianxi.supervision.models import (
    ActionItem,
    ExtensionRequest,
    ProgressReport,
    Reminder,
    Review,
)

from ..auth import token_auth
from ..contract import PathId, QueryId, download
from ..errors import NotFound
from ..schemas import ErrorOut
from ..schemas_meetings import UnitRef
from ..schemas_supervision import (
    ActionItemDetailOut,
    ActionItemIn,
    ActionItemOut,
    ActionItemPageOut,
    DraftEditIn,
    DraftSubmitIn,
    ExtensionDecisionIn,
    ExtensionIn,
    ExtensionOut,
    ItemStatus,
    Light,
    ProgressIn,
    ProgressReportOut,
    ReviewIn,
    ReviewOut,
    Source,
    UrgeIn,
    UrgeOut,
)
from ..selectors import units_in_order

router = Router(tags=["督办"])

Role = Membership.Role
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 422: ErrorOut, **READ_ERRORS}
MAX_PAGE_SIZE = 200
# The units an item can be assigned to, as on the page's form (lianxi.supervision.forms).
ASSIGNABLE_KINDS = (Unit.Kind.MEMBER, Unit.Kind.INVITED)


# --- building the answers ---------------------------------------------------------------------


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.pk, name=unit.name)


def _item_fields(request: HttpRequest, item: ActionItem, light: str) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "source": item.source,
        "source_display": item.get_source_display(),
        "source_label": item.source_label,
        "source_url": item.source_url,
        "lead_unit": _ref(item.lead_unit),
        "supporting_units": [_ref(u) for u in item.supporting_units.all()],
        "deadline": item.deadline,
        "original_deadline": item.original_deadline,
        "feedback_every_workdays": item.feedback_every_workdays,
        "status": item.status,
        "status_display": item.get_status_display(),
        "light": light,
        "light_display": LIGHT_LABELS[light],
        "last_progress_at": item.last_progress_at,
        "closed_at": item.closed_at,
        "closed_on_time": item.closed_on_time,
        "url": request.build_absolute_uri(reverse("api:action_item_detail", args=[item.pk])),
        "page_url": request.build_absolute_uri(reverse("supervision:item", args=[item.pk])),
    }


def _report(request: HttpRequest, report: ProgressReport) -> ProgressReportOut:
    attachment_url = ""
    if report.attachment:
        attachment_url = request.build_absolute_uri(
            reverse("api:action_item_report_attachment", args=[report.item_id, report.pk])
        )
    return ProgressReportOut(
        id=report.pk,
        unit=_ref(report.unit),
        author=report.author.get_full_name() or report.author.get_username(),
        text=report.text,
        status=report.status,
        status_display=report.get_status_display(),
        requests_closure=report.requests_closure,
        created_at=report.created_at,
        submitted_at=report.submitted_at,
        attachment_url=attachment_url,
        attachment_name=report.attachment_name,
    )


def _review(review: Review) -> ReviewOut:
    return ReviewOut(
        id=review.pk,
        decision=review.decision,
        decision_display=review.get_decision_display(),
        reason=review.reason,
        reviewer=review.reviewer.get_full_name() or review.reviewer.get_username(),
        report_id=review.report_id,
        created_at=review.created_at,
    )


def _extension(extension: ExtensionRequest) -> ExtensionOut:
    return ExtensionOut(
        id=extension.pk,
        unit=_ref(extension.unit),
        reason=extension.reason,
        old_deadline=extension.old_deadline,
        new_deadline=extension.new_deadline,
        status=extension.status,
        status_display=extension.get_status_display(),
        decision_note=extension.decision_note,
        created_at=extension.created_at,
        decided_at=extension.decided_at,
    )


def _urge(reminder: Reminder) -> UrgeOut:
    by = reminder.sent_by
    return UrgeOut(
        id=reminder.pk,
        sent_at=reminder.sent_at,
        sent_by=(by.get_full_name() or by.get_username()) if by is not None else "",
        note=reminder.note,
    )


def _item(request: HttpRequest, pk: int) -> ActionItem:
    """The item (404 if the caller may not see it), before any check of their role (403)."""
    try:
        return access.action_item_for(request.user, pk)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


def _detail(request: HttpRequest, pk: int) -> ActionItemDetailOut:
    item = _item(request, pk)
    cutoffs = Cutoffs.for_day(timezone.localdate())
    timeline = selectors.item_timeline(item, request.user)
    perms = access.item_permissions(request.user, item, extensions=timeline.extensions)
    closed = item.status == ActionItem.Status.CLOSED
    return ActionItemDetailOut(
        **_item_fields(request, item, cutoffs.light_of(item)),
        description=item.description,
        stale=not closed and cutoffs.stale(item),
        is_lead=perms.is_lead,
        can_report=perms.can_report,
        can_urge=perms.can_urge,
        reports=[_report(request, r) for r in timeline.reports],
        reviews=[_review(r) for r in timeline.reviews],
        extensions=[_extension(e) for e in timeline.extensions],
        urges=[_urge(u) for u in timeline.urges],
    )


def _units(membership: Membership, ids: Iterable[int], label: str, field: str) -> list[Unit]:
    """Units of the caller's joint meeting that can be assigned an item, in the order given."""
    candidates = Unit.objects.filter(
        mechanism_id=membership.unit.mechanism_id, active=True, kind__in=ASSIGNABLE_KINDS
    )
    return units_in_order(candidates, ids, missing=f"{label}不存在或不能承办督办事项", field=field)


# --- reading ----------------------------------------------------------------------------------


@router.get(
    "/action-items",
    response={200: ActionItemPageOut, 400: ErrorOut, 422: ErrorOut, **READ_ERRORS},
    url_name="action_item_list",
    summary="督办台账：按单位、来源、状态、灯号筛选，分页",
)
def action_item_list(
    request: HttpRequest,
    unit: QueryId = None,
    source: Source | None = None,
    status: ItemStatus | None = None,
    light: Light | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> ActionItemPageOut:
    """四(二)：联席会议办公室和市政府办公室看到全部事项；成员单位看到本单位牵头或配合的事项。
    unit 筛选某单位牵头或配合的事项。"""
    membership = access.require_ledger(request.user)
    unit_obj = None
    if unit is not None:
        unit_obj = Unit.objects.filter(mechanism_id=membership.unit.mechanism_id, pk=unit).first()
        if unit_obj is None:
            raise ApplicationError("所筛选的单位不存在。", field="unit")
    filters = selectors.LedgerFilters(
        unit=unit_obj, source=source or "", status=status or "", light=light or ""
    )
    cutoffs = Cutoffs.for_day(timezone.localdate())
    items = selectors.ledger_items(request.user, filters, cutoffs)
    counts = selectors.light_counts(
        selectors.ledger_items(request.user, filters, cutoffs, with_light_filter=False), cutoffs
    )
    paginator = Paginator(selectors.ledger_rows(items), page_size)
    current = paginator.get_page(page)
    return ActionItemPageOut(
        count=paginator.count,
        page=current.number,
        pages=paginator.num_pages,
        page_size=page_size,
        light_counts=counts,
        items=[
            ActionItemOut(**_item_fields(request, item, item.light))  # type: ignore[attr-defined]
            for item in current.object_list
        ],
    )


@router.get(
    "/action-items/{item_id}",
    response={200: ActionItemDetailOut, **READ_ERRORS},
    url_name="action_item_detail",
    summary="督办事项详情：调用者可见的进展反馈、审核意见、延期申请",
)
def action_item_detail(request: HttpRequest, item_id: PathId) -> ActionItemDetailOut:
    """四(二)：进展反馈的草稿只有本单位可见；配合单位报送的进展，牵头单位和联席会议办公室可见。"""
    return _detail(request, item_id)


@router.get(
    "/action-items/{item_id}/reports/{report_id}/attachment",
    response={200: None, **READ_ERRORS},
    openapi_extra=download("application/octet-stream", "附件文件"),
    url_name="action_item_report_attachment",
    summary="下载进展反馈的附件",
)
def report_attachment(request: HttpRequest, item_id: PathId, report_id: PathId) -> HttpResponse:
    item = _item(request, item_id)
    attachment = selectors.report_attachment(item, membership_of(request.user), report_id)
    if attachment is None:
        raise NotFound("附件不存在。")
    name, content = attachment
    return download_response(content, filename=name, actor=request.user, target=item)


# --- writing ----------------------------------------------------------------------------------


@router.post(
    "/action-items",
    response={201: ActionItemDetailOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_create",
    summary="创建督办事项（联席会议办公室；会议议定事项除外）",
)
def action_item_create(request: HttpRequest, data: ActionItemIn) -> Status[ActionItemDetailOut]:
    """四(二)：市政府交办、年度工作计划、来函等事项，指定牵头单位、配合单位、办结时限和反馈周期。"""
    membership = access.require_secretariat(request.user)
    if data.source == ActionItem.Source.MEETING:
        raise ApplicationError(
            "会议议定事项在会议纪要印发时自动转为督办事项，不能在此创建。", field="source"
        )
    if data.source == ActionItem.Source.DECISION:
        raise ApplicationError(
            "重大事项的决定事项在事项通过或市政府决定时自动转为督办事项，不能在此创建。",
            field="source",
        )
    [lead] = _units(membership, [data.lead_unit_id], "牵头单位", "lead_unit_id")
    supporting = _units(membership, data.supporting_unit_ids, "配合单位", "supporting_unit_ids")
    item = services.action_item_create(
        mechanism=membership.unit.mechanism,
        title=data.title,
        description=data.description,
        source=data.source,
        source_label=data.source_label,
        source_url=data.source_url,
        lead_unit=lead,
        supporting_units=supporting,
        deadline=data.deadline,
        deadline_workdays=data.deadline_workdays,
        feedback_every_workdays=data.feedback_every_workdays,
        actor=membership,
    )
    return Status(201, _detail(request, item.pk))


@router.post(
    "/action-items/{item_id}/progress",
    response={201: ProgressReportOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_progress",
    summary="反馈进展（牵头单位、配合单位）：保存草稿或报送",
)
def progress_report(
    request: HttpRequest, item_id: PathId, data: ProgressIn
) -> Status[ProgressReportOut]:
    """四(二)：牵头单位反馈进展（可申请办结）；配合单位向牵头单位和联席会议办公室反馈。
    submit=false 保存为草稿，只有本单位可见。附带附件请用 POST .../progress/upload。"""
    return _progress_create(request, item_id, data, attachment=None)


def _progress_create(
    request: HttpRequest, item_id: PathId, data: ProgressIn, *, attachment: UploadedFile | None
) -> Status[ProgressReportOut]:
    item = _item(request, item_id)
    access.require_unit_acting(request.user)
    report = services.progress_report_create(
        item=item,
        actor=request.user,
        text=data.text,
        attachment=attachment,
        requests_closure=data.requests_closure,
        submit=data.submit,
    )
    return Status(201, _report(request, report))


@router.post(
    "/action-items/{item_id}/progress/upload",
    response={201: ProgressReportOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_progress_upload",
    summary="反馈进展并上传附件（multipart/form-data）：保存草稿或报送",
)
def progress_report_upload(
    request: HttpRequest,
    item_id: PathId,
    data: Form[ProgressIn],
    attachment: File[UploadedFile],
) -> Status[ProgressReportOut]:
    """四(二)：同 POST /action-items/{item_id}/progress，另附一个文件（字段 attachment），
    与页面相同的限制：不超过 20 MB，不能是空文件。附件随本单位的反馈保存：submit=false 时为草稿，
    附件也只有本单位可见；报送后，看得到这条反馈的单位可从 attachment_url 下载。"""
    return _progress_create(request, item_id, data, attachment=attachment)


def _own_draft(request: HttpRequest, item_id: int, report_id: int) -> ProgressReport:
    """The caller's own report (404 if not theirs), after the item (404) and their role (403)."""
    item = _item(request, item_id)
    access.require_unit_acting(request.user)
    try:
        return access.own_report_for(request.user, item, report_id)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


@router.post(
    "/action-items/{item_id}/progress/{report_id}/submit",
    response={200: ProgressReportOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_progress_submit",
    summary="报送本单位的进展反馈草稿",
)
def progress_submit(
    request: HttpRequest, item_id: PathId, report_id: PathId, data: DraftSubmitIn | None = None
) -> ProgressReportOut:
    report = _own_draft(request, item_id, report_id)
    report = services.progress_report_submit(
        report=report, actor=request.user, text=data.text if data else None
    )
    return _report(request, report)


@router.patch(
    "/action-items/{item_id}/progress/{report_id}",
    response={200: ProgressReportOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_progress_edit",
    summary="修改本单位的进展反馈草稿（报送前）",
)
def progress_edit(
    request: HttpRequest, item_id: PathId, report_id: PathId, data: DraftEditIn
) -> ProgressReportOut:
    """四(二)：草稿报送前仅本单位可见，本单位成员或联络员可以修改；已报送的不能再改。"""
    report = _own_draft(request, item_id, report_id)
    report = services.progress_report_update(
        report=report, actor=request.user, text=data.text, requests_closure=data.requests_closure
    )
    return _report(request, report)


@router.delete(
    "/action-items/{item_id}/progress/{report_id}",
    response={204: None, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_progress_delete",
    summary="删除本单位的进展反馈草稿（报送前）",
)
def progress_delete(request: HttpRequest, item_id: PathId, report_id: PathId) -> Status[None]:
    """四(二)：本单位不再需要的草稿（连同附件）删除；已报送的进展反馈不能删除。"""
    report = _own_draft(request, item_id, report_id)
    services.progress_report_delete(report=report, actor=request.user)
    return Status(204, None)


@router.post(
    "/action-items/{item_id}/urge",
    response={201: UrgeOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_urge",
    summary="催办（联席会议办公室）：立即提醒牵头单位",
)
def action_item_urge(
    request: HttpRequest, item_id: PathId, data: UrgeIn | None = None
) -> Status[UrgeOut]:
    """四(二) 督促督办：立即提醒牵头单位的联络员和成员，记入办理过程和审计日志。"""
    item = _item(request, item_id)
    access.require_secretariat(request.user)
    reminder = services.action_item_urge(
        item=item, actor=request.user, note=data.note if data else ""
    )
    return Status(201, _urge(reminder))


@router.post(
    "/action-items/{item_id}/review",
    response={200: ReviewOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_review",
    summary="审核（联席会议办公室）：办结销号或退回",
)
def action_item_review(request: HttpRequest, item_id: PathId, data: ReviewIn) -> ReviewOut:
    """四(二)：联席会议办公室办结销号（close），或写明理由退回牵头单位（return）。"""
    item = _item(request, item_id)
    access.require_secretariat(request.user)
    decide = services.action_item_close if data.decision == "close" else services.action_item_return
    review = decide(item=item, actor=request.user, reason=data.reason)
    return _review(review)


@router.post(
    "/action-items/{item_id}/extension",
    response={201: ExtensionOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_extension",
    summary="申请延期（牵头单位，须在办结时限之前）",
)
def extension_request(
    request: HttpRequest, item_id: PathId, data: ExtensionIn
) -> Status[ExtensionOut]:
    """四(二)：牵头单位在办结时限之前提出延期申请，写明理由和申请延至的日期；时限已过则拒绝。"""
    item = _item(request, item_id)
    access.require_unit_acting(request.user)
    extension = services.extension_request_create(
        item=item, actor=request.user, reason=data.reason, new_deadline=data.new_deadline
    )
    return Status(201, _extension(extension))


@router.post(
    "/action-items/{item_id}/extensions/{extension_id}/decide",
    response={200: ExtensionOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="action_item_extension_decide",
    summary="审核延期申请（联席会议办公室）",
)
def extension_decide(
    request: HttpRequest, item_id: PathId, extension_id: PathId, data: ExtensionDecisionIn
) -> ExtensionOut:
    item = _item(request, item_id)
    access.require_secretariat(request.user)
    extension = item.extensions.filter(pk=extension_id).first()
    if extension is None:
        raise NotFound("延期申请不存在。")
    extension = services.extension_request_decide(
        extension=extension, actor=request.user, grant=data.grant, note=data.note
    )
    return _extension(extension)

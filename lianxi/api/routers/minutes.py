"""Minutes (三(一)1, 四(二)): reading, writing, issuing and acknowledging, a face over
lianxi.meetings.

Same access as the pages (lianxi.meetings.access): minutes the caller may not see are 404, an
action reserved to the convener is 403; the rules' refusals (ApplicationError) are 400.
"""

from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status

from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import access, selectors, services
from lianxi.meetings.minutes_document import DOCX_CONTENT_TYPE
from lianxi.meetings.models import (
    Minutes,
    MinutesReceipt,
    MinutesSection,
    Resolution,
)
from lianxi.organization.models import Unit

from ..auth import token_auth
from ..contract import PathId, download
from ..errors import NotFound
from ..schemas_meetings import (
    MinutesOut,
    MinutesSectionOut,
    MinutesUpdateIn,
    ReceiptOut,
    ResolutionIn,
    ResolutionOut,
    SectionIn,
    SignOffIn,
    UnitRef,
)
from ..selectors import units_in_order
from .meetings import READ_ERRORS, WRITE_ERRORS, absolute, meeting_or_404, unit_ref

router = Router(tags=["会议纪要"])

RECEIPT_ORDER = {"member": 0, "invited": 1, "copy": 2}


def _minutes(request: HttpRequest, pk: int, *, edit: bool = False, issue: bool = False) -> Minutes:
    try:
        return access.minutes_for(request.user, pk, edit=edit, issue=issue)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


# --- minutes ----------------------------------------------------------------------------------


def _receipt(receipt: MinutesReceipt) -> ReceiptOut:
    return ReceiptOut(
        id=receipt.pk,
        unit=UnitRef(id=receipt.unit.pk, name=receipt.unit.name),
        kind=receipt.kind,
        kind_display=receipt.get_kind_display(),
        acknowledged_at=receipt.acknowledged_at,
    )


def _resolution(r: Resolution) -> ResolutionOut:
    return ResolutionOut(
        id=r.pk,
        number=r.number,
        text=r.text,
        lead_unit=unit_ref(r.lead_unit),
        supporting_units=[UnitRef(id=u.pk, name=u.name) for u in r.supporting_units.all()],
        deadline=r.deadline,
        deadline_workdays=r.deadline_workdays,
        feedback_every_workdays=r.feedback_every_workdays,
    )


def _section(section: MinutesSection) -> MinutesSectionOut:
    return MinutesSectionOut(
        id=section.pk,
        order=section.order,
        heading=section.heading,
        discussion=section.discussion,
        resolutions=[_resolution(r) for r in section.resolutions.all()],
    )


def _minutes_out(request: HttpRequest, minutes: Minutes) -> MinutesOut:
    sections, receipts = selectors.minutes_detail(minutes)
    perms = access.minutes_permissions(request.user, minutes, receipts=receipts)
    receipts.sort(key=lambda r: RECEIPT_ORDER.get(r.kind, 9))
    mine = perms.own_receipt
    return MinutesOut(
        id=minutes.pk,
        meeting_id=minutes.meeting_id,
        meeting_title=minutes.meeting.title,
        status=minutes.status,
        status_display=minutes.get_status_display(),
        year=minutes.year,
        number=minutes.number,
        intro=minutes.intro,
        approved_at=minutes.approved_at,
        signed_off_name=minutes.signed_off_name,
        signed_off_title=minutes.signed_off_title,
        signed_off_at=minutes.signed_off_at,
        signed_off_recorded_by=(
            minutes.signed_off_recorded_by.first_name
            or minutes.signed_off_recorded_by.get_username()
            if minutes.signed_off_recorded_by
            else ""
        ),
        issued_at=minutes.issued_at,
        sections=[_section(s) for s in sections],
        receipts=[_receipt(r) for r in receipts] if perms.sees_receipts else [],
        my_receipt=_receipt(mine) if mine is not None else None,
        docx_url=absolute(request, reverse("api:minutes_docx", args=[minutes.pk])),
        pdf_url=absolute(request, reverse("api:minutes_pdf", args=[minutes.pk])),
        page_url=absolute(request, reverse("meetings:minutes", args=[minutes.pk])),
    )


@router.get(
    "/meetings/{meeting_id}/minutes",
    response={200: MinutesOut, **READ_ERRORS},
    url_name="meeting_minutes",
    summary="会议纪要：各部分、议定事项；召集方另见签收情况",
)
def meeting_minutes(request: HttpRequest, meeting_id: PathId) -> MinutesOut:
    """三(一)1：起草中的纪要只有召集方可见；印发后，收文单位（成员单位、邀请单位、抄报的市政府
    办公室）可见。"""
    meeting = meeting_or_404(request, meeting_id)
    # Minutes not drafted yet and a draft one may not see are the same 404: a unit that sees
    # the meeting learns nothing of a draft.
    visible = access.visible_minutes(request.user).filter(meeting=meeting)
    pk = visible.values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(access.MINUTES_NOT_FOUND)
    return _minutes_out(request, _minutes(request, pk))


# --- writing the minutes (三(一)1): the convener only, as on the pages -------------------------


def _resolution_units(minutes: Minutes, ids: Iterable[int], label: str, field: str) -> list[Unit]:
    """Units an agreed matter can name, as the page's form offers them
    (lianxi.meetings.forms.ResolutionForm): active units of the joint meeting other than the
    city government office, in the order given."""
    candidates = Unit.objects.filter(
        mechanism_id=minutes.meeting.mechanism_id, active=True
    ).exclude(kind=Unit.Kind.GOVERNMENT)
    return units_in_order(candidates, ids, missing=f"{label}不存在或不能承办议定事项", field=field)


def _minutes_done(request: HttpRequest, minutes_id: int) -> MinutesOut:
    return _minutes_out(request, _minutes(request, minutes_id))


@router.post(
    "/meetings/{meeting_id}/minutes",
    response={201: MinutesOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="meeting_minutes_draft",
    summary="起草会议纪要（会议召集方）",
)
def minutes_draft(request: HttpRequest, meeting_id: PathId) -> Status[MinutesOut]:
    """三(一)1：会议召开并登记出席情况后，联席会议办公室（专题会议为受托主持单位）起草纪要；
    每个议题一部分，已预填。"""
    meeting = meeting_or_404(request, meeting_id, convene=True)
    minutes = services.minutes_draft(meeting=meeting, actor=access.require_list(request.user))
    return Status(201, _minutes_done(request, minutes.pk))


@router.patch(
    "/minutes/{minutes_id}",
    response={200: MinutesOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="minutes_update",
    summary="修改起草中的纪要：开头、各部分的标题和会议情况（会议召集方）",
)
def minutes_update(request: HttpRequest, minutes_id: PathId, data: MinutesUpdateIn) -> MinutesOut:
    """只改所传的内容；审定或印发后不能再修改（400）。"""
    minutes = _minutes(request, minutes_id, edit=True)
    current = {s.pk: s for s in minutes.sections.all()}
    unknown = [e.id for e in data.sections if e.id not in current]
    if unknown:
        raise ApplicationError(
            f"纪要中没有这些部分：{'、'.join(str(pk) for pk in unknown)}。", field="sections"
        )
    edits = {
        e.id: (
            current[e.id].heading if e.heading is None else e.heading,
            current[e.id].discussion if e.discussion is None else e.discussion,
        )
        for e in data.sections
    }
    services.minutes_update(
        minutes=minutes,
        intro=minutes.intro if data.intro is None else data.intro,
        sections=edits,
        actor=access.require_list(request.user),
    )
    return _minutes_done(request, minutes.pk)


@router.post(
    "/minutes/{minutes_id}/sections",
    response={201: MinutesSectionOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="minutes_section_add",
    summary="在起草中的纪要末尾添加一部分（会议召集方）",
)
def minutes_section_add(
    request: HttpRequest, minutes_id: PathId, data: SectionIn
) -> Status[MinutesSectionOut]:
    minutes = _minutes(request, minutes_id, edit=True)
    section = services.minutes_section_add(
        minutes=minutes, heading=data.heading, actor=access.require_list(request.user)
    )
    return Status(201, _section(section))


@router.post(
    "/minutes/{minutes_id}/sections/{section_id}/resolutions",
    response={201: ResolutionOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="minutes_resolution_add",
    summary="添加议定事项：牵头单位、配合单位、办结时限（会议召集方）",
)
def resolution_add(
    request: HttpRequest, minutes_id: PathId, section_id: PathId, data: ResolutionIn
) -> Status[ResolutionOut]:
    """三(一)1、四(二)：每项议定事项指定牵头单位和配合单位，办结时限填日期或印发后的工作日数
    （二选一）；纪要印发时转为督办事项。议定事项在整份纪要中连续编号。"""
    minutes = _minutes(request, minutes_id, edit=True)
    section = MinutesSection.objects.filter(pk=section_id, minutes=minutes).first()
    if section is None:
        raise NotFound("纪要中没有这一部分。")
    lead = None
    if data.lead_unit_id is not None:
        [lead] = _resolution_units(minutes, [data.lead_unit_id], "牵头单位", "lead_unit_id")
    supporting = _resolution_units(
        minutes, data.supporting_unit_ids, "配合单位", "supporting_unit_ids"
    )
    resolution = services.resolution_add(
        section=section,
        text=data.text,
        lead_unit=lead,
        supporting_units=supporting,
        deadline=data.deadline,
        deadline_workdays=data.deadline_workdays,
        feedback_every_workdays=data.feedback_every_workdays,
        actor=access.require_list(request.user),
    )
    resolution = (
        Resolution.objects.select_related("lead_unit")
        .prefetch_related("supporting_units")
        .get(pk=resolution.pk)
    )
    return Status(201, _resolution(resolution))


@router.delete(
    "/minutes/{minutes_id}/resolutions/{resolution_id}",
    response={204: None, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="minutes_resolution_remove",
    summary="删除议定事项（会议召集方）",
)
def resolution_remove(
    request: HttpRequest, minutes_id: PathId, resolution_id: PathId
) -> Status[None]:
    """其后的议定事项重新编号。"""
    minutes = _minutes(request, minutes_id, edit=True)
    resolution = Resolution.objects.filter(pk=resolution_id, minutes=minutes).first()
    if resolution is None:
        raise NotFound("纪要中没有这项议定事项。")
    services.resolution_remove(resolution=resolution, actor=access.require_list(request.user))
    return Status(204, None)


@router.post(
    "/minutes/{minutes_id}/approve",
    response={200: MinutesOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="minutes_approve",
    summary="审定会议纪要（会议召集方）",
)
def minutes_approve(request: HttpRequest, minutes_id: PathId) -> MinutesOut:
    minutes = _minutes(request, minutes_id, edit=True)
    services.minutes_approve(minutes=minutes, actor=access.require_list(request.user))
    return _minutes_done(request, minutes.pk)


@router.post(
    "/minutes/{minutes_id}/reopen",
    response={200: MinutesOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="minutes_reopen",
    summary="退回修改已审定（或已签发）、未印发的纪要（会议召集方；已签发的由联席会议办公室）",
)
def minutes_reopen(request: HttpRequest, minutes_id: PathId) -> MinutesOut:
    minutes = _minutes(request, minutes_id, edit=True)
    services.minutes_reopen(minutes=minutes, actor=access.require_list(request.user))
    return _minutes_done(request, minutes.pk)


@router.post(
    "/minutes/{minutes_id}/sign-off",
    response={200: MinutesOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="minutes_sign_off",
    summary="登记签发：市卫生健康委负责同志签发已审定的纪要（联席会议办公室）",
)
def minutes_sign_off(request: HttpRequest, minutes_id: PathId, data: SignOffIn) -> MinutesOut:
    """三(一)1、四(六)：会议纪要由市卫生健康委负责起草印发；每份纪要印发前须经签发，登记签发人
    （姓名、职务）、登记人和时间。专题会议的受托主持单位起草、审定，不能签发（403）。"""
    minutes = _minutes(request, minutes_id, issue=True)
    services.minutes_sign_off(
        minutes=minutes,
        signer_name=data.signer_name,
        signer_title=data.signer_title,
        actor=access.require_list(request.user),
    )
    return _minutes_done(request, minutes.pk)


@router.post(
    "/minutes/{minutes_id}/issue",
    response={200: MinutesOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="minutes_issue",
    summary="印发已签发的会议纪要；议定事项转入督办（联席会议办公室）",
)
def minutes_issue(request: HttpRequest, minutes_id: PathId) -> MinutesOut:
    """三(一)1、四(六)：签发后由联席会议办公室印发给各成员单位和邀请单位，抄报市政府办公室；编号
    （年度顺序号）在印发时确定。四(二)：每项议定事项转为督办事项，通知牵头单位和配合单位。"""
    minutes = _minutes(request, minutes_id, issue=True)
    services.minutes_issue(minutes=minutes, actor=access.require_list(request.user))
    return _minutes_done(request, minutes.pk)


@router.post(
    "/minutes/{minutes_id}/acknowledge",
    response={200: ReceiptOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="minutes_acknowledge",
    summary="签收会议纪要",
)
def minutes_acknowledge(request: HttpRequest, minutes_id: PathId) -> ReceiptOut:
    minutes = _minutes(request, minutes_id)
    receipt = access.receipt_for(request.user, minutes)
    membership = access.require_list(request.user)
    receipt = services.minutes_acknowledge(receipt=receipt, actor=membership)
    return _receipt(MinutesReceipt.objects.select_related("unit").get(pk=receipt.pk))


def _download(request: HttpRequest, minutes_id: int, kind: str) -> HttpResponse:
    from lianxi.meetings.minutes_document import minutes_download

    return minutes_download(_minutes(request, minutes_id), kind, actor=request.user)


@router.get(
    "/minutes/{minutes_id}/minutes.docx",
    response={200: None, **READ_ERRORS},
    openapi_extra=download(DOCX_CONTENT_TYPE, "会议纪要 .docx"),
    url_name="minutes_docx",
    summary="会议纪要 .docx（GB/T 9704 纪要格式）",
)
def minutes_docx(request: HttpRequest, minutes_id: PathId) -> HttpResponse:
    return _download(request, minutes_id, "docx")


@router.get(
    "/minutes/{minutes_id}/minutes.pdf",
    response={200: None, **READ_ERRORS},
    openapi_extra=download("application/pdf", "会议纪要 PDF"),
    url_name="minutes_pdf",
    summary="会议纪要 PDF（GB/T 9704 纪要格式）",
)
def minutes_pdf(request: HttpRequest, minutes_id: PathId) -> HttpResponse:
    return _download(request, minutes_id, "pdf")

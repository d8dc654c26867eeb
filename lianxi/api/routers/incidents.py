"""Occupational-hazard incidents (三(四)2, 二(四)): intake from other systems, reading, CAP 1.2.

Intake: ``POST /incidents`` with an ``Idempotency-Key`` header (required). A retried POST with
the same key answers 200 with the incident the first one created, never a second one: the
database's unique constraint on ``Incident.idempotency_key`` decides between concurrent
requests, and the loser reads the winner's row. Keys are per caller (two systems may use the same
key for different incidents); the same key with a different incident is refused (409).

Who may report and who sees what is lianxi.incidents.access, as on the pages: the secretariat
or any unit's member or liaison (a member unit's or an invited unit's) reports; the secretariat
and the government office see every incident of their joint meeting, a unit those it was
notified of or registered; an incident the caller may not see is 404 whether or not it exists.
Every view of an incident's details (detail, notices, CAP) writes ``incident.view`` to the audit.
"""

from datetime import datetime
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Header, Router, Status
from ninja.errors import HttpError

from lianxi.core.downloads import download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.incidents import access, cap, grading, selectors, services
from lianxi.incidents.models import Incident, IncidentNotice, IncidentUpdate
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership

from ..auth import token_auth
from ..contract import PathId, download
from ..errors import NotFound
from ..schemas import ErrorOut, aware
from ..schemas_incidents import (
    EnterpriseOut,
    IncidentDetailOut,
    IncidentIn,
    IncidentMessagesOut,
    IncidentOut,
    NoticeOut,
    UpdateOut,
)
from ..schemas_meetings import UnitRef
from ..text import Line

router = Router(tags=["职业病危害事故"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
MAX_KEY_LENGTH = 150
RETRIES = 3
CAP_MEDIA_TYPE = cap.CAP_CONTENT_TYPE.split(";")[0]  # the document names the type alone


# --- who may do what: lianxi.incidents.access, as on the pages --------------------------------


def _incident(request: HttpRequest, incident_id: int, *, what: str) -> Incident:
    """The incident if the caller may see it (404 otherwise), its view recorded in the audit."""
    try:
        incident = access.incident_for(request.user, incident_id)
    except Http404:
        raise NotFound(access.NOT_FOUND) from None
    services.incident_view_record(incident=incident, viewer=membership_of(request.user), what=what)
    return incident


# --- building the answers ----------------------------------------------------------------------


def _abs(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _summary(request: HttpRequest, incident: Incident, now: datetime) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "reference": incident.reference,
        "title": incident.title,
        "grade": incident.grade,
        "grade_display": grading.grade_label(incident.grade),
        "is_radiation": incident.is_radiation,
        "hazard": incident.hazard,
        "hazard_display": incident.get_hazard_display(),
        "occurred_at": incident.occurred_at,
        "first_reported_at": incident.first_reported_at,
        "county": incident.enterprise.county,
        "poisoned_count": incident.poisoned_count,
        "death_count": incident.death_count,
        "report_due_at": incident.report_due_at,
        "reported_at": incident.reported_at,
        "report_late": services.is_report_late(incident, now),
        "status": incident.status,
        "status_display": incident.get_status_display(),
        "url": _abs(request, "api:incident_detail", incident.pk),
        "page_url": _abs(request, "incidents:detail", incident.pk),
    }


def _detail(
    request: HttpRequest, incident: Incident, *, just_registered: bool = False
) -> IncidentDetailOut:
    enterprise = incident.enterprise
    unit = incident.registering_unit
    perms = access.incident_permissions(request.user, incident, just_registered=just_registered)
    return IncidentDetailOut(
        **_summary(request, incident, timezone.now()),
        location=incident.location,
        enterprise=EnterpriseOut(
            name=enterprise.name,
            credit_code=enterprise.credit_code,
            industry=enterprise.industry,
            address=enterprise.address,
            county=enterprise.county,
        ),
        substance=incident.substance,
        exposed_count=incident.exposed_count,
        onset=incident.onset,
        probable_cause=incident.probable_cause,
        measures_taken=incident.measures_taken,
        trend=incident.trend,
        source_system=incident.source_system,
        registering_unit=UnitRef(id=unit.pk, name=unit.name) if unit else None,
        closed_at=incident.closed_at,
        investigation_result=incident.investigation_result,
        cap_url=_abs(request, "api:incident_cap", incident.pk) if perms.can_export_cap else "",
        notices_url=_abs(request, "api:incident_notices", incident.pk),
    )


def _notice(
    request: HttpRequest, notice: IncidentNotice, perms: access.IncidentPermissions
) -> NoticeOut:
    sees_action = access.sees_action(perms, notice)
    return NoticeOut(
        id=notice.pk,
        unit=UnitRef(id=notice.unit.pk, name=notice.unit.name),
        reason=notice.reason,
        sent_at=notice.sent_at,
        ack_due_at=notice.ack_due_at,
        acknowledged_at=notice.acknowledged_at,
        level=notice.level,
        level_display=notice.get_level_display(),
        action_text=notice.action_text if sees_action else "",
        action_reported_at=notice.action_reported_at,
        cap_identifier=notice.cap_identifier,
        cap_url=_abs(request, "api:incident_notice_cap", notice.incident_id, notice.pk),
        cap=cap.to_dict(cap.sent_message(notice)),
    )


def _update(request: HttpRequest, update: IncidentUpdate, message: cap.CapAlert) -> UpdateOut:
    unit = update.unit
    return UpdateOut(
        id=update.pk,
        kind=update.kind,  # type: ignore[arg-type]
        kind_display=update.get_kind_display(),
        text=update.text,
        poisoned_count=update.poisoned_count,
        death_count=update.death_count,
        unit=UnitRef(id=unit.pk, name=unit.name) if unit else None,
        created_at=update.created_at,
        cap_identifier=update.cap_identifier,
        cap_url=_abs(request, "api:incident_update_cap", update.incident_id, update.pk),
        cap=cap.to_dict(message),
    )


def _cap_response(request: HttpRequest, xml: bytes, identifier: str, target: Any) -> HttpResponse:
    """A message as it was sent (its stored bytes)."""
    return download_response(
        xml,
        filename=f"{cap.token(identifier)}.xml",
        actor=request.user,
        target=target,
        content_type=cap.CAP_CONTENT_TYPE,
        inline=True,
    )


# --- intake --------------------------------------------------------------------------------------


def _input(payload: IncidentIn) -> services.IncidentInput:
    enterprise = payload.enterprise
    return services.IncidentInput(
        title=payload.title,
        occurred_at=aware(payload.occurred_at),
        first_reported_at=aware(payload.first_reported_at),
        location=payload.location,
        enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code,
        industry=enterprise.industry,
        address=enterprise.address,
        county=enterprise.county,
        hazard=payload.hazard,
        substance=payload.substance,
        exposed_count=payload.exposed_count,
        poisoned_count=payload.poisoned_count,
        death_count=payload.death_count,
        onset=payload.onset,
        probable_cause=payload.probable_cause,
        measures_taken=payload.measures_taken,
        trend=payload.trend,
    )


def _idempotency_key(header: str, membership: Membership) -> str:
    key = (header or "").strip()
    if not key:
        raise ApplicationError(
            "缺少 Idempotency-Key 请求头：每次报告请附一个唯一的键（例如 UUID），"
            "重试时使用同一个键，平台保证只登记一起事故。",
            field="Idempotency-Key",
        )
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApplicationError(
            f"Idempotency-Key 不能超过 {MAX_KEY_LENGTH} 个字符，且不能含控制字符。",
            field="Idempotency-Key",
        )
    # Per caller, and a caller is a token's membership: another system's key of the same
    # spelling, or the same person's in another joint meeting, is another incident.
    return f"api:m{membership.pk}:{key}"


def _same_report(incident: Incident, data: services.IncidentInput) -> bool:
    """A retry repeats the report; the same key with another incident is a caller's mistake."""
    from lianxi.incidents.credit_code import normalise

    return (
        incident.title == data.title.strip()
        and incident.occurred_at == data.occurred_at
        and incident.enterprise.credit_code == normalise(data.credit_code)
    )


def _register(
    membership: Membership, data: services.IncidentInput, key: str, source: str
) -> tuple[Incident, bool]:
    """Register once per key. The unique constraint decides a race: the loser's IntegrityError
    is caught and the winner's row is read (also done inside the service; kept here so that a
    race on any other unique row — the enterprise — is retried rather than answered with 500)."""
    for attempt in range(RETRIES):
        try:
            with transaction.atomic():
                return services.incident_register(
                    mechanism=membership.unit.mechanism,
                    data=data,
                    actor=membership,
                    idempotency_key=key,
                    source_system=source,
                )
        except IntegrityError:
            existing = Incident.objects.filter(
                idempotency_key=key, mechanism_id=membership.unit.mechanism_id
            ).first()
            if existing is not None:
                return existing, False
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


@router.post(
    "/incidents",
    response={200: IncidentDetailOut, 201: IncidentDetailOut, 400: ErrorOut, 409: ErrorOut,
              422: ErrorOut, **READ_ERRORS},
    auth=[token_auth],
    summary="报告职业病危害事故（需 Idempotency-Key 请求头；重试返回同一事故）",
)  # fmt: skip
def incident_create(
    request: HttpRequest,
    payload: IncidentIn,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        description="必填。每起事故一个唯一的键（例如 UUID）；重试时用同一个键，只登记一起事故。",
    ),
) -> Any:
    """三(四)2：联席会议办公室或成员单位、邀请单位（及其对接的医院、区县平台）报告事故。

    新登记返回 201；同一 Idempotency-Key 的重试返回 200 和第一次登记的事故，绝不重复登记。
    数据有误（人数为负、时间晚于现在、统一社会信用代码无效、死亡人数多于中毒人数等）返回 400
    和中文说明，不登记任何内容。"""
    membership = access.require_register(request.user)
    key = _idempotency_key(idempotency_key, membership)
    data = _input(payload)
    token = getattr(request, "api_token", None)
    source = f"API：{getattr(token, 'name', '') or membership.display_name}"[:100]
    incident, created = _register(membership, data, key, source)
    incident = Incident.objects.select_related("enterprise", "registering_unit").get(pk=incident.pk)
    if not created and not _same_report(incident, data):
        raise HttpError(
            409,
            f"该 Idempotency-Key 已用于另一起事故（{incident.reference}），"
            "请为新的事故报告使用新的键。",
        )
    body = _detail(request, incident, just_registered=created)
    return Status(201, body) if created else Status(200, body)


# --- reading -------------------------------------------------------------------------------------


@router.get(
    "/incidents",
    response={200: list[IncidentOut], **READ_ERRORS},
    url_name="incident_list",
    summary="事故列表（联席会议办公室、市政府办公室看全部；成员单位看向本单位通报的）",
)
def incident_list(
    request: HttpRequest, status: Annotated[str, Line(20)] | None = None
) -> list[IncidentOut]:
    """三(四)2：不含个人信息的概要；详情、通报和 CAP 的每次查看都记入审计。"""
    access.require_list(request.user)
    incidents = selectors.incident_list(request.user)
    if status:
        incidents = incidents.filter(status=status)
    now = timezone.now()
    return [IncidentOut(**_summary(request, i, now)) for i in incidents]


@router.get(
    "/incidents/{incident_id}",
    response={200: IncidentDetailOut, **READ_ERRORS},
    url_name="incident_detail",
    summary="事故详情（查看记入审计）",
)
def incident_detail(request: HttpRequest, incident_id: PathId) -> IncidentDetailOut:
    return _detail(request, _incident(request, incident_id, what="api.detail"))


@router.get(
    "/incidents/{incident_id}/notices",
    response={200: IncidentMessagesOut, **READ_ERRORS},
    url_name="incident_notices",
    summary="事故的通报、续报和终报（各含 CAP 1.2 内容的 JSON）",
)
def incident_notices(request: HttpRequest, incident_id: PathId) -> IncidentMessagesOut:
    incident = _incident(request, incident_id, what="api.notices")
    related = ("unit", "incident__enterprise", "incident__mechanism", "cap_message")
    notices = list(incident.notices.select_related(*related).order_by("sent_at", "id"))
    updates = list(incident.updates.select_related(*related).order_by("created_at", "id"))
    # As sent: the stored messages; an update refers to every message sent before it.
    messages = cap.update_caps(updates, notices=notices)
    perms = access.incident_permissions(request.user, incident)
    return IncidentMessagesOut(
        notices=[_notice(request, n, perms) for n in notices],
        updates=[_update(request, u, m) for u, m in zip(updates, messages, strict=True)],
    )


@router.get(
    "/incidents/{incident_id}/cap",
    response={200: None, **READ_ERRORS},
    openapi_extra=download(CAP_MEDIA_TYPE, "CAP 1.2 XML（按发出时原样）"),
    url_name="incident_cap",
    summary="首条通报（向本单位的通报）的 CAP 1.2 XML",
)
def incident_cap(request: HttpRequest, incident_id: PathId) -> HttpResponse:
    """CAP 1.2 Alert：被通报单位得到向本单位的通报，其他可查看者得到首条通报。"""
    incident = _incident(request, incident_id, what="api.cap")
    perms = access.incident_permissions(request.user, incident)
    if not perms.can_export_cap:
        raise NotFound("该事故尚未向任何单位通报，没有 CAP 消息。")
    notices = incident.notices.select_related(
        "unit", "incident__enterprise", "incident__mechanism", "cap_message"
    )
    own = perms.own_notice
    notice = notices.get(pk=own.pk) if own else notices.order_by("sent_at", "id").first()
    assert notice is not None
    return _cap_response(request, cap.sent_xml(notice), notice.cap_identifier, incident)


@router.get(
    "/incidents/{incident_id}/notices/{notice_id}/cap",
    response={200: None, **READ_ERRORS},
    openapi_extra=download(CAP_MEDIA_TYPE, "CAP 1.2 XML（按发出时原样）"),
    url_name="incident_notice_cap",
    summary="一条通报的 CAP 1.2 XML（msgType Alert）",
)
def incident_notice_cap(
    request: HttpRequest, incident_id: PathId, notice_id: PathId
) -> HttpResponse:
    incident = _incident(request, incident_id, what="api.cap")
    notice = (
        incident.notices.select_related(
            "unit", "incident__enterprise", "incident__mechanism", "cap_message"
        )
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        raise NotFound("未找到该通报。")
    return _cap_response(request, cap.sent_xml(notice), notice.cap_identifier, incident)


@router.get(
    "/incidents/{incident_id}/updates/{update_id}/cap",
    response={200: None, **READ_ERRORS},
    openapi_extra=download(CAP_MEDIA_TYPE, "CAP 1.2 XML（按发出时原样）"),
    url_name="incident_update_cap",
    summary="续报或终报的 CAP 1.2 XML（msgType Update，引用此前发出的每条消息；按发出时原样）",
)
def incident_update_cap(
    request: HttpRequest, incident_id: PathId, update_id: PathId
) -> HttpResponse:
    incident = _incident(request, incident_id, what="api.cap")
    update = (
        incident.updates.select_related(
            "incident__enterprise", "incident__mechanism", "cap_message"
        )
        .filter(pk=update_id)
        .first()
    )
    if update is None:
        raise NotFound("未找到该续报或终报。")
    return _cap_response(request, cap.sent_xml(update), update.cap_identifier, incident)

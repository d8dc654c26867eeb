"""Official documents (三(二), 四(五), 四(六)): drafting with versions, comment rounds, co-signing
and issuing, a face over lianxi.documents.

Same access as the pages (lianxi.documents.access): a document the caller may not see is 404
(whether or not it exists), an action on one the caller sees but may not take is 403; the rules'
refusals (ApplicationError) are 400; a save based on a version someone else has since replaced
is 409 with the text they saved.
"""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from lianxi.core.downloads import download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.documents import access, services
from lianxi.documents.models import (
    Comment,
    Consultation,
    CoSignature,
    DocumentVersion,
    NumberRegister,
    OfficialDocument,
    UnitReply,
)
from lianxi.documents.parties import parties_for
from lianxi.documents.services.common import current_version, split_paragraphs
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership, Unit

from ..auth import token_auth
from ..contract import PathId, download
from ..errors import FORBIDDEN, NotFound
from ..schemas import ErrorOut
from ..schemas_documents import (
    CommentOut,
    ConsultationIn,
    ConsultationOut,
    CoSignatureOut,
    CosignIn,
    CurrentTextOut,
    DecisionIn,
    DocumentDetailOut,
    DocumentIn,
    DocumentOut,
    DocumentPageOut,
    DocumentUpdateIn,
    IssuedOut,
    IssueIn,
    IssuerOut,
    OpinionIn,
    ReplyOut,
    StaleOut,
    VersionRef,
)
from ..schemas_meetings import UnitRef

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
router = Router(tags=["公文"])

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 422: ErrorOut, **READ_ERRORS}
MAX_PAGE_SIZE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DocumentStatus = Literal["draft", "cosigning", "signed", "issued", "withdrawn"]
# A reply reaches the drafting side once its unit's member has approved it (or the deadline
# deemed it no comment); before that only its own unit reads what it says.
REPLY_GONE = (UnitReply.Status.SUBMITTED, UnitReply.Status.DEEMED)


# --- access, through lianxi.documents.access ----------------------------------------------------


def _document(request: HttpRequest, pk: int) -> OfficialDocument:
    try:
        return access.document_for(request.user, pk)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc


def _listing(request: HttpRequest) -> None:
    if not access.can_list_documents(request.user):
        raise PermissionDenied(FORBIDDEN)


def code_of(choices: Any, value: str) -> str:
    """A choice sent as its code or its Chinese name (the schema took only these), as its code."""
    by_label = {label: code for code, label in choices.choices}
    return by_label.get(value, value)


# --- building the answers -------------------------------------------------------------------------


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.pk, name=unit.name)


def _absolute(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _person(user: Any) -> str:
    return str(user.first_name or user.get_username())


def _fields(request: HttpRequest, document: OfficialDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "kind_display": document.get_kind_display(),
        "title": getattr(document, "seen_title", document.title),
        "status": document.status,
        "status_display": document.get_status_display(),
        "drafting_unit": _ref(document.drafting_unit),
        "in_mechanism_name": document.in_mechanism_name,
        "document_number": document.document_number,
        "issued_at": document.issued_at,
        "updated_at": document.updated_at,
        "url": _absolute(request, "api:document_detail", document.pk),
        "page_url": _absolute(request, "documents:detail", document.pk),
    }


def body_of(paragraphs: list[str]) -> str:
    """Paragraphs as the plain text the API takes: separated by a blank line."""
    return "\n\n".join(paragraphs)


def _comment(comment: Comment) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        paragraph=None if comment.paragraph is None else comment.paragraph + 1,
        quoted=comment.quoted,
        text=comment.text,
        proposed=comment.proposed,
        decision=comment.decision,
        decision_display=comment.get_decision_display() if comment.decision else "",
        decision_reason=comment.decision_reason,
    )


def _reply(reply: UnitReply, *, own: bool) -> ReplyOut:
    says = own or reply.status in REPLY_GONE
    return ReplyOut(
        id=reply.pk,
        unit=_ref(reply.unit),
        status=reply.status,
        status_display=reply.get_status_display(),
        stance=reply.stance if says else "",
        stance_display=reply.get_stance_display() if says and reply.stance else "",
        reasons=reply.reasons if says else "",
        submitted_at=reply.submitted_at,
        comments=[_comment(c) for c in reply.comments.all()] if says else [],
    )


def _consultations(document: OfficialDocument, view: access.DocumentSight) -> list[ConsultationOut]:
    """The drafting side: every round and reply; a consulted unit: its own rounds and reply."""
    rounds = (
        Consultation.objects.filter(document=document)
        .select_related("version")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=UnitReply.objects.select_related("unit").prefetch_related("comments"),
            )
        )
        .order_by("round")
    )
    unit_id = view.membership.unit_id if view.membership else None
    shown = []
    for consultation in rounds:
        replies = list(consultation.replies.all())
        if not view.insider:
            replies = [r for r in replies if r.unit_id == unit_id]
            if not replies:
                continue
        shown.append(_round(consultation, replies, unit_id))
    return shown


def _round(
    consultation: Consultation, replies: list[UnitReply], unit_id: int | None
) -> ConsultationOut:
    return ConsultationOut(
        id=consultation.pk,
        round=consultation.round,
        version=consultation.version.number,
        note=consultation.note,
        deadline_workdays=consultation.deadline_workdays,
        deadline=consultation.deadline,
        silence_is_consent=consultation.silence_is_consent,
        status=consultation.status,
        status_display=consultation.get_status_display(),
        sent_at=consultation.sent_at,
        replies=[_reply(r, own=r.unit_id == unit_id) for r in replies],
    )


def _cosignature(signature: CoSignature) -> CoSignatureOut:
    return CoSignatureOut(
        id=signature.pk,
        unit=_ref(signature.unit),
        order=signature.order,
        status=signature.status,
        status_display=signature.get_status_display(),
        version=signature.version.number,
        signer_name=signature.signer_name,
        signed_at=signature.signed_at,
        reason=signature.reason,
    )


def _version_ref(version: DocumentVersion, *, insider: bool) -> VersionRef:
    """A version as listed; its 修改说明 is the drafting side's own note (三(二))."""
    return VersionRef(
        number=version.number,
        title=version.title,
        summary=version.summary if insider else "",
        saved_by=_person(version.created_by),
        saved_unit=_ref(version.created_unit),
        saved_at=version.created_at,
    )


def _text(version: DocumentVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "title": version.title,
        "body": body_of(version.paragraphs),
        "paragraphs": version.paragraphs,
        "attachments": version.attachments,
        "note": version.note,
        "saved_by": _person(version.created_by),
        "saved_at": version.created_at,
    }


def _detail(request: HttpRequest, document: OfficialDocument) -> DocumentDetailOut:
    """三(二): the drafting side reads the current text and every version; a consulted unit the
    latest version sent to it; a receiving unit the issued text."""
    view = access.sight(request.user, document)
    versions = list(
        access.visible_versions(request.user, document)
        .select_related("created_by", "created_unit")
        .order_by("number")
    )
    if not versions:
        raise NotFound(access.DOCUMENT_NOT_FOUND)
    shown = versions[-1]
    # A consulted unit reads the organs and recipients as sent with its version (三(二)).
    parties = parties_for(request.user, document, shown)
    signatures = (
        [
            _cosignature(s)
            for s in document.cosignatures.select_related("unit", "version").order_by(
                "requested_at", "order"
            )
        ]
        if view.insider
        else []
    )
    return DocumentDetailOut(
        **{**_fields(request, document), "title": shown.title},
        **{k: v for k, v in _text(shown).items() if k != "title"},
        urgency=parties.urgency,
        urgency_display=parties.urgency_display,
        sign_order=document.sign_order if view.insider else "",
        issuers=[
            IssuerOut(unit=UnitRef(id=i.unit_id, name=i.name), order=i.order, signatory=i.signatory)
            for i in parties.issuers
        ],
        main_to=parties.main_to,
        copy_to=parties.copy_to,
        versions=[_version_ref(v, insider=view.insider) for v in versions],
        consultations=_consultations(document, view),
        cosignatures=signatures,
    )


def _reloaded(request: HttpRequest, pk: int) -> DocumentDetailOut:
    return _detail(request, _document(request, pk))


# --- reading ------------------------------------------------------------------------------------


@router.get(
    "/documents",
    response={200: DocumentPageOut, 400: ErrorOut, 422: ErrorOut, **READ_ERRORS},
    url_name="document_list",
    summary="公文：调用者可见的公文（起草、联合发文、被征求意见、收文），按更新时间倒序，分页",
)
def document_list(
    request: HttpRequest,
    status: DocumentStatus | None = None,
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> DocumentPageOut:
    """三(二)：起草单位和联合发文单位看到本单位的公文；被征求意见的单位看到征求其意见的公文；
    印发后，主送、抄送单位看到印发的公文；联席会议办公室看到全部（四(六)）。"""
    _listing(request)
    documents = access.visible_documents(request.user).select_related("drafting_unit")
    if status is not None:
        documents = documents.filter(status=status)
    paginator = Paginator(documents.order_by("-updated_at", "-id"), page_size)
    current = paginator.get_page(page)
    return DocumentPageOut(
        count=paginator.count,
        page=current.number,
        pages=paginator.num_pages,
        page_size=page_size,
        items=[DocumentOut(**_fields(request, d)) for d in current.object_list],
    )


@router.get(
    "/documents/{document_id}",
    response={200: DocumentDetailOut, **READ_ERRORS},
    url_name="document_detail",
    summary="公文详情：调用者可见的稿本、征求意见、会签情况",
)
def document_detail(request: HttpRequest, document_id: PathId) -> DocumentDetailOut:
    """三(二)：起草方看到当前稿和各稿本；被征求意见单位只看到发给本单位的稿本（最新一稿）
    和本单位的反馈；收文单位看到印发稿。"""
    return _reloaded(request, document_id)


@router.get(
    "/documents/{document_id}/versions/{number}",
    response={200: CurrentTextOut, **READ_ERRORS},
    url_name="document_version",
    summary="公文的某一稿",
)
def document_version(request: HttpRequest, document_id: PathId, number: PathId) -> CurrentTextOut:
    """三(二)：被征求意见单位只能读发给本单位的稿本，其他稿本与不存在的一样（404）。"""
    document = _document(request, document_id)
    try:
        version = access.version_for(request.user, document, number)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc
    return CurrentTextOut(**_text(version), saved_unit=_ref(version.created_unit))


# --- drafting -----------------------------------------------------------------------------------


@router.post(
    "/documents",
    response={201: DocumentDetailOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="document_create",
    summary="起草公文（成员单位、联席会议办公室）；可列联合发文单位",
)
def document_create(request: HttpRequest, data: DocumentIn) -> Status[DocumentDetailOut]:
    """三(二)：成员单位（或联席会议办公室）起草，正文为纯文本，段落之间空一行；四(五)：联合发文
    单位按所列顺序用印、会签；四(六)：以联席会议名义印发的，由联席会议办公室起草，市卫生健康委
    代章。"""
    membership = access.require_draft(request.user)
    document = services.document_create(
        actor=membership,
        kind=data.kind,
        title=data.title,
        paragraphs=split_paragraphs(data.body),
        parties=services.Parties(
            co_issuing_unit_ids=data.co_issuing_unit_ids,
            main_to_unit_ids=data.main_to_unit_ids,
            main_to_names=data.main_to_names,
            copy_to_unit_ids=data.copy_to_unit_ids,
            copy_to_names=data.copy_to_names,
            signatories={s.unit_id: s.name for s in data.signatories},
        ),
        attachments=data.attachments,
        note=data.note,
        urgency=code_of(OfficialDocument.Urgency, data.urgency),
        in_mechanism_name=data.in_mechanism_name,
        sign_order=code_of(OfficialDocument.SignOrder, data.sign_order),
        summary=data.summary,
    )
    return Status(201, _reloaded(request, document.pk))


def _stale(exc: services.StaleSave) -> StaleOut:
    current = exc.current
    return StaleOut(
        detail=exc.message,
        current=CurrentTextOut(**_text(current), saved_unit=_ref(current.created_unit)),
    )


@router.patch(
    "/documents/{document_id}",
    response={200: DocumentDetailOut, 409: StaleOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="document_update",
    summary="保存公文新稿（起草单位）：注明所依据的稿本；他人已先保存时 409，并返回最新稿",
)
def document_update(
    request: HttpRequest, document_id: PathId, data: DocumentUpdateIn
) -> DocumentDetailOut | Status[StaleOut]:
    """三(二)：每次保存为一个新稿本；只改所传的内容。所依据的稿本已被他人的保存取代时不保存
    （409），返回对方保存的稿本，合并后以其稿本号重新保存。四(五)：修改正文使已有的会签作废。"""
    document = _document(request, document_id)
    membership: Membership = access.require_edit(request.user, document)
    base = current_version(document)
    try:
        services.document_save(
            actor=membership,
            document=document,
            based_on=data.based_on,
            title=base.title if data.title is None else data.title,
            paragraphs=base.paragraphs if data.body is None else split_paragraphs(data.body),
            attachments=base.attachments if data.attachments is None else data.attachments,
            note=base.note if data.note is None else data.note,
            summary=data.summary,
        )
    except services.StaleSave as exc:
        return Status(409, _stale(exc))
    return _reloaded(request, document.pk)


# --- comment rounds (三(二)) ----------------------------------------------------------------------


def _actor(request: HttpRequest) -> Membership:
    """The caller's membership; whoever reached a document through lianxi.documents.access has
    one (visible_documents answers none without)."""
    membership = membership_of(request.user)
    if membership is None:
        raise PermissionDenied(FORBIDDEN)
    return membership


@router.post(
    "/documents/{document_id}/consultations",
    response={201: ConsultationOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="document_consultation_send",
    summary="征求意见：把当前稿发给所选成员单位，限期（工作日）反馈（起草单位）",
)
def consultation_send(
    request: HttpRequest, document_id: PathId, data: ConsultationIn
) -> Status[ConsultationOut]:
    """三(二)：起草单位就当前稿征求有关成员单位意见，一次一轮；可约定逾期未反馈视为无意见，
    否则逾期依次提醒联络员、成员并报联席会议办公室。"""
    document = _document(request, document_id)
    membership = access.require_edit(request.user, document)
    consultation = services.consultation_send(
        actor=membership,
        document=document,
        unit_ids=data.unit_ids,
        deadline_workdays=data.deadline_workdays,
        note=data.note,
        silence_is_consent=data.silence_is_consent,
    )
    consultation = Consultation.objects.select_related("version").get(pk=consultation.pk)
    replies = list(consultation.replies.select_related("unit").prefetch_related("comments"))
    return Status(201, _round(consultation, replies, membership.unit_id))


@router.post(
    "/consultations/{consultation_id}/opinions",
    response={200: ReplyOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="consultation_opinion",
    summary="被征求意见单位反馈：无意见 / 有修改意见（逐段）/ 不同意（写明理由）",
)
def consultation_opinion(
    request: HttpRequest, consultation_id: PathId, data: OpinionIn
) -> ReplyOut:
    """三(二)：联络员起草本单位的反馈（再次提交即替换草稿）；本单位成员审核后发出（submit，
    联络员不能发出：403）。修改意见可针对征求意见稿的某一段（从 1 起）或全文。"""
    try:
        consultation = access.consultation_for(request.user, consultation_id)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc
    reply = access.own_replies(request.user).filter(consultation=consultation).first()
    if reply is None:
        raise PermissionDenied("本轮没有征求贵单位的意见。")
    reply = services.reply_draft(
        actor=_actor(request),
        reply=reply,
        stance=code_of(UnitReply.Stance, data.stance),
        reasons=data.reasons,
        comments=[
            {
                "paragraph": None if c.paragraph is None else c.paragraph - 1,
                "text": c.text,
                "proposed": c.proposed,
            }
            for c in data.comments
        ],
        submit=data.submit,
    )
    reply = UnitReply.objects.select_related("unit").prefetch_related("comments").get(pk=reply.pk)
    return _reply(reply, own=True)


@router.post(
    "/opinions/{opinion_id}/decision",
    response={200: CommentOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="opinion_decision",
    summary="处理一条修改意见：采纳 / 部分采纳 / 不采纳（写明理由）（起草单位）",
)
def opinion_decision(request: HttpRequest, opinion_id: PathId, data: DecisionIn) -> CommentOut:
    """三(二)：起草单位逐条处理各单位的修改意见，部分采纳或不采纳的说明理由；印发前可改。"""
    try:
        comment = access.comment_for(request.user, opinion_id)
    except Http404 as exc:
        raise NotFound(str(exc)) from exc
    comment = services.comment_decide(
        actor=_actor(request),
        comment=comment,
        decision=code_of(Comment.Decision, data.decision),
        reason=data.reason,
    )
    return _comment(comment)


@router.get(
    "/documents/{document_id}/adoption.xlsx",
    response={200: None, **READ_ERRORS},
    openapi_extra=download(XLSX, "意见采纳情况表 .xlsx"),
    url_name="document_adoption_xlsx",
    summary="意见采纳情况表 .xlsx（起草方为全部单位的；被征求意见单位为本单位的）",
)
def adoption_xlsx(request: HttpRequest, document_id: PathId) -> HttpResponse:
    from lianxi.documents.adoption import adoption_xlsx, filename_of

    document = _document(request, document_id)
    try:
        unit_id = access.adoption_scope(request.user, document)
    except Http404 as exc:  # a unit that only received the document was never consulted
        raise NotFound(str(exc)) from exc
    return download_response(
        adoption_xlsx(document, unit_id=unit_id),
        filename=filename_of(document, "xlsx"),
        actor=request.user,
        target=document,
        content_type=XLSX,
    )


@router.get(
    "/documents/{document_id}/document.{kind}",
    response={200: None, **READ_ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "公文 .docx 或 PDF（GB/T 9704-2012 版式）",
                "content": {
                    DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
    url_name="document_file",
    summary="公文 .docx / .pdf（已印发的为正式文本；未印发的为草稿，无文号、无印章）",
)
def document_file(
    request: HttpRequest, document_id: PathId, kind: Literal["docx", "pdf"]
) -> HttpResponse:
    """四(六)：印发后的公文带文号和各发文机关的印章；被征求意见单位看到的是发给它的稿。"""
    from lianxi.documents.rendering import document_download

    # Whoever is not on the drafting side gets the newest text they may see (the version sent
    # to them for comment, or the issued text): document_download picks it.
    return document_download(_document(request, document_id), kind, actor=request.user)


# --- co-signing (四(五)) --------------------------------------------------------------------------


@router.post(
    "/documents/{document_id}/cosign-request",
    response={200: DocumentDetailOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="document_cosign_request",
    summary="送会签：当前稿送各联合发文单位会签（起草单位）",
)
def cosign_request(request: HttpRequest, document_id: PathId) -> DocumentDetailOut:
    """四(五)：征求意见结束后，起草单位把当前稿送联合发文单位会签（同时或依次）；没有联合发文
    单位的无需会签（400）。"""
    document = _document(request, document_id)
    services.cosign_request(actor=access.require_edit(request.user, document), document=document)
    return _reloaded(request, document.pk)


@router.post(
    "/documents/{document_id}/cosign",
    response={200: CoSignatureOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="document_cosign",
    summary="会签或退回（联合发文单位的负责同志）",
)
def cosign(request: HttpRequest, document_id: PathId, data: CosignIn) -> CoSignatureOut:
    """四(五)：联合发文单位的负责同志（成员）会签送签的稿本，或写明理由退回；会签针对的是送签时的
    正文，正文修改后会签作废。"""
    document = _document(request, document_id)
    if not access.sight(request.user, document).co_issuer:
        raise PermissionDenied("只有联合发文单位可以会签（工作规则四(五)）。")
    membership = _actor(request)
    signature = document.cosignatures.filter(
        unit_id=membership.unit_id, status=CoSignature.Status.PENDING
    ).first()
    if signature is None:
        raise ApplicationError("贵单位没有待会签的本公文。")
    if data.action == "sign":
        signature = services.cosign_sign(actor=membership, signature=signature)
    else:
        signature = services.cosign_return(
            actor=membership, signature=signature, reason=data.reason
        )
    return _cosignature(CoSignature.objects.select_related("unit", "version").get(pk=signature.pk))


# --- issuing (四(六)) -----------------------------------------------------------------------------


@router.post(
    "/documents/{document_id}/issue",
    response={200: IssuedOut, **WRITE_ERRORS},
    auth=[token_auth],
    url_name="document_issue",
    summary="印发：编发文字号、用印、分送主送抄送单位（联席会议办公室）",
)
def document_issue(request: HttpRequest, document_id: PathId, data: IssueIn) -> IssuedOut:
    """四(六)：联席会议办公室印发；文号取自主办机关的发文字号（以联席会议名义的取联席会议的，
    市卫生健康委代章）。四(五)：有联合发文单位的须各单位会签；没有联合发文单位、也没有进行中的
    征求意见的，可直接印发。"""
    document = _document(request, document_id)
    membership = access.require_registers(request.user)
    register = None
    if data.register_id is not None:
        register = NumberRegister.objects.filter(
            pk=data.register_id, mechanism_id=document.mechanism_id
        ).first()
        if register is None:
            raise ApplicationError("所选发文字号不存在。", field="register_id")
    document = services.document_issue(
        actor=membership, document=document, register=register, issued_on=data.issued_on
    )
    return IssuedOut(
        id=document.pk,
        document_number=document.document_number,
        status=document.status,
        status_display=document.get_status_display(),
        issued_at=document.issued_at,
        url=_absolute(request, "api:document_detail", document.pk),
    )

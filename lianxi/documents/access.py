"""Who may see or act on an official document (三(二), 四(五), 四(六)).

- The secretariat (联席会议办公室) sees every document of its joint meeting: it issues, numbers and
  seals them (四(六)).
- A unit's member and liaison see the documents their unit drafts or co-issues, at every stage.
- A unit consulted on a draft (征求意见) sees the document, but only the versions sent to it.
- A unit an issued document is addressed to (主送, 抄送; the city government office and invited
  units too) sees the issued text.
- Nobody else sees it; a document one may not see is answered as missing (404), an action on one
  one sees but may not take is refused (403).
- The drafting unit's people (member, liaison; the secretariat's people when it drafts) edit the
  draft, send comment rounds, decide comments and send it for 会签.
- A consulted unit's liaison drafts its reply; its member approves it, and only then it goes.
- A co-issuing unit's member signs (会签) or returns it.
- The secretariat issues, keeps the number registers and the seals.
- A receiving unit's member, liaison (or the government office, an observer unit) signs for it.

Views, the API, search and the panels call these and never re-derive a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404

from lianxi.organization.access import has_role, is_secretariat, membership_of, require_role
from lianxi.organization.models import Membership

from .models import (
    Comment,
    Consultation,
    CoSignature,
    DocumentIssuer,
    DocumentReceipt,
    DocumentVersion,
    IssuedNumber,
    OfficialDocument,
    Seal,
    UnitReply,
)

Role = Membership.Role
DOCUMENT_NOT_FOUND = "公文不存在或您无权查看。"
# Who acts for a unit on documents: the secretariat acts for the health commission.
DRAFTING_ROLES = (Role.SECRETARIAT, Role.MEMBER, Role.LIAISON)
# Who receives an issued document for a unit and signs for it (签收).
RECEIPT_ROLES = (Role.SECRETARIAT, Role.MEMBER, Role.LIAISON, Role.GOVERNMENT, Role.OBSERVER)
DOCUMENT_ROLES = RECEIPT_ROLES


# --- seeing -----------------------------------------------------------------------------------


def can_list_documents(user: Any) -> bool:
    return has_role(user, *DOCUMENT_ROLES)


def can_draft(user: Any) -> bool:
    """三(二): member units (through their member or liaison) and the secretariat draft."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in DRAFTING_ROLES
        and membership.unit.kind == membership.unit.Kind.MEMBER
    )


def require_draft(user: Any) -> Membership:
    membership = require_role(user, *DRAFTING_ROLES)
    if not can_draft(user):
        raise PermissionDenied("只有成员单位可以起草公文。")
    return membership


def can_manage_registers(user: Any) -> bool:
    """发文字号 registers and seals are kept by the secretariat (四(六))."""
    return is_secretariat(membership_of(user))


def require_registers(user: Any) -> Membership:
    return require_role(user, Role.SECRETARIAT)


def _party_q(unit_id: int) -> Q:
    """The documents whose current text a unit reads: it drafts or co-issues them, or received
    them issued. (Subqueries, not joins: no row is repeated, so no DISTINCT is needed.)"""
    return (
        Q(drafting_unit_id=unit_id)
        | Q(Exists(DocumentIssuer.objects.filter(document=OuterRef("pk"), unit_id=unit_id)))
        | Q(
            Exists(DocumentReceipt.objects.filter(document=OuterRef("pk"), unit_id=unit_id)),
            status=OfficialDocument.Status.ISSUED,
        )
    )


def _unit_q(unit_id: int) -> Q:
    """The documents a unit sees: those it is a party to, and those it was consulted on."""
    consulted = Q(
        pk__in=UnitReply.objects.filter(unit_id=unit_id).values("consultation__document_id")
    )
    return _party_q(unit_id) | consulted


def _seen_title(unit_id: int) -> Case:
    """三(二): the title a unit reads — the current one when it drafts or co-issues the document
    or received it issued, else the title of the newest version sent to it for comment (a later
    draft's title is not yet its to read)."""
    sent = (
        DocumentVersion.objects.filter(
            document=OuterRef("pk"),
            pk__in=Consultation.objects.filter(replies__unit_id=unit_id).values("version_id"),
        )
        .order_by("-number")
        .values("title")[:1]
    )
    return Case(
        When(_party_q(unit_id), then=F("title")), default=Coalesce(Subquery(sent), F("title"))
    )


def visible_documents(user: Any) -> QuerySet[OfficialDocument]:
    """The documents of the person's joint meeting they may see (see the module's rules), each
    with ``seen_title``: the title as this person may read it."""
    membership = membership_of(user)
    if membership is None or membership.role not in DOCUMENT_ROLES:
        return OfficialDocument.objects.none()
    base = OfficialDocument.objects.filter(mechanism_id=membership.unit.mechanism_id)
    if is_secretariat(membership):
        return base.annotate(seen_title=F("title"))
    unit_id = membership.unit_id
    if membership.role in (Role.GOVERNMENT, Role.OBSERVER):
        return base.filter(
            status=OfficialDocument.Status.ISSUED,
            pk__in=DocumentReceipt.objects.filter(unit_id=unit_id).values("document_id"),
        ).annotate(seen_title=F("title"))
    return base.filter(_unit_q(unit_id)).annotate(seen_title=_seen_title(unit_id))


def document_for(user: Any, pk: int) -> OfficialDocument:
    """The document, or 404 when it does not exist or the person may not see it."""
    document = (
        visible_documents(user)
        .select_related("drafting_unit", "sealed_by", "mechanism")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404(DOCUMENT_NOT_FOUND)
    # Pages and files print `title`: a consulted unit's is the version sent to it (三(二)).
    # Safe on the instance: the services re-read the document before writing, and only the
    # drafting side, whose seen title is the current one, saves a title.
    document.title = document.seen_title  # type: ignore[attr-defined]
    return document


@dataclass(frozen=True)
class DocumentSight:
    """How a person sees one document: which of its parts are theirs to read or act on."""

    membership: Membership | None
    # The drafting unit's people or the secretariat: every version, the rounds, the signatures.
    insider: bool
    drafter: bool
    co_issuer: bool
    secretariat: bool


def sight(user: Any, document: OfficialDocument) -> DocumentSight:
    membership = membership_of(user)
    unit_id = membership.unit_id if membership else None
    drafter = (
        membership is not None
        and membership.role in DRAFTING_ROLES
        and document.drafting_unit_id == unit_id
    )
    co_issuer = (
        membership is not None
        and membership.role in DRAFTING_ROLES
        and not drafter
        and document.issuers.filter(unit_id=membership.unit_id).exists()
    )
    secretariat = is_secretariat(membership)
    return DocumentSight(
        membership=membership,
        insider=drafter or co_issuer or secretariat,
        drafter=drafter,
        co_issuer=co_issuer,
        secretariat=secretariat,
    )


def visible_versions(user: Any, document: OfficialDocument) -> QuerySet[DocumentVersion]:
    """三(二): the drafting side sees every version; a consulted unit only the versions sent to
    it; a receiving unit only the issued text."""
    versions = document.versions.all()
    view = sight(user, document)
    if view.insider:
        return versions
    if view.membership is None:
        return versions.none()
    sent = Consultation.objects.filter(
        document=document, replies__unit_id=view.membership.unit_id
    ).values("version_id")
    allowed = Q(pk__in=sent)
    if sees_issued(user, document, view=view):
        allowed |= Q(number=document.version)
    return versions.filter(allowed)


def sees_issued(
    user: Any, document: OfficialDocument, *, view: DocumentSight | None = None
) -> bool:
    """Whether the person may read the document as issued — its number, date and seals: the
    drafting side and the units it was addressed to. A unit only consulted reads the text sent
    to it as the draft it was, even when that text is the one issued (三(二)). `view`: the
    person's sight of the document when the caller has it."""
    if document.status != OfficialDocument.Status.ISSUED:
        return False
    view = view or sight(user, document)
    if view.insider:
        return True
    if view.membership is None:
        return False
    return document.receipts.filter(unit_id=view.membership.unit_id).exists()


def adoption_scope(user: Any, document: OfficialDocument) -> int | None:
    """Whose rows of the 意见采纳情况表 the person reads (三(二)): None, every unit's (the drafting
    side); else the id of their unit, consulted on the document. Anyone else: 404."""
    view = sight(user, document)
    if view.insider:
        return None
    membership = view.membership
    if (
        membership is None
        or not UnitReply.objects.filter(
            consultation__document=document, unit_id=membership.unit_id
        ).exists()
    ):
        raise Http404(DOCUMENT_NOT_FOUND)
    return membership.unit_id


def version_for(user: Any, document: OfficialDocument, number: int) -> DocumentVersion:
    version = visible_versions(user, document).filter(number=number).first()
    if version is None:
        raise Http404("该版本不存在或您无权查看。")
    return version


# --- acting -----------------------------------------------------------------------------------


def may_edit(user: Any, document: OfficialDocument) -> bool:
    """The drafting unit edits its document until it is issued."""
    return sight(user, document).drafter and document.status not in (
        OfficialDocument.Status.ISSUED,
        OfficialDocument.Status.WITHDRAWN,
    )


def require_edit(user: Any, document: OfficialDocument) -> Membership:
    if not may_edit(user, document):
        raise PermissionDenied("只有起草单位可以修改未印发的公文。")
    membership = membership_of(user)
    assert membership is not None
    return membership


def may_reply(user: Any, reply: UnitReply) -> bool:
    """三(二): a consulted unit's liaison or member drafts its reply while the round is open."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in DRAFTING_ROLES
        and membership.unit_id == reply.unit_id
        and reply.consultation.status == Consultation.Status.OPEN
    )


def may_approve_reply(user: Any, reply: UnitReply) -> bool:
    """三(二): the unit's member approves what its liaison drafted before it goes."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in (Role.MEMBER, Role.SECRETARIAT)
        and membership.unit_id == reply.unit_id
        and reply.consultation.status == Consultation.Status.OPEN
    )


def own_replies(user: Any) -> QuerySet[UnitReply]:
    """The replies the person's unit owes or gave, of the person's joint meeting."""
    membership = membership_of(user)
    if membership is None or membership.role not in DRAFTING_ROLES:
        return UnitReply.objects.none()
    return UnitReply.objects.filter(
        unit_id=membership.unit_id,
        consultation__document__mechanism_id=membership.unit.mechanism_id,
    )


def reply_for(user: Any, pk: int) -> UnitReply:
    """A reply the person sees: their own unit's, or any of a document they draft."""
    membership = membership_of(user)
    if membership is None:
        raise Http404(DOCUMENT_NOT_FOUND)
    reply = (
        UnitReply.objects.select_related("consultation__document", "consultation__version", "unit")
        .filter(pk=pk, consultation__document__in=visible_documents(user))
        .first()
    )
    if reply is None:
        raise Http404(DOCUMENT_NOT_FOUND)
    if reply.unit_id != membership.unit_id and not sight(user, reply.consultation.document).insider:
        raise Http404(DOCUMENT_NOT_FOUND)
    return reply


def consultation_for(user: Any, pk: int) -> Consultation:
    consultation = (
        Consultation.objects.select_related("document", "version")
        .filter(pk=pk, document__in=visible_documents(user))
        .first()
    )
    if consultation is None:
        raise Http404(DOCUMENT_NOT_FOUND)
    membership = membership_of(user)
    if not sight(user, consultation.document).insider and not (
        membership and consultation.replies.filter(unit_id=membership.unit_id).exists()
    ):
        raise Http404(DOCUMENT_NOT_FOUND)
    return consultation


def may_decide(user: Any, comment: Comment) -> bool:
    """三(二): the drafter answers every comment."""
    return sight(user, comment.reply.consultation.document).drafter


def comment_for(user: Any, pk: int) -> Comment:
    comment = (
        Comment.objects.select_related("reply__consultation__document", "reply__unit")
        .filter(pk=pk, reply__consultation__document__in=visible_documents(user))
        .first()
    )
    if comment is None:
        raise Http404(DOCUMENT_NOT_FOUND)
    membership = membership_of(user)
    document = comment.reply.consultation.document
    if not sight(user, document).insider and not (
        membership and comment.reply.unit_id == membership.unit_id
    ):
        raise Http404(DOCUMENT_NOT_FOUND)
    return comment


def may_cosign(user: Any, signature: CoSignature) -> bool:
    """四(五): the co-issuing unit's member signs for it."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in (Role.MEMBER, Role.SECRETARIAT)
        and membership.unit_id == signature.unit_id
        and signature.status == CoSignature.Status.PENDING
    )


def may_issue(user: Any, document: OfficialDocument) -> bool:
    """四(六): the secretariat issues (numbers, seals and sends) the document."""
    return is_secretariat(membership_of(user)) and document.status in (
        OfficialDocument.Status.DRAFT,
        OfficialDocument.Status.SIGNED,
    )


def own_document_receipts(user: Any) -> QuerySet[DocumentReceipt]:
    membership = membership_of(user)
    if membership is None or membership.role not in RECEIPT_ROLES:
        return DocumentReceipt.objects.none()
    return DocumentReceipt.objects.filter(
        unit_id=membership.unit_id, document__mechanism_id=membership.unit.mechanism_id
    )


def may_acknowledge(user: Any, receipt: DocumentReceipt) -> bool:
    return (
        receipt.acknowledged_at is None
        and own_document_receipts(user).filter(pk=receipt.pk).exists()
    )


# --- P "pages": what search finds (三(二)) -----------------------------------------------------


def documents_full_text(user: Any) -> QuerySet[OfficialDocument]:
    """The documents whose current text the person may find: the secretariat's all, a unit's
    own (drafted, co-issued) and the issued ones addressed to it. A unit only consulted finds
    the versions sent to it instead (consulted_versions)."""
    documents = visible_documents(user)
    membership = membership_of(user)
    if membership is None or is_secretariat(membership):
        return documents
    if membership.role not in DRAFTING_ROLES:
        return documents  # the government office and observers: issued and received only
    return documents.filter(_party_q(membership.unit_id))


def consulted_versions(user: Any) -> QuerySet[DocumentVersion]:
    """三(二): the versions sent to the person's unit for comment, of documents whose current
    text it may not read otherwise."""
    membership = membership_of(user)
    if membership is None or membership.role not in DRAFTING_ROLES or is_secretariat(membership):
        return DocumentVersion.objects.none()
    return (
        DocumentVersion.objects.filter(
            document__mechanism_id=membership.unit.mechanism_id,
            consultations__replies__unit_id=membership.unit_id,
        )
        .exclude(document__in=documents_full_text(user))
        .distinct()
    )


# --- S "signing & issuing": the objects its pages act on (四(五), 四(六)) -----------------------


def cosignature_for(user: Any, pk: int) -> CoSignature:
    """A 会签 request of a document the person sees from the inside (drafter, co-issuer,
    secretariat); else 404."""
    signature = (
        CoSignature.objects.select_related("document", "unit")
        .filter(pk=pk, document__in=visible_documents(user))
        .first()
    )
    if signature is None or not sight(user, signature.document).insider:
        raise Http404(DOCUMENT_NOT_FOUND)
    return signature


def receipt_for(user: Any, pk: int) -> DocumentReceipt:
    """A receipt of the person's own unit, or any of a document they see from the inside."""
    receipt = (
        DocumentReceipt.objects.select_related("document", "unit")
        .filter(pk=pk, document__in=visible_documents(user))
        .first()
    )
    if receipt is None:
        raise Http404(DOCUMENT_NOT_FOUND)
    membership = membership_of(user)
    own = membership is not None and membership.unit_id == receipt.unit_id
    if not own and not sight(user, receipt.document).insider:
        raise Http404(DOCUMENT_NOT_FOUND)
    return receipt


# --- the secretariat's own records: numbers and seals (四(六)) -----------------------------------


def issued_number_for(user: Any, pk: int) -> IssuedNumber:
    """A number of the secretariat's own joint meeting's registers (to withdraw); else 404."""
    membership = require_registers(user)
    number = (
        IssuedNumber.objects.select_related("register", "document")
        .filter(pk=pk, register__mechanism_id=membership.unit.mechanism_id)
        .first()
    )
    if number is None:
        raise Http404("文号不存在。")
    return number


def seal_for(user: Any, pk: int) -> Seal:
    """A seal image of a unit of the secretariat's own joint meeting (to look at); else 404.
    Only the secretariat sees seal images: a seal is used when issuing, never handed out."""
    membership = require_registers(user)
    seal = Seal.objects.filter(pk=pk, unit__mechanism_id=membership.unit.mechanism_id).first()
    if seal is None:
        raise Http404("印章不存在。")
    return seal

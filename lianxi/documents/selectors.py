"""Reads of the drafting pages (三(二)): the list with its filters, what waits for a person, the
header of a document (organs in seal order, 主送, 抄送) and the text a person is shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import member_units
from lianxi.typesetting.headings import heading_level

from .access import (
    DRAFTING_ROLES,
    DocumentSight,
    sight,
    visible_documents,
    visible_versions,
)
from .models import (
    Consultation,
    CoSignature,
    DocumentIssuer,
    DocumentReceipt,
    DocumentVersion,
    IssuedNumber,
    NumberRegister,
    OfficialDocument,
    Seal,
    UnitReply,
)

LIST_PAGE_SIZE = 25
Role = Membership.Role

# The list's "relation" filter: how the person's unit stands to a document.
RELATIONS = {
    "drafted": "本单位起草",
    "co_issued": "本单位联合发文",
    "consulted": "征求本单位意见",
    "received": "发送本单位",
}


def document_list(
    user: Any, *, status: str = "", kind: str = "", relation: str = ""
) -> QuerySet[OfficialDocument]:
    """The documents the person sees (access.visible_documents), filtered, newest first."""
    documents = visible_documents(user).select_related("drafting_unit")
    if status:
        documents = documents.filter(status=status)
    if kind:
        documents = documents.filter(kind=kind)
    membership = membership_of(user)
    if relation and membership is not None:
        unit_id = membership.unit_id
        if relation == "drafted":
            documents = documents.filter(drafting_unit_id=unit_id)
        elif relation == "co_issued":
            documents = documents.filter(
                pk__in=DocumentIssuer.objects.filter(unit_id=unit_id, order__gt=1).values(
                    "document_id"
                )
            )
        elif relation == "consulted":
            documents = documents.filter(
                pk__in=UnitReply.objects.filter(unit_id=unit_id).values("consultation__document_id")
            )
        elif relation == "received":
            documents = documents.filter(
                pk__in=DocumentReceipt.objects.filter(unit_id=unit_id).values("document_id")
            )
    return documents.order_by("-updated_at", "-id")


@dataclass(frozen=True)
class Waiting:
    """One thing a person's unit has to do on a document."""

    document_id: int
    title: str
    what: str


def waiting_for(user: Any) -> list[Waiting]:
    """What waits for the person's unit (三(二), 四(五)): replies to draft (liaison or member)
    or to approve (member), co-signatures to give (member), receipts to sign. Three queries."""
    membership = membership_of(user)
    if membership is None:
        return []
    unit_id = membership.unit_id
    mechanism_id = membership.unit.mechanism_id
    items: list[Waiting] = []
    if membership.role in DRAFTING_ROLES:
        replies = UnitReply.objects.filter(
            unit_id=unit_id,
            consultation__status=Consultation.Status.OPEN,
            consultation__document__mechanism_id=mechanism_id,
            status__in=[
                UnitReply.Status.PENDING,
                UnitReply.Status.OVERDUE,
                UnitReply.Status.DRAFTED,
            ],
        ).select_related("consultation__document", "consultation__version")
        approver = membership.role in (Role.MEMBER, Role.SECRETARIAT)
        for reply in replies:
            document = reply.consultation.document
            if reply.status == UnitReply.Status.DRAFTED:
                if not approver:
                    continue
                what = "征求意见反馈待审核"
            else:
                what = f"征求意见待反馈（{reply.consultation.deadline:%m月%d日}前）"
            # the title of the version sent to the unit, not a later draft's (三(二))
            items.append(Waiting(document.pk, reply.consultation.version.title, what))
    if membership.role in (Role.MEMBER, Role.SECRETARIAT):
        signatures = CoSignature.objects.filter(
            unit_id=unit_id,
            status=CoSignature.Status.PENDING,
            document__mechanism_id=mechanism_id,
            document__status=OfficialDocument.Status.COSIGNING,
        ).select_related("document")
        items += [Waiting(s.document_id, s.document.title, "待会签") for s in signatures]
    receipts = DocumentReceipt.objects.filter(
        unit_id=unit_id,
        acknowledged_at__isnull=True,
        document__mechanism_id=mechanism_id,
        document__status=OfficialDocument.Status.ISSUED,
    ).select_related("document")
    items += [Waiting(r.document_id, r.document.title, "待签收") for r in receipts]
    return items


def shown_version(
    user: Any,
    document: OfficialDocument,
    number: int | None = None,
    *,
    view: DocumentSight | None = None,
) -> DocumentVersion | None:
    """The version shown on the document page: the one asked for if the person may see it, else
    the current one for the drafting side, the newest one sent to a consulted unit (三(二)).
    `view`: the person's sight of the document when the page has it already."""
    versions = visible_versions(user, document).select_related("created_by", "created_unit")
    if number is not None:
        return versions.filter(number=number).first()
    if (view or sight(user, document)).insider:
        return versions.filter(number=document.version).first()
    return versions.order_by("-number").first()


@dataclass(frozen=True)
class Paragraph:
    number: int
    text: str
    level: int


def numbered(paragraphs: list[str]) -> list[Paragraph]:
    """The paragraphs with their numbers (from 1, as comments cite them) and heading levels."""
    return [Paragraph(n, text, heading_level(text)) for n, text in enumerate(paragraphs, 1)]


def version_rows(
    user: Any, document: OfficialDocument, *, view: DocumentSight | None = None
) -> list[DocumentVersion]:
    """Every version the person may see, newest first, with who saved it and the rounds it went
    out in — for a unit outside the drafting side only the rounds it was consulted in (三(二)).
    `view`: the person's sight of the document when the caller has it."""
    view = view or sight(user, document)
    rounds = Consultation.objects.order_by("round")
    if not view.insider:
        if view.membership is None:
            rounds = rounds.none()
        else:
            rounds = rounds.filter(replies__unit_id=view.membership.unit_id)
    return list(
        visible_versions(user, document)
        .select_related("created_by", "created_unit")
        .prefetch_related(Prefetch("consultations", queryset=rounds))
        .order_by("-number")
    )


def drafts_of_unit(user: Any) -> QuerySet[OfficialDocument]:
    """The documents the person's unit drafts, not yet issued (the home panel)."""
    membership = membership_of(user)
    if membership is None or membership.role not in DRAFTING_ROLES:
        return OfficialDocument.objects.none()
    return (
        visible_documents(user)
        .filter(drafting_unit_id=membership.unit_id)
        .filter(~Q(status__in=[OfficialDocument.Status.ISSUED, OfficialDocument.Status.WITHDRAWN]))
        .order_by("-updated_at")
    )


def registers_of(mechanism_id: int) -> QuerySet[NumberRegister]:
    """The joint meeting's 发文字号 registers (四(六)): its own first, then by organ."""
    return (
        NumberRegister.objects.filter(mechanism_id=mechanism_id)
        .select_related("unit")
        .order_by("-for_mechanism", "unit__order", "prefix")
    )


def outgoing_numbers(mechanism_id: int, year: int) -> QuerySet[IssuedNumber]:
    """The 发文登记簿 of a year (四(六)): every number taken, in the order taken, with its
    document's issuing organs."""
    return (
        IssuedNumber.objects.filter(register__mechanism_id=mechanism_id, year=year)
        .select_related("register", "document__mechanism")
        .prefetch_related("document__issuers__unit")
        .order_by("taken_at", "pk")
    )


@dataclass(frozen=True)
class SealRow:
    """A member unit on the seals page (四(六)): its seal in use, and how many it had before."""

    unit: Unit
    seal: Seal | None
    earlier: int


def seal_rows(mechanism_id: int) -> list[SealRow]:
    """Every member unit with its seal in use (without the image bytes) and the count of its
    replaced ones, in the units' order."""
    units = list(member_units(mechanism_id))
    seals = Seal.objects.filter(unit__in=units).defer("image").order_by("unit_id", "-uploaded_at")
    active: dict[int, Seal] = {}
    earlier: dict[int, int] = {}
    for seal in seals:
        if seal.active:
            active[seal.unit_id] = seal
        else:
            earlier[seal.unit_id] = earlier.get(seal.unit_id, 0) + 1
    return [SealRow(u, active.get(u.pk), earlier.get(u.pk, 0)) for u in units]

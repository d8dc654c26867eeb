"""会签 (四(五)): the drafter sends the current version to every co-issuing unit; each unit's
member signs the text it saw (its hash) or returns it with reasons.

- In parallel (同时会签) every co-issuer is asked at once; in order (依次会签) one after the other,
  the next asked when the one before signs.
- A signature binds the version's hash: an edit voids it (drafts.void_signatures), and a signer
  whose text changed under them is refused ("正文已修改，请重新送签").
- A co-issuer that already signed exactly the current text is not asked again when the drafter
  sends it once more (after another unit returned it unchanged, say).
- A return sends the document back to draft (起草中) and stops the other pending requests.
- Every step is audited; all signed, the document waits for the secretariat to issue it
  (待印发, 四(六)).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.models import Membership

from ..access import may_cosign, require_edit
from ..models import Comment, Consultation, CoSignature, OfficialDocument, UnitReply
from .common import clean_text, current_version, document_url

Status = OfficialDocument.Status
SignStatus = CoSignature.Status
REASON_MAX = 2_000
TEXT_CHANGED = "正文已修改，请重新送签。"


def _lock(document: OfficialDocument) -> OfficialDocument:
    return (
        OfficialDocument.objects.select_for_update(of=("self",))
        .select_related("mechanism", "drafting_unit")
        .get(pk=document.pk)
    )


def open_round(document: OfficialDocument) -> Consultation | None:
    """The comment round still open on the document, if any (三(二))."""
    return document.consultations.filter(status=Consultation.Status.OPEN).first()


def undecided_comments(document: OfficialDocument) -> int:
    """三(二): the comments of the units' sent replies the drafter has not answered yet (采纳,
    部分采纳 or 不采纳); the text goes on to 会签 and 印发 only when every one is answered."""
    return Comment.objects.filter(
        reply__consultation__document=document,
        reply__status=UnitReply.Status.SUBMITTED,
        decision="",
    ).count()


def undecided_problem(count: int) -> str:
    return f"尚有 {count} 条修改意见未处理，请在意见采纳情况表中逐条处理（工作规则三(二)）。"


def signed_unit_ids(document: OfficialDocument, sha256: str) -> set[int]:
    """The co-issuing units whose signature stands on the text hashed `sha256` (四(五))."""
    return set(
        document.cosignatures.filter(status=SignStatus.SIGNED, text_sha256=sha256).values_list(
            "unit_id", flat=True
        )
    )


def _drafter_recipients(document: OfficialDocument) -> list[object]:
    """The drafting unit (its member and liaison) and whoever created the document (a clerk of
    the secretariat is not reached by a unit's messages)."""
    return [document.drafting_unit, document.created_by]


def _ask(document: OfficialDocument, signatures: list[CoSignature], actor: Membership) -> None:
    if not signatures:
        return
    notify(
        recipients=[s.unit for s in signatures],
        kind="document.cosign",
        subject=f"请会签：{document.title}",
        body=(
            f"{document.drafting_unit.name}起草的《{document.title}》拟联合印发，"
            "请贵单位负责同志审核会签，或说明理由退回（工作规则四(五)）。"
        ),
        url=document_url(document),
        actor=actor,
        mechanism=document.mechanism,
    )


def _next_sequential(document: OfficialDocument) -> CoSignature | None:
    return (
        document.cosignatures.filter(status=SignStatus.PENDING)
        .select_related("unit")
        .order_by("order")
        .first()
    )


@transaction.atomic
def cosign_request(*, actor: Membership, document: OfficialDocument) -> list[CoSignature]:
    """四(五): the drafting unit sends the current version for 会签 to every co-issuing unit.

    Refused when the document has no co-issuer (nothing to sign: the secretariat may issue it at
    once), while a comment round is open, or when it is not a draft. Returns the requests made."""
    document = _lock(document)
    require_edit(actor.user, document)
    if document.status == Status.COSIGNING:
        raise ApplicationError("公文已在会签中。")
    if document.status == Status.SIGNED:
        raise ApplicationError("各联合发文单位已会签完毕，请送联席会议办公室印发。")
    if document.status != Status.DRAFT:
        raise ApplicationError("只有起草中的公文可以送会签。")
    co_issuers = list(document.issuers.filter(order__gte=2).select_related("unit"))
    if not co_issuers:
        raise ApplicationError(
            "本公文没有联合发文单位，无需会签，可直接由联席会议办公室印发（工作规则四(六)）。"
        )
    consultation = open_round(document)
    if consultation is not None:
        raise ApplicationError(
            f"第{consultation.round}轮征求意见尚未结束，请结束征求意见、处理各单位意见后再送会签。"
        )
    undecided = undecided_comments(document)
    if undecided:
        raise ApplicationError(undecided_problem(undecided))
    version = current_version(document)
    kept = signed_unit_ids(document, version.sha256)
    # Signatures of another text cannot stand beside the new request (an edit voided them
    # already; this is the same rule for a request made by other means).
    stale = document.cosignatures.filter(
        status__in=[SignStatus.PENDING, SignStatus.SIGNED]
    ).exclude(unit_id__in=kept)
    stale.update(status=SignStatus.VOID, voided_reason="重新送签")
    created = CoSignature.objects.bulk_create(
        CoSignature(
            document=document,
            unit=issuer.unit,
            order=issuer.order - 1,
            version=version,
            text_sha256=version.sha256,
        )
        for issuer in co_issuers
        if issuer.unit_id not in kept
    )
    document.status = Status.COSIGNING if created else Status.SIGNED
    document.save(update_fields=["status", "updated_at"])
    if document.sign_order == OfficialDocument.SignOrder.PARALLEL:
        _ask(document, created, actor)
    else:
        _ask(document, created[:1], actor)
    audit_record(
        actor=actor,
        action="document.cosign_request",
        target=document,
        data={
            "version": version.number,
            "sha256": version.sha256,
            "units": [s.unit.name for s in created],
            "kept": len(kept),
            "order": document.sign_order,
        },
    )
    return created


def _lock_signature(signature: CoSignature) -> tuple[CoSignature, OfficialDocument]:
    document = _lock(signature.document)
    signature = (
        CoSignature.objects.select_for_update(of=("self",))
        .select_related("unit", "version")
        .get(pk=signature.pk)
    )
    return signature, document


def _check_turn(actor: Membership, signature: CoSignature, document: OfficialDocument) -> None:
    if signature.status != SignStatus.PENDING:
        if signature.status == SignStatus.VOID:
            why = signature.voided_reason or "正文已修改"
            raise ApplicationError(f"该会签已作废（{why}），请等待起草单位重新送签。")
        raise ApplicationError(f"贵单位已{signature.get_status_display()}，无需重复操作。")
    if not may_cosign(actor.user, signature):
        raise PermissionDenied("只有联合发文单位的负责同志可以会签（工作规则四(五)）。")
    if document.status != Status.COSIGNING:
        raise ApplicationError("公文不在会签中。")
    if document.sign_order == OfficialDocument.SignOrder.SEQUENTIAL:
        first = _next_sequential(document)
        if first is not None and first.pk != signature.pk:
            raise ApplicationError(f"本公文依次会签，请待{first.unit.name}会签后再签。")


@transaction.atomic
def cosign_sign(*, actor: Membership, signature: CoSignature) -> CoSignature:
    """四(五): the co-issuing unit's member signs the version sent; the text must still be the
    document's current one. The last signature makes the document ready to issue (待印发)."""
    signature, document = _lock_signature(signature)
    _check_turn(actor, signature, document)
    version = current_version(document)
    if signature.text_sha256 != version.sha256:
        raise ApplicationError(TEXT_CHANGED)
    signature.status = SignStatus.SIGNED
    signature.signed_by = actor.user
    signature.signer_name = (actor.user.first_name or actor.user.get_username())[:50]
    signature.signed_at = timezone.now()
    signature.save(update_fields=["status", "signed_by", "signer_name", "signed_at"])
    audit_record(
        actor=actor,
        action="document.cosign_sign",
        target=document,
        data={"unit": signature.unit.name, "version": version.number, "sha256": version.sha256},
    )
    pending = _next_sequential(document)
    if pending is None:
        document.status = Status.SIGNED
        document.save(update_fields=["status", "updated_at"])
        notify(
            recipients=_drafter_recipients(document),
            kind="document.signed",
            subject=f"会签完毕：{document.title}",
            body="各联合发文单位已会签完毕，请联席会议办公室编号印发（工作规则四(六)）。",
            url=document_url(document),
            actor=actor,
            mechanism=document.mechanism,
        )
    elif document.sign_order == OfficialDocument.SignOrder.SEQUENTIAL:
        _ask(document, [pending], actor)
    return signature


@transaction.atomic
def cosign_return(*, actor: Membership, signature: CoSignature, reason: str) -> CoSignature:
    """四(五): the co-issuing unit returns the text with its reasons; the document goes back to
    draft, the other pending requests stop, and the drafter is told why."""
    reason = clean_text(reason, "退回理由", REASON_MAX, kind="paragraph")
    signature, document = _lock_signature(signature)
    _check_turn(actor, signature, document)
    signature.status = SignStatus.RETURNED
    signature.reason = reason
    signature.signed_by = actor.user
    signature.signer_name = (actor.user.first_name or actor.user.get_username())[:50]
    signature.signed_at = timezone.now()
    signature.save(update_fields=["status", "reason", "signed_by", "signer_name", "signed_at"])
    document.cosignatures.filter(status=SignStatus.PENDING).update(
        status=SignStatus.VOID, voided_reason=f"{signature.unit.name}退回，会签中止"
    )
    document.status = Status.DRAFT
    document.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="document.cosign_return",
        target=document,
        data={"unit": signature.unit.name, "reason": reason},
    )
    notify(
        recipients=_drafter_recipients(document),
        kind="document.cosign_returned",
        subject=f"会签退回：{document.title}",
        body=f"{signature.unit.name}退回了会签，理由：{reason}",
        url=document_url(document),
        actor=actor,
        mechanism=document.mechanism,
    )
    return signature

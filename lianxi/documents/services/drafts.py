"""Drafts with versions (三(二)): create, save (every save a version, stale saves refused), the
issuing organs and recipients, and the voiding of co-signatures an edit makes stale (四(五))."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.access import is_secretariat
from lianxi.organization.models import Membership, Unit

from ..access import require_draft, require_edit
from ..models import (
    CoSignature,
    DocumentIssuer,
    DocumentRecipient,
    DocumentVersion,
    OfficialDocument,
)
from .common import (
    NAME_MAX,
    NOTE_MAX,
    TITLE_MAX,
    clean_attachments,
    clean_paragraphs,
    clean_text,
    current_version,
    document_url,
    mechanism_units,
    text_sha256,
)

KIND_BY_LABEL = {label: value for value, label in OfficialDocument.Kind.choices}
CO_ISSUERS_MAX = 15


class StaleSave(ApplicationError):
    """The draft was saved by someone else since the version this save was based on."""

    def __init__(self, current: DocumentVersion) -> None:
        who = current.created_by.first_name or current.created_by.get_username()
        super().__init__(
            f"保存未成功：在您编辑期间，{who}"
            f"（{current.created_unit.name}）已保存了第 {current.number} 稿。"
            "请对照对方的修改，把您的修改合并到最新稿后再保存；您填写的内容没有丢失。",
            field="based_on",
        )
        self.current = current


@dataclass(frozen=True)
class Parties:
    """Who issues a document and to whom it goes."""

    co_issuing_unit_ids: Sequence[int] = ()
    main_to_unit_ids: Sequence[int] = ()
    main_to_names: Sequence[str] = ()
    copy_to_unit_ids: Sequence[int] = ()
    copy_to_names: Sequence[str] = ()
    # 签发人 of each issuing organ (upward documents), by unit id.
    signatories: Mapping[int, str] = field(default_factory=dict)


def kind_of(value: str) -> str:
    """A kind given as its code (plan) or its Chinese name (方案)."""
    value = (value or "").strip()
    if value in OfficialDocument.Kind.values:
        return value
    if value in KIND_BY_LABEL:
        return KIND_BY_LABEL[value]
    raise ApplicationError(f"文种应为{'、'.join(OfficialDocument.Kind.labels)}之一。", field="kind")


def _names(values: Sequence[str], label: str) -> list[str]:
    names = [clean_text(v, label, NAME_MAX) for v in values if (v or "").strip()]
    if len(set(names)) != len(names):
        raise ApplicationError(f"{label}中有重复的机关。")
    return names


def _write_parties(*, actor: Membership, document: OfficialDocument, parties: Parties) -> None:
    co_issuers = mechanism_units(actor, parties.co_issuing_unit_ids, "联合发文单位")
    if len(co_issuers) > CO_ISSUERS_MAX:
        raise ApplicationError(f"联合发文单位不能超过 {CO_ISSUERS_MAX} 个。")
    if any(u.pk == document.drafting_unit_id for u in co_issuers):
        raise ApplicationError("起草单位是主办机关，不必再列为联合发文单位。")
    if any(u.kind != Unit.Kind.MEMBER for u in co_issuers):
        raise ApplicationError("联合发文单位应为联席会议成员单位。")
    if document.in_mechanism_name and co_issuers:
        raise ApplicationError("以联席会议名义印发的公文不列联合发文单位。")
    main_units = mechanism_units(actor, parties.main_to_unit_ids, "主送单位")
    copy_units = mechanism_units(actor, parties.copy_to_unit_ids, "抄送单位")
    if {u.pk for u in main_units} & {u.pk for u in copy_units}:
        raise ApplicationError("同一单位不能既是主送又是抄送。")
    main_names = _names(parties.main_to_names, "主送机关")
    copy_names = _names(parties.copy_to_names, "抄送机关")
    organs = [document.drafting_unit, *co_issuers]
    signatories = {
        int(k): clean_text(v, "签发人", 50, required=False) for k, v in parties.signatories.items()
    }
    if set(signatories) - {u.pk for u in organs}:
        raise ApplicationError("签发人只能填写发文机关的。")
    document.issuers.all().delete()
    DocumentIssuer.objects.bulk_create(
        DocumentIssuer(
            document=document, unit=unit, order=n, signatory=signatories.get(unit.pk, "")
        )
        for n, unit in enumerate(organs, start=1)
    )
    document.recipients.all().delete()
    rows = []
    for kind, units, names in (
        (DocumentRecipient.Kind.MAIN, main_units, main_names),
        (DocumentRecipient.Kind.COPY, copy_units, copy_names),
    ):
        rows += [
            DocumentRecipient(document=document, kind=kind, unit=u, order=n)
            for n, u in enumerate(units)
        ]
        rows += [
            DocumentRecipient(document=document, kind=kind, name=name, order=len(units) + n)
            for n, name in enumerate(names)
        ]
    DocumentRecipient.objects.bulk_create(rows)


@transaction.atomic
def document_create(
    *,
    actor: Membership,
    kind: str,
    title: str,
    paragraphs: Sequence[str],
    parties: Parties | None = None,
    attachments: Sequence[str] = (),
    note: str = "",
    urgency: str = "",
    in_mechanism_name: bool = False,
    sign_order: str = OfficialDocument.SignOrder.PARALLEL,
    summary: str = "",
) -> OfficialDocument:
    """三(二): a member unit (or the secretariat) drafts a document; its first version is saved.

    A document in the joint meeting's own name (in_mechanism_name, 四(六)) is drafted by the
    secretariat and sealed by its unit (the health commission) on the joint meeting's behalf."""
    require_draft(actor.user)
    kind = kind_of(kind)
    title = clean_text(title, "标题", TITLE_MAX)
    paragraphs = clean_paragraphs(paragraphs)
    attachments = clean_attachments(attachments)
    note = clean_text(note, "附注", NOTE_MAX, required=False)
    if urgency not in OfficialDocument.Urgency.values:
        raise ApplicationError("紧急程度应为特急、加急或不填。", field="urgency")
    if sign_order not in OfficialDocument.SignOrder.values:
        raise ApplicationError("会签方式应为同时会签或依次会签。", field="sign_order")
    if in_mechanism_name and not is_secretariat(actor):
        raise ApplicationError(
            "以联席会议名义印发的公文由联席会议办公室起草，市卫生健康委代章（工作规则四(六)）。"
        )
    document = OfficialDocument.objects.create(
        mechanism_id=actor.unit.mechanism_id,
        kind=kind,
        drafting_unit=actor.unit,
        in_mechanism_name=in_mechanism_name,
        sealed_by=actor.unit if in_mechanism_name else None,
        title=title,
        urgency=urgency,
        sign_order=sign_order,
        version=1,
        created_by=actor.user,
    )
    _write_parties(actor=actor, document=document, parties=parties or Parties())
    DocumentVersion.objects.create(
        document=document,
        number=1,
        title=title,
        paragraphs=paragraphs,
        attachments=attachments,
        note=note,
        sha256=text_sha256(title=title, paragraphs=paragraphs, attachments=attachments, note=note),
        summary=clean_text(summary, "修改说明", 200, required=False) or "初稿",
        created_by=actor.user,
        created_unit=actor.unit,
    )
    audit_record(
        actor=actor,
        action="document.create",
        target=document,
        data={"kind": kind, "co_issuers": list(parties.co_issuing_unit_ids) if parties else []},
    )
    return document


def _lock(document: OfficialDocument) -> OfficialDocument:
    return OfficialDocument.objects.select_for_update().get(pk=document.pk)


def void_signatures(*, actor: Membership, document: OfficialDocument, reason: str) -> int:
    """四(五): a signature binds the text it saw; changing the text voids every live signature,
    and the signers are told. Returns how many were voided."""
    live = list(
        document.cosignatures.filter(
            status__in=[CoSignature.Status.PENDING, CoSignature.Status.SIGNED]
        ).select_related("unit")
    )
    if not live:
        return 0
    signed_units = [s.unit for s in live if s.status == CoSignature.Status.SIGNED]
    CoSignature.objects.filter(pk__in=[s.pk for s in live]).update(
        status=CoSignature.Status.VOID, voided_reason=reason
    )
    audit_record(
        actor=actor,
        action="document.signatures_void",
        target=document,
        data={"reason": reason, "units": [s.unit.name for s in live]},
    )
    if signed_units:
        notify(
            recipients=signed_units,
            kind="document_signatures_void",
            subject=f"会签已作废：{document.title}",
            body=f"{reason}。贵单位此前的会签已作废，起草单位重新送签后请再次会签。",
            url=document_url(document),
            actor=actor,
            mechanism=document.mechanism,
        )
    return len(live)


@transaction.atomic
def document_save(
    *,
    actor: Membership,
    document: OfficialDocument,
    based_on: int,
    title: str,
    paragraphs: Sequence[str],
    attachments: Sequence[str] = (),
    note: str = "",
    summary: str = "",
) -> DocumentVersion:
    """三(二): a save is a new version. It names the version it was based on: when another save
    came first it is refused (StaleSave, carrying the current version) and nothing is written.
    四(五): a text changed after co-signatures voids them and the document returns to draft."""
    document = _lock(document)
    require_edit(actor.user, document)
    if based_on != document.version:
        raise StaleSave(current_version(document))
    title = clean_text(title, "标题", TITLE_MAX)
    paragraphs = clean_paragraphs(paragraphs)
    attachments = clean_attachments(attachments)
    note = clean_text(note, "附注", NOTE_MAX, required=False)
    sha = text_sha256(title=title, paragraphs=paragraphs, attachments=attachments, note=note)
    previous = current_version(document)
    if sha == previous.sha256:
        raise ApplicationError("内容与当前稿相同，无需保存。")
    number = document.version + 1
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        title=title,
        paragraphs=paragraphs,
        attachments=attachments,
        note=note,
        sha256=sha,
        summary=clean_text(summary, "修改说明", 200, required=False),
        created_by=actor.user,
        created_unit=actor.unit,
    )
    voided = void_signatures(
        actor=actor,
        document=document,
        reason=f"第 {number} 稿修改了正文（会签针对的是第 {previous.number} 稿）",
    )
    document.version = number
    document.title = title
    if voided and document.status in (
        OfficialDocument.Status.COSIGNING,
        OfficialDocument.Status.SIGNED,
    ):
        document.status = OfficialDocument.Status.DRAFT
    document.updated_at = timezone.now()
    document.save(update_fields=["version", "title", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="document.save",
        target=document,
        data={"version": number, "based_on": based_on, "signatures_voided": voided},
    )
    return version


@transaction.atomic
def document_set_parties(
    *,
    actor: Membership,
    document: OfficialDocument,
    parties: Parties,
    urgency: str | None = None,
    sign_order: str | None = None,
) -> OfficialDocument:
    """The issuing organs (联合发文, in seal order) and 主送/抄送 change only while no signature
    is live: a co-signer signs for a set of organs too."""
    document = _lock(document)
    require_edit(actor.user, document)
    if document.status != OfficialDocument.Status.DRAFT:
        raise ApplicationError("公文已送会签，请先撤回会签再调整发文机关和主送抄送。")
    if urgency is not None:
        if urgency not in OfficialDocument.Urgency.values:
            raise ApplicationError("紧急程度应为特急、加急或不填。", field="urgency")
        document.urgency = urgency
    if sign_order is not None:
        if sign_order not in OfficialDocument.SignOrder.values:
            raise ApplicationError("会签方式应为同时会签或依次会签。", field="sign_order")
        document.sign_order = sign_order
    _write_parties(actor=actor, document=document, parties=parties)
    void_signatures(actor=actor, document=document, reason="发文机关或主送抄送有调整")
    document.save(update_fields=["urgency", "sign_order", "updated_at"])
    audit_record(actor=actor, action="document.parties", target=document)
    return document

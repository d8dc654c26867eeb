"""Seals, number registers, issuing and receipts (四(六)): the secretariat issues the documents,
numbers them from the lead organ's register and seals them — the joint meeting's own with the
health commission's seal on its behalf (代章).

Numbers (发文字号): taken at issue through core.serials.next_number, in the issuing transaction
(a row lock on PostgreSQL, an IMMEDIATE write transaction on SQLite), so that clerks issuing at
the same moment wait for one another: no duplicate, no gap. A number once taken is an
`IssuedNumber` for good; withdrawn (作废), it stays recorded as such and is never taken again.

A withdrawn number takes the issue back: the document loses its number and returns to the state
it was issued from — 待印发 (SIGNED) when it had co-issuers, whose signatures still bind its
unchanged text, else 起草中 (DRAFT) — and may be issued again, with the next number. Its
receipts are removed and the units it went to are told it was withdrawn.

Seal images are used only when issuing: each issue audits the use of each organ's seal
(`seal.use`), and the rendered document shows the seal each organ had at the moment of issue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import warnings

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.core.serials import next_number
from lianxi.meetings.services.common import unit_recipients
from lianxi.notifications.services import inbox_mark_read_about, notify
from lianxi.organization.models import Membership, Unit

from ..access import may_acknowledge, require_registers
from ..models import (
    DocumentReceipt,
    DocumentRecipient,
    IssuedNumber,
    NumberRegister,
    OfficialDocument,
    Seal,
)
from .common import clean_text, current_version, document_url
from .signing import open_round, signed_unit_ids, undecided_comments, undecided_problem

Status = OfficialDocument.Status

SEAL_MAX_BYTES = 1024 * 1024
SEAL_MIN_PX = 200
SEAL_MAX_PX = 2000
PREFIX_MAX = 20
WITHDRAW_REASON_MAX = 200
ISSUE_KINDS = ("document.issued", "document.copy")
# A 代字 is words (信卫职健, 信人社): no brackets, digits or 号 of the number itself.
_PREFIX = re.compile(r"^[\u4e00-\u9fffA-Za-z]+$")


def _require_secretariat_of(actor: Membership, mechanism_id: int) -> None:
    require_registers(actor.user)
    if actor.unit.mechanism_id != mechanism_id:
        raise PermissionDenied("只能管理本联席会议的公文。")


def _mechanism_unit(actor: Membership, unit: Unit) -> Unit:
    if unit.mechanism_id != actor.unit.mechanism_id or not unit.active:
        raise ApplicationError("该单位不属于本联席会议。")
    return unit


# --- seals ------------------------------------------------------------------------------------


def _seal_image(data: bytes) -> tuple[int, int]:
    """The PNG's size, after the checks a seal must pass; else a refusal saying what is wrong."""
    if not data:
        raise ApplicationError("请选择印章图片。")
    if len(data) > SEAL_MAX_BYTES:
        raise ApplicationError(
            f"印章图片不能超过 1 MB（所传文件为 {len(data) / 1024 / 1024:.1f} MB）。"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ApplicationError("印章图片应为透明背景的 PNG 图片，所传文件无法识别。") from None
    if kind != "PNG":
        raise ApplicationError(f"印章图片应为透明背景的 PNG 图片（所传文件为 {kind} 格式）。")
    if not (SEAL_MIN_PX <= width <= SEAL_MAX_PX and SEAL_MIN_PX <= height <= SEAL_MAX_PX):
        raise ApplicationError(
            f"印章图片的宽和高应在 {SEAL_MIN_PX} 至 {SEAL_MAX_PX} 像素之间"
            f"（所传图片为 {width}×{height} 像素）。"
        )
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    try:
        lowest = image.convert("RGBA").getchannel("A").getextrema()[0] if has_alpha else 255
        transparent = isinstance(lowest, int) and lowest < 255
    except (OSError, ValueError):
        raise ApplicationError("印章图片已损坏，无法读取。") from None
    if not transparent:
        raise ApplicationError(
            "印章图片须为透明背景（带透明通道的 PNG），否则盖在正文和日期上会遮挡文字。"
        )
    return width, height


@transaction.atomic
def seal_upload(*, actor: Membership, unit: Unit, data: bytes) -> Seal:
    """四(六): the secretariat keeps each unit's seal image (a transparent PNG); a new one
    replaces the unit's seal in use (the old one is kept, out of use, for the documents issued
    with it)."""
    require_registers(actor.user)
    unit = _mechanism_unit(actor, unit)
    width, height = _seal_image(data)
    Seal.objects.filter(unit=unit, active=True).update(active=False)
    digest = hashlib.sha256(data).hexdigest()
    seal = Seal.objects.create(
        unit=unit,
        image=data,
        sha256=digest,
        width=width,
        height=height,
        active=True,
        uploaded_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="seal.upload",
        target=seal,
        data={"unit": unit.name, "sha256": digest, "width": width, "height": height},
    )
    return seal


def seal_at(unit_id: int, moment: dt.datetime | None) -> Seal | None:
    """The seal a unit had in use at `moment` (when the number was taken, `IssuedNumber.taken_at`,
    whatever 成文日期 the issue gave): the newest uploaded before it."""
    if moment is None:
        return None
    return (
        Seal.objects.filter(unit_id=unit_id, uploaded_at__lte=moment)
        .order_by("-uploaded_at", "-id")
        .first()
    )


def sealing_units(document: OfficialDocument) -> list[Unit]:
    """Whose seals an issued document carries, in seal order: the joint meeting's own documents
    the sealing unit's (代章, 四(六)); a joint document the lead organ's and each co-issuer's that
    signed the current text (四(五)) — never a seal of a unit that did not sign."""
    if document.in_mechanism_name:
        return [document.sealed_by] if document.sealed_by else []
    signed = signed_unit_ids(document, current_version(document).sha256)
    return [
        issuer.unit
        for issuer in document.issuers.select_related("unit").order_by("order")
        if issuer.order == 1 or issuer.unit_id in signed
    ]


# --- registers --------------------------------------------------------------------------------


@transaction.atomic
def register_create(
    *, actor: Membership, unit: Unit, prefix: str, for_mechanism: bool = False
) -> NumberRegister:
    """四(六): a 发文字号 register (one 代字 of an issuing organ, numbered per year); the joint
    meeting's own documents take theirs from its one `for_mechanism` register."""
    require_registers(actor.user)
    unit = _mechanism_unit(actor, unit)
    prefix = clean_text(prefix, "发文代字", PREFIX_MAX)
    if not _PREFIX.match(prefix):
        raise ApplicationError(
            "发文代字只写机关代字（如“信卫职健”），不含年份、括号、序号和“号”字。"
        )
    mechanism_id = actor.unit.mechanism_id
    if NumberRegister.objects.filter(mechanism_id=mechanism_id, prefix=prefix).exists():
        raise ApplicationError(f"发文代字“{prefix}”已存在。")
    if for_mechanism:
        existing = NumberRegister.objects.filter(
            mechanism_id=mechanism_id, for_mechanism=True, active=True
        ).first()
        if existing is not None:
            raise ApplicationError(f"联席会议发文字号已设置为“{existing.prefix}”。")
    try:
        with transaction.atomic():
            register = NumberRegister.objects.create(
                mechanism_id=mechanism_id, unit=unit, prefix=prefix, for_mechanism=for_mechanism
            )
    except IntegrityError:
        raise ApplicationError(f"发文代字“{prefix}”已存在。") from None
    audit_record(
        actor=actor,
        action="register.create",
        target=register,
        data={"unit": unit.name, "prefix": prefix, "for_mechanism": for_mechanism},
    )
    return register


def registers_for(document: OfficialDocument) -> list[NumberRegister]:
    """The registers a document may be numbered from: the joint meeting's for its own
    documents, else the lead (drafting) organ's."""
    registers = NumberRegister.objects.filter(mechanism_id=document.mechanism_id, active=True)
    if document.in_mechanism_name:
        return list(registers.filter(for_mechanism=True))
    return list(
        registers.filter(unit_id=document.drafting_unit_id, for_mechanism=False).order_by("prefix")
    )


def _register(document: OfficialDocument, chosen: NumberRegister | None) -> NumberRegister:
    candidates = registers_for(document)
    if chosen is not None:
        if chosen.pk not in {r.pk for r in candidates}:
            raise ApplicationError("所选发文字号不属于本公文的主办机关。", field="register")
        return chosen
    if not candidates:
        if document.in_mechanism_name:
            raise ApplicationError("尚未设置联席会议的发文字号，请先在“发文字号”页面添加。")
        raise ApplicationError(
            f"主办机关（{document.drafting_unit.name}）尚未设置发文字号，请先在“发文字号”页面添加。"
        )
    if len(candidates) > 1:
        raise ApplicationError("主办机关有多个发文字号，请选择一个。", field="register")
    return candidates[0]


# --- issuing ----------------------------------------------------------------------------------


def issue_problems(document: OfficialDocument) -> list[str]:
    """Why the document cannot be issued now (四(五), 四(六)); empty when it can."""
    if document.status == Status.ISSUED:
        return ["公文已印发。"]
    if document.status == Status.WITHDRAWN:
        return ["公文已撤回。"]
    problems = []
    consultation = open_round(document)
    if consultation is not None:
        problems.append(f"第{consultation.round}轮征求意见尚未结束。")
    undecided = undecided_comments(document)
    if undecided:
        problems.append(undecided_problem(undecided))
    co_issuers = list(document.issuers.filter(order__gte=2).select_related("unit"))
    if co_issuers:
        signed = signed_unit_ids(document, current_version(document).sha256)
        missing = [i.unit.name for i in co_issuers if i.unit_id not in signed]
        if missing:
            problems.append(f"尚未会签：{'、'.join(missing)}（工作规则四(五)）。")
    if document.upward:
        unsigned = [i.unit.name for i in document.issuers.select_related("unit") if not i.signatory]
        if unsigned:
            problems.append(f"上行文须写明签发人：{'、'.join(unsigned)}。")
    return problems


@transaction.atomic
def document_issue(
    *,
    actor: Membership,
    document: OfficialDocument,
    register: NumberRegister | None = None,
    issued_on: dt.date | None = None,
) -> OfficialDocument:
    """四(六): the secretariat issues the document: the next number of the lead organ's register
    (in this transaction: no duplicate, no gap), the seals of the organs that signed, a receipt
    for each 主送 and 抄送 unit, each told."""
    _require_secretariat_of(actor, document.mechanism_id)
    document = (
        OfficialDocument.objects.select_for_update(of=("self",))
        .select_related("mechanism", "drafting_unit", "sealed_by")
        .get(pk=document.pk)
    )
    problems = issue_problems(document)
    if problems:
        raise ApplicationError("不能印发：" + "".join(problems))
    register = _register(document, register)
    now = timezone.now()
    today = timezone.localdate(now)
    if issued_on is not None and issued_on != today:
        if issued_on > today:
            raise ApplicationError("成文日期不能晚于今天。", field="issued_on")
        now = timezone.make_aware(dt.datetime.combine(issued_on, timezone.localtime(now).time()))
    year = timezone.localdate(now).year
    serial = next_number(
        series=f"document:{register.pk}", scope_id=document.mechanism_id, year=year
    )
    text = register.format(year, serial)
    issued = IssuedNumber.objects.create(
        register=register,
        year=year,
        serial=serial,
        text=text,
        document=document,
        taken_by=actor.user,
    )
    document.document_number = text
    document.status = Status.ISSUED
    document.issued_at = now
    document.issued_by = actor.user
    document.save(
        update_fields=["document_number", "status", "issued_at", "issued_by", "updated_at"]
    )
    for unit in sealing_units(document):
        seal = seal_at(unit.pk, issued.taken_at)
        if seal is not None:
            audit_record(
                actor=actor,
                action="seal.use",
                target=seal,
                data={
                    "unit": unit.name,
                    "document": document.pk,
                    "number": text,
                    "sha256": seal.sha256,
                    "on_behalf": document.in_mechanism_name,
                },
            )
    rows = list(
        document.recipients.filter(unit__isnull=False)
        .select_related("unit")
        .order_by("kind", "order")
    )
    DocumentReceipt.objects.bulk_create(
        DocumentReceipt(document=document, unit=r.unit, kind=r.kind) for r in rows
    )
    url = document_url(document)
    for kind, notice_kind, lead in (
        (DocumentRecipient.Kind.MAIN, "document.issued", "请查阅并签收，抓好贯彻落实。"),
        (DocumentRecipient.Kind.COPY, "document.copy", "抄送贵单位，请查阅并签收。"),
    ):
        units = [r.unit for r in rows if r.kind == kind and r.unit is not None]
        if units:
            notify(
                recipients=unit_recipients(units),
                kind=notice_kind,
                subject=f"公文印发：{document.title}（{text}）",
                body=f"《{document.title}》（{text}）已印发，{lead}",
                url=url,
                actor=actor,
                mechanism=document.mechanism,
            )
    audit_record(
        actor=actor,
        action="document.issue",
        target=document,
        data={
            "number": text,
            "register": register.prefix,
            "serial": serial,
            "issued_number": issued.pk,
            "receipts": len(rows),
        },
    )
    return document


@transaction.atomic
def number_withdraw(*, actor: Membership, issued_number: IssuedNumber, reason: str) -> IssuedNumber:
    """四(六): a number taken in error is withdrawn (作废) with its reason, and stays recorded;
    it is never taken again. The document loses its number and its issue (see the module)."""
    issued_number = (
        IssuedNumber.objects.select_for_update(of=("self",))
        .select_related("register", "document")
        .get(pk=issued_number.pk)
    )
    _require_secretariat_of(actor, issued_number.register.mechanism_id)
    reason = clean_text(reason, "作废原因", WITHDRAW_REASON_MAX)
    if issued_number.status == IssuedNumber.Status.WITHDRAWN:
        raise ApplicationError("该文号已作废。")
    issued_number.status = IssuedNumber.Status.WITHDRAWN
    issued_number.withdrawn_reason = reason
    issued_number.save(update_fields=["status", "withdrawn_reason"])
    document = OfficialDocument.objects.select_for_update().get(pk=issued_number.document_id)
    receipt_units: list[Unit] = []
    if document.document_number == issued_number.text:
        co_issued = document.issuers.filter(order__gte=2).exists()
        receipts = document.receipts.select_related("unit")
        receipt_units = [r.unit for r in receipts]
        receipts.delete()
        document.document_number = ""
        document.status = Status.SIGNED if co_issued else Status.DRAFT
        document.issued_at = None
        document.issued_by = None
        document.save(
            update_fields=["document_number", "status", "issued_at", "issued_by", "updated_at"]
        )
    audit_record(
        actor=actor,
        action="number.withdraw",
        target=document,
        data={"number": issued_number.text, "reason": reason, "receipts": len(receipt_units)},
    )
    if receipt_units:
        notify(
            recipients=unit_recipients(receipt_units),
            kind="document.withdrawn",
            subject=f"公文撤回：{document.title}（{issued_number.text}）",
            body=f"《{document.title}》（{issued_number.text}）已撤回，文号作废。原因：{reason}",
            url="",
            actor=actor,
            mechanism=document.mechanism,
        )
    return issued_number


@transaction.atomic
def receipt_acknowledge(*, actor: Membership, receipt: DocumentReceipt) -> DocumentReceipt:
    """签收: a unit the document went to (主送 or 抄送) confirms it received it (四(六))."""
    receipt = (
        DocumentReceipt.objects.select_for_update(of=("self",))
        .select_related("document")
        .get(pk=receipt.pk)
    )
    if receipt.acknowledged_at is not None:
        return receipt
    if not may_acknowledge(actor.user, receipt):
        raise ApplicationError("只有收文单位可以签收公文。")
    receipt.acknowledged_at = timezone.now()
    receipt.acknowledged_by = actor.user
    receipt.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        actor=actor,
        action="document.acknowledge",
        target=receipt.document,
        data={"unit": receipt.unit_id},
    )
    inbox_mark_read_about(user=actor.user, kinds=ISSUE_KINDS, url=document_url(receipt.document))
    return receipt

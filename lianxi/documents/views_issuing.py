"""Co-signing (会签, 四(五)), seals and numbers (四(六)), issuing and receipts: pages. Thin:
access, one service, redirect back to the document.

- the document page's section (`issuing_section`): the co-signatures (unit, status, signer,
  when, reason; voided ones with why), 送会签 for the drafter, 会签 / 退回 for the co-issuer's
  member, 印发 for the secretariat (the register chosen when the lead organ has several; why it
  cannot be issued yet), the .docx/.pdf downloads, the receipts with 签收 for the receiving unit;
- the secretariat's 发文字号 page (the registers and a form to add one) and its 发文登记簿 (every
  number taken in a year, used or withdrawn with its reason) with its .xlsx.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxi.core.access import allowed_by
from lianxi.core.downloads import download_response
from lianxi.core.forms import Form
from lianxi.core.pages import run_action, run_form_action
from lianxi.organization.access import require_membership
from lianxi.organization.models import Unit
from lianxi.organization.selectors import member_units

from . import selectors
from .access import (
    DocumentSight,
    can_list_documents,
    can_manage_registers,
    cosignature_for,
    document_for,
    issued_number_for,
    may_acknowledge,
    may_cosign,
    may_issue,
    receipt_for,
    require_registers,
    seal_for,
)
from .models import NumberRegister, OfficialDocument
from .register_xlsx import register_xlsx
from .rendering import document_download
from .services.issuing import (
    PREFIX_MAX,
    SEAL_MAX_BYTES,
    WITHDRAW_REASON_MAX,
    document_issue,
    issue_problems,
    number_withdraw,
    receipt_acknowledge,
    register_create,
    registers_for,
    seal_upload,
)
from .services.signing import (
    REASON_MAX,
    cosign_request,
    cosign_return,
    cosign_sign,
    undecided_comments,
)

Status = OfficialDocument.Status


class ReturnForm(Form):
    reason = forms.CharField(
        label="退回理由",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写明退回理由。"},
    )


class IssueForm(Form):
    register = forms.TypedChoiceField(
        label="发文字号",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "所选发文字号不属于本公文的主办机关。"},
    )
    issued_on = forms.DateField(
        label="成文日期（不填为今天）",
        required=False,
        error_messages={"invalid": "请按“2025-03-01”的格式填写成文日期。"},
    )

    def __init__(self, *args: Any, registers: list[NumberRegister], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registers = {r.pk: r for r in registers}
        field = self.fields["register"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "请选择")] + [(r.pk, r.prefix) for r in registers]

    def chosen(self) -> NumberRegister | None:
        pk = self.cleaned_data.get("register")
        return self.registers.get(pk) if pk is not None else None


class RegisterForm(Form):
    unit = forms.TypedChoiceField(
        label="发文机关",
        coerce=int,
        error_messages={
            "required": "请选择发文机关。",
            "invalid_choice": "所选单位不属于本联席会议。",
        },
    )
    # Not "prefix": that is the form's own attribute (its fields' name prefix).
    code = forms.CharField(
        label="发文代字",
        max_length=PREFIX_MAX,
        help_text="只写机关代字，如“信卫职健”。",
        error_messages={"required": "请填写发文代字。"},
    )
    for_mechanism = forms.BooleanField(label="用于以联席会议名义印发的公文", required=False)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "请选择")] + [(u.pk, u.name) for u in units]


class SealForm(Form):
    unit = forms.TypedChoiceField(
        label="单位",
        coerce=int,
        error_messages={
            "required": "请选择单位。",
            "invalid_choice": "所选单位不属于本联席会议。",
        },
    )
    image = forms.FileField(
        label="印章图片（透明背景的 PNG）",
        error_messages={"required": "请选择印章图片。", "empty": "上传的文件是空的。"},
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "请选择")] + [(u.pk, u.name) for u in units]

    def clean_image(self) -> bytes:
        upload = self.cleaned_data["image"]
        # Read no more than the limit: a larger file is refused without being held whole.
        data: bytes = upload.read(SEAL_MAX_BYTES + 1)
        if len(data) > SEAL_MAX_BYTES:
            raise forms.ValidationError(f"印章图片不能超过 {SEAL_MAX_BYTES // 1024} KB。")
        return data


class WithdrawForm(Form):
    reason = forms.CharField(
        label="作废原因",
        max_length=WITHDRAW_REASON_MAX,
        error_messages={"required": "请写明作废原因。"},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def back_to(document_id: int, section: str = "issuing") -> HttpResponse:
    """Back to the document page, at one of its sections (#issuing, #rounds)."""
    return redirect(reverse("documents:detail", args=[document_id]) + f"#{section}")


def issuing_section(
    request: HttpRequest, document: OfficialDocument, *, view: DocumentSight, editable: bool
) -> dict[str, Any]:
    """The detail page's context for its signing-and-issuing section (documents/_issuing.html):
    the drafting side (drafter, co-issuers, the secretariat) sees every signature and receipt;
    a receiving unit its own receipt. `view` and `editable` (access.sight, access.may_edit) are
    the page's, decided once."""
    user = request.user
    signatures: list[dict[str, Any]] = []
    if view.insider:
        rows = document.cosignatures.select_related("unit", "version").order_by(
            "-requested_at", "order", "pk"
        )
        signatures = [{"s": s, "may_sign": may_cosign(user, s)} for s in rows]
    receipts = document.receipts.select_related("unit", "acknowledged_by").order_by("kind", "pk")
    if not view.insider:
        if view.membership is None:
            receipts = receipts.none()
        else:
            receipts = receipts.filter(unit_id=view.membership.unit_id)
    # Only a unit's own receipt can be its to sign for: access.may_acknowledge asked for that one.
    own_unit_id = view.membership.unit_id if view.membership else None
    receipt_rows = [
        {"r": r, "may_acknowledge": r.unit_id == own_unit_id and may_acknowledge(user, r)}
        for r in receipts
    ]
    issue: dict[str, Any] | None = None
    if may_issue(user, document):
        registers = registers_for(document)
        issue = {
            "problems": issue_problems(document),
            "registers": registers,
            "form": IssueForm(registers=registers),
        }
    may_request = (
        editable
        and document.status == Status.DRAFT
        and document.issuers.filter(order__gte=2).exists()
    )
    return {
        "issuing_section": {
            "insider": view.insider,
            "signatures": signatures,
            "receipts": receipt_rows,
            "may_request": may_request,
            # 三(二): the text goes to 会签 once every comment is answered
            "undecided": undecided_comments(document) if may_request else 0,
            "issue": issue,
            "return_form": ReturnForm(),
        }
    }


@require_POST
@allowed_by(can_list_documents)
def cosign_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    """四(五): the drafter sends the current version for 会签."""
    document = document_for(request.user, pk)
    run_action(
        request,
        lambda: cosign_request(actor=require_membership(request.user), document=document),
        "已送联合发文单位会签。",
    )
    return back_to(document.pk)


@require_POST
@allowed_by(can_list_documents)
def cosign_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """四(五): the co-issuing unit's member signs the text sent to it."""
    signature = cosignature_for(request.user, pk)
    run_action(
        request,
        lambda: cosign_sign(actor=require_membership(request.user), signature=signature),
        "已会签。",
    )
    return back_to(signature.document_id)


@require_POST
@allowed_by(can_list_documents)
def cosign_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    """四(五): the co-issuing unit's member returns the text with reasons."""
    signature = cosignature_for(request.user, pk)
    form = ReturnForm(request.POST)
    run_form_action(
        request,
        form,
        lambda: cosign_return(
            actor=require_membership(request.user),
            signature=signature,
            reason=form.cleaned_data["reason"],
        ),
        "已退回起草单位。",
    )
    return back_to(signature.document_id)


@require_POST
@allowed_by(can_list_documents)
def issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """四(六): the secretariat numbers, seals and sends the document."""
    document = document_for(request.user, pk)
    form = IssueForm(request.POST, registers=registers_for(document))
    run_form_action(
        request,
        form,
        lambda: document_issue(
            actor=require_membership(request.user),
            document=document,
            register=form.chosen(),
            issued_on=form.cleaned_data.get("issued_on"),
        ),
        "已印发。",
    )
    return back_to(document.pk)


@require_POST
@allowed_by(can_list_documents)
def receipt_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """签收 (四(六)): the receiving unit confirms it received the document."""
    receipt = receipt_for(request.user, pk)
    run_action(
        request,
        lambda: receipt_acknowledge(actor=require_membership(request.user), receipt=receipt),
        "已签收。",
    )
    return back_to(receipt.document_id)


@allowed_by(can_list_documents)
def document_download_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The document as .docx or PDF (`fmt`, given by its URL): the version the reader may see."""
    document = document_for(request.user, pk)
    response: HttpResponse = document_download(document, fmt, actor=request.user)
    return response


# --- the secretariat's registers and 发文登记簿 (四(六)) ---------------------------------------


@allowed_by(can_manage_registers)
def registers_page(request: HttpRequest) -> HttpResponse:
    """四(六): the secretariat's 发文字号 registers, one 代字 per issuing organ, and a new one."""
    membership = require_registers(request.user)
    units = list(member_units(membership.unit.mechanism_id))
    form = RegisterForm(request.POST or None, units=units)
    if request.method == "POST":
        done = run_form_action(
            request,
            form,
            lambda: register_create(
                actor=membership,
                unit=form.units[form.cleaned_data["unit"]],
                prefix=form.cleaned_data["code"],
                for_mechanism=form.cleaned_data["for_mechanism"],
            ),
            "已添加发文字号。",
        )
        if done:
            return redirect("documents:registers")
    return render(
        request,
        "documents/registers.html",
        {
            "registers": selectors.registers_of(membership.unit.mechanism_id),
            "form": form,
            "year": timezone.localdate().year,
        },
    )


@allowed_by(can_manage_registers)
def seals_page(request: HttpRequest) -> HttpResponse:
    """四(六): the secretariat keeps each member unit's seal image; a new upload replaces the
    one in use (documents issued before keep the seal they had)."""
    membership = require_registers(request.user)
    mechanism_id = membership.unit.mechanism_id
    form = SealForm(
        request.POST or None, request.FILES or None, units=list(member_units(mechanism_id))
    )
    if request.method == "POST":
        # The flash names the unit: a clerk uploads several seals one after another.
        unit = form.units[form.cleaned_data["unit"]] if form.is_valid() else None
        done = run_form_action(
            request,
            form,
            lambda: seal_upload(
                actor=membership,
                unit=form.units[form.cleaned_data["unit"]],
                data=form.cleaned_data["image"],
            ),
            f"已保存{unit.name}的印章，今后印发时使用。" if unit else "",
        )
        if done:
            return redirect("documents:seals")
    return render(
        request,
        "documents/seals.html",
        {"rows": selectors.seal_rows(mechanism_id), "form": form, "max_kb": SEAL_MAX_BYTES // 1024},
    )


@allowed_by(can_manage_registers)
def seal_image(request: HttpRequest, pk: int) -> HttpResponse:
    """A seal image, shown to the secretariat on its seals page; every look is audited."""
    seal = seal_for(request.user, pk)
    return download_response(
        bytes(seal.image),
        filename=f"seal-{seal.pk}.png",
        actor=request.user,
        target=seal,
        content_type="image/png",
        inline=True,
    )


@require_POST
@allowed_by(can_manage_registers)
def number_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """四(六): a number taken in error is withdrawn (作废) with its reason; it stays in the
    发文登记簿 and is never taken again."""
    number = issued_number_for(request.user, pk)
    form = WithdrawForm(request.POST)
    run_form_action(
        request,
        form,
        lambda: number_withdraw(
            actor=require_membership(request.user),
            issued_number=number,
            reason=form.cleaned_data["reason"],
        ),
        f"文号 {number.text} 已作废。",
    )
    return redirect(reverse("documents:outgoing") + f"?year={number.year}")


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= this_year else this_year


@allowed_by(can_manage_registers)
def outgoing_page(request: HttpRequest) -> HttpResponse:
    """四(六): the 发文登记簿 of a year: every number taken, used or withdrawn (作废)."""
    membership = require_registers(request.user)
    year = _year(request)
    return render(
        request,
        "documents/outgoing.html",
        {
            "numbers": selectors.outgoing_numbers(membership.unit.mechanism_id, year),
            "year": year,
            "years": list(range(timezone.localdate().year, 2019, -1)),
        },
    )


@allowed_by(can_manage_registers)
def outgoing_xlsx(request: HttpRequest) -> HttpResponse:
    membership = require_registers(request.user)
    year = _year(request)
    mechanism = membership.unit.mechanism
    content = register_xlsx(
        selectors.outgoing_numbers(mechanism.pk, year), mechanism_name=mechanism.name
    )
    return download_response(
        content,
        filename=f"{mechanism.name}发文登记簿（{year}年）.xlsx",
        ascii_filename=f"outgoing-{year}.xlsx",
        actor=request.user,
        content_type=XLSX,
    )

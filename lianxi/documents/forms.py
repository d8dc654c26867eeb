"""Forms of the drafting pages (三(二)): field checks only; the rules live in services.

The issuing organs are one table on the page, a row per member unit: a number in the row makes
the unit a co-issuer (联合发文) in that seal order, and for 请示/报告 the row takes its organ's
签发人. A clerk reads it as the paper sign-off sheet it replaces.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from lianxi.core.forms import Form
from lianxi.organization.models import Unit

from .models import OfficialDocument
from .selectors import RELATIONS
from .services import Parties
from .services.common import (
    ATTACHMENT_MAX,
    NAME_MAX,
    NOTE_MAX,
    PARAGRAPH_MAX,
    PARAGRAPHS_MAX,
    TITLE_MAX,
)

# A draft's text is at most 500 paragraphs of 5,000 characters (services.common).
BODY_MAX = 600_000
LINES_MAX = 4_000
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def lines_of(text: str) -> list[str]:
    """One item per line; blank lines and the full-width indent at a line's start dropped."""
    return [
        line.strip(" \t\u3000") for line in (text or "").splitlines() if line.strip(" \t\u3000")
    ]


def _text(label: str, rows: int, max_length: int, help_text: str = "", **kw: Any) -> Any:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=kw.pop("required", False),
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"请填写{label}。"},
        **kw,
    )


def _units_field(units: Any, label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=units,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "unit-choices"}),
        error_messages={
            "invalid_choice": "所选单位不存在。",
            "invalid_pk_value": "所选单位不存在。",
        },
    )


class DocumentFilterForm(Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *OfficialDocument.Status.choices]
    )
    kind = forms.ChoiceField(
        label="文种", required=False, choices=[("", "全部文种"), *OfficialDocument.Kind.choices]
    )
    relation = forms.ChoiceField(
        label="与本单位", required=False, choices=[("", "全部"), *RELATIONS.items()]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "所选筛选条件不存在。"


class TextFields(Form):
    """The text of a version: what document_save takes."""

    title = forms.CharField(
        label="标题", max_length=TITLE_MAX, error_messages={"required": "请填写标题。"}
    )
    body = _text(
        "正文",
        18,
        BODY_MAX,
        "每行一段，标题层次按“一、”“（一）”“1.”“（1）”书写；空行会被忽略。",
        required=True,
    )
    attachments = _text("附件", 3, LINES_MAX, "每行一个附件名称，不写序号。")
    note = forms.CharField(label="附注", max_length=NOTE_MAX, required=False)

    def clean_body(self) -> str:
        """Each line is a paragraph: too long a one, or too many, is refused under the field."""
        value: str = self.cleaned_data["body"]
        paragraphs = lines_of(value)
        for n, paragraph in enumerate(paragraphs, start=1):
            if len(paragraph) > PARAGRAPH_MAX:
                raise forms.ValidationError(
                    f"正文第 {n} 段超过 {PARAGRAPH_MAX} 个字（现为 {len(paragraph)} 个字），"
                    "请分段。"
                )
        if len(paragraphs) > PARAGRAPHS_MAX:
            raise forms.ValidationError(f"正文不能超过 {PARAGRAPHS_MAX} 段。")
        return value

    def clean_attachments(self) -> str:
        value: str = self.cleaned_data["attachments"]
        for name in lines_of(value):
            if len(name) > ATTACHMENT_MAX:
                raise forms.ValidationError(f"附件名称不能超过 {ATTACHMENT_MAX} 个字。")
        return value

    def paragraphs(self) -> list[str]:
        return lines_of(self.cleaned_data["body"])

    def attachment_names(self) -> list[str]:
        return lines_of(self.cleaned_data["attachments"])


class DocumentForm(TextFields):
    """A new draft or an edit: the text, and (while in draft) its organs and recipients."""

    kind = forms.ChoiceField(
        label="文种",
        choices=OfficialDocument.Kind.choices,
        error_messages={"required": "请选择文种。"},
    )
    urgency = forms.ChoiceField(
        label="紧急程度", required=False, choices=OfficialDocument.Urgency.choices
    )
    sign_order = forms.ChoiceField(
        label="会签方式",
        choices=OfficialDocument.SignOrder.choices,
        initial=OfficialDocument.SignOrder.PARALLEL,
    )
    in_mechanism_name = forms.BooleanField(
        label="以联席会议名义印发（市卫生健康委代章，工作规则四(六)）", required=False
    )
    main_to_names = _text(
        "其他主送机关", 2, LINES_MAX, "不在上面名单中的机关，每行一个，如：各县区人民政府。"
    )
    copy_to_names = _text("其他抄送机关", 2, LINES_MAX, "每行一个。")
    summary = forms.CharField(
        label="修改说明",
        max_length=200,
        required=False,
        help_text="简要说明本次修改了什么，便于各单位在版本记录中查看。",
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    ORDER_PREFIX = "order_"
    SIGNATORY_PREFIX = "signatory_"

    def __init__(
        self,
        *args: Any,
        units: list[Unit],
        drafting_unit: Unit,
        secretariat: bool,
        editing: bool = False,
        parties_editable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.units = units
        self.drafting_unit = drafting_unit
        self.parties_editable = parties_editable
        unit_ids = [u.pk for u in units]
        queryset = Unit.objects.filter(pk__in=unit_ids).order_by("order", "pk")
        self.fields["main_to_units"] = _units_field(queryset, "主送单位")
        self.fields["copy_to_units"] = _units_field(queryset, "抄送单位")
        self.organ_rows: list[dict[str, Any]] = []
        for unit in units:
            if unit.kind != Unit.Kind.MEMBER:
                continue
            row: dict[str, Any] = {"unit": unit, "lead": unit.pk == drafting_unit.pk}
            if not row["lead"]:
                name = f"{self.ORDER_PREFIX}{unit.pk}"
                self.fields[name] = forms.IntegerField(
                    label=f"{unit.name}联合发文顺序",
                    required=False,
                    min_value=2,
                    max_value=99,
                    widget=forms.NumberInput(attrs={"class": "documents-order"}),
                    error_messages={
                        "invalid": "顺序应为数字。",
                        "min_value": "顺序从 2 起（1 为起草单位）。",
                        "max_value": "顺序不能超过 99。",
                    },
                )
                row["order"] = name
            signatory = f"{self.SIGNATORY_PREFIX}{unit.pk}"
            self.fields[signatory] = forms.CharField(
                label=f"{unit.name}签发人", max_length=50, required=False
            )
            row["signatory"] = signatory
            self.organ_rows.append(row)
        if not secretariat:
            del self.fields["in_mechanism_name"]
        if editing:
            # The kind and the joint meeting's name are fixed when the draft is made.
            for name in ("kind", "in_mechanism_name"):
                self.fields.pop(name, None)
        else:
            del self.fields["summary"]
            del self.fields["based_on"]
        if editing and not parties_editable:
            for name in list(self.fields):
                if name in ("title", "body", "attachments", "note", "summary", "based_on"):
                    continue
                del self.fields[name]
            self.organ_rows = []

    def bound_rows(self) -> list[dict[str, Any]]:
        """The organ table's rows with their bound fields, for the template."""
        return [
            {
                "unit": row["unit"],
                "lead": row["lead"],
                "order": self[row["order"]] if "order" in row else None,
                "signatory": self[row["signatory"]],
            }
            for row in self.organ_rows
        ]

    def clean_main_to_names(self) -> str:
        return _names_ok(self.cleaned_data["main_to_names"])

    def clean_copy_to_names(self) -> str:
        return _names_ok(self.cleaned_data["copy_to_names"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        orders = [data.get(row["order"]) for row in self.organ_rows if "order" in row]
        given = [o for o in orders if o is not None]
        if len(set(given)) != len(given):
            self.add_error(None, "联合发文单位的顺序有重复，请每个单位填写不同的序号。")
        return data

    def parties(self) -> Parties:
        data = self.cleaned_data
        ordered = sorted(
            (
                (data[row["order"]], row["unit"].pk)
                for row in self.organ_rows
                if "order" in row and data.get(row["order"]) is not None
            ),
        )
        signatories = {
            row["unit"].pk: data[row["signatory"]]
            for row in self.organ_rows
            if data.get(row["signatory"])
        }
        return Parties(
            co_issuing_unit_ids=[pk for _, pk in ordered],
            main_to_unit_ids=[u.pk for u in data.get("main_to_units") or []],
            main_to_names=lines_of(data.get("main_to_names", "")),
            copy_to_unit_ids=[u.pk for u in data.get("copy_to_units") or []],
            copy_to_names=lines_of(data.get("copy_to_names", "")),
            signatories=signatories,
        )


def _names_ok(value: str) -> str:
    for name in lines_of(value):
        if len(name) > NAME_MAX:
            raise forms.ValidationError(f"机关名称不能超过 {NAME_MAX} 个字。")
    return value


def initial_of(document: OfficialDocument, version: Any) -> dict[str, Any]:
    """The edit form's values from the document and its current version."""
    initial: dict[str, Any] = {
        "title": version.title,
        "body": "\n".join(version.paragraphs),
        "attachments": "\n".join(version.attachments),
        "note": version.note,
        "urgency": document.urgency,
        "sign_order": document.sign_order,
        "based_on": document.version,
    }
    for issuer in document.issuers.all():
        if issuer.order > 1:
            initial[f"{DocumentForm.ORDER_PREFIX}{issuer.unit_id}"] = issuer.order
        if issuer.signatory:
            initial[f"{DocumentForm.SIGNATORY_PREFIX}{issuer.unit_id}"] = issuer.signatory
    main: list[int] = []
    copy: list[int] = []
    main_names: list[str] = []
    copy_names: list[str] = []
    for r in document.recipients.all():
        target = (main, main_names) if r.kind == r.Kind.MAIN else (copy, copy_names)
        if r.unit_id:
            target[0].append(r.unit_id)
        else:
            target[1].append(r.name)
    initial.update(
        main_to_units=main,
        copy_to_units=copy,
        main_to_names="\n".join(main_names),
        copy_to_names="\n".join(copy_names),
    )
    return initial


class ImportForm(Form):
    file = forms.FileField(
        label="Word 文稿（.docx）",
        error_messages={"required": "请选择要导入的 .docx 文件。", "empty": "上传的文件是空的。"},
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(f"文件不能超过 {IMPORT_MAX_BYTES // (1024 * 1024)} MB。")
        return upload


class ImportConfirmForm(Form):
    kind = forms.ChoiceField(
        label="文种",
        choices=OfficialDocument.Kind.choices,
        error_messages={"required": "请选择文种。"},
    )

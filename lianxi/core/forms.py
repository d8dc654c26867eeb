from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from .text import LINE_MAX, PARAGRAPH_MAX, Kind, date_problem, text_problem


class LinkField(forms.CharField):
    """A link a person types in: one line, an absolute http(s) address (else a form error)."""

    text_kind: Kind = "link"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.URLInput(attrs={"placeholder": "https://…"}))
        super().__init__(**kwargs)


def field_text_kind(field: forms.Field) -> Kind:
    """A field's kind: its own ``text_kind`` if it says, else paragraph for a textarea, else
    one line (an input box cannot hold a line break: one only comes from a crafted request)."""
    kind: Kind | None = getattr(field, "text_kind", None)
    if kind is not None:
        return kind
    return "paragraph" if isinstance(field.widget, forms.Textarea) else "line"


def _raw_problems(data: Any) -> Iterable[str | None]:
    """A raw value as sent: no text may hold a control character; a file's name is one line."""
    if isinstance(data, str):
        yield text_problem(data, "paragraph")
    elif isinstance(data, UploadedFile):
        problem = text_problem(data.name or "", "line")
        yield f"文件名{problem}" if problem else None
    elif isinstance(data, list | tuple):
        for item in data:
            yield from _raw_problems(item)


class TextPolicyMixin(forms.BaseForm):
    """The input policy of ``lianxi.core.text`` on every field of a form (GB/T 22239 8.1.4.x
    数据完整性; issue 17 "text at one boundary"); every form of the platform uses it (through
    ``Form`` below; ``test_text_policy`` fails on one that does not).

    Before a field cleans (so no lookup ever sees it), a raw value with a character no text may
    hold (NUL, control characters, U+FFFE/FFFF, lone surrogates) is refused, an uploaded file's
    name included. After it cleans: a text field's value is checked for its kind (one line,
    paragraph, link: ``field_text_kind``), and a date or time must lie in 2000–2100. The refusal
    is a form error under the field, in Chinese; the form is then invalid and nothing is written.
    """

    def _clean_fields(self) -> None:
        # Django's own loop (forms.BaseForm._clean_fields), with the policy around field.clean.
        for name, bf in self._bound_items():  # type: ignore[attr-defined]
            field = bf.field
            problem = next(filter(None, _raw_problems(bf.data)), None)
            if problem is not None:
                self.add_error(name, problem)
                continue
            try:
                value = field._clean_bound_field(bf)
                value_problem = _value_problem(field, value)
                if value_problem is not None:
                    raise ValidationError(value_problem, code="text_policy")
                self.cleaned_data[name] = value
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as e:
                self.add_error(name, e)


def _value_problem(field: forms.Field, value: Any) -> str | None:
    if isinstance(value, str) and isinstance(field, forms.CharField):
        kind = field_text_kind(field)
        problem = text_problem(value, kind)
        # A field without its own max_length takes at most LINE_MAX or PARAGRAPH_MAX characters
        # (as the API: lianxi.api.text); give it a max_length for more (the minutes' text).
        limit = LINE_MAX if kind != "paragraph" else PARAGRAPH_MAX
        if problem is None and field.max_length is None and len(value) > limit:
            problem = f"不能超过 {limit} 个字（现为 {len(value)} 个字）。"
        return problem
    if isinstance(value, date) and isinstance(field, forms.DateField | forms.DateTimeField):
        return date_problem(value)
    return None


class Form(TextPolicyMixin, forms.Form):
    """The base of every form of the platform: ``django.forms.Form`` with the input policy."""


class LoginForm(TextPolicyMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。",
        "inactive": "该账号已停用，请联系安全管理员。",
    }

    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)


class AuditFilterForm(Form):
    """The auditor's filters; every field optional, bad values reported in Chinese."""

    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "起始日期格式应为 2026-01-31。"},
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "截止日期格式应为 2026-01-31。"},
    )
    unit = forms.TypedChoiceField(label="单位", required=False, coerce=int, empty_value=None)
    person = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False)
    target_type = forms.ChoiceField(label="对象类型", required=False)

    def __init__(
        self, *args: Any, choices: dict[str, list[tuple[Any, str]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [("", "全部单位"), *choices["units"]]
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", "全部操作"), *choices["actions"]]
        type_field = self.fields["target_type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", "全部类型"), *choices["target_types"]]
        for name in ("unit", "action", "target_type"):
            self.fields[name].error_messages["invalid_choice"] = "所选项不在审计记录中。"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return data


class CalendarYearForm(Form):
    """A year's official schedule from the State Council's notice, a line per day or range."""

    year = forms.IntegerField(
        label="年份",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写年份。",
            "invalid": "年份应为四位数字。",
            "min_value": "年份应在 2000 至 2100 之间。",
            "max_value": "年份应在 2000 至 2100 之间。",
        },
    )
    source = forms.CharField(
        label="依据",
        max_length=200,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）",
        error_messages={"required": "请填写依据。", "max_length": "依据不超过 200 个字。"},
    )
    text = forms.CharField(
        label="放假与调休安排",
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text="每行一天或一个日期范围，如：2027-01-01 休 元旦；2027-02-07 班 春节调休；"
        "2027-02-10 至 2027-02-16 休 春节",
        error_messages={"required": "请填写放假与调休安排。"},
    )

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。",
        "inactive": "该账号已停用，请联系安全管理员。",
    }

    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)


class AuditFilterForm(forms.Form):
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


class CalendarYearForm(forms.Form):
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

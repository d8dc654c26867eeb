"""The settings page's form: field checks only; the rules live in settings_services."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from lianxi.core.forms import Form

from .rules_settings import PART_NAMES

PLENARY_OPTIONS = [
    ("", "规则未规定（不提醒）"),
    ("1", "每年一次"),
    ("2", "每半年一次（每年两次）"),
    ("3", "每年三次"),
    ("4", "每季度一次（每年四次）"),
    ("6", "每两个月一次（每年六次）"),
    ("12", "每月一次（每年十二次）"),
]
MONTH_DAY_RE = re.compile(r"^\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?\s*$")


def _month_day(value: str) -> str:
    """01-15, 1-15, 1月15日 → "01-15"; the day itself is checked by the service."""
    match = MONTH_DAY_RE.match(value)
    if match is None:
        raise ValidationError("请按“月-日”填写，如 01-15 或 1月15日。")
    return f"{int(match.group(1)):02d}-{int(match.group(2)):02d}"


class MechanismSettingsForm(Form):
    plenary_per_year = forms.TypedChoiceField(
        label="全体会议每年召开次数",
        choices=PLENARY_OPTIONS,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "请从列表中选择全体会议的召开频次。"},
    )
    annual_submission_deadline = forms.CharField(
        label="年度材料报送截止日",
        max_length=10,
        required=False,
        help_text="如 01-15（每年1月15日前）；留空表示不开展年度报送。",
        widget=forms.TextInput(attrs={"placeholder": "01-15"}),
    )
    annual_submission_parts = forms.MultipleChoiceField(
        label="年度报送内容",
        choices=list(PART_NAMES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "报送内容只能是工作总结、工作计划和议题建议。"},
    )
    annual_cycle_opens = forms.CharField(
        label="年度报送启动日",
        max_length=10,
        help_text="每年这一天通知各成员单位开始报送，默认 12-01。",
        error_messages={"required": "请填写年度报送启动日。"},
    )
    annual_deadline_shift = forms.BooleanField(
        label="截止日遇节假日顺延至下一工作日", required=False
    )
    annual_reminder_workdays = forms.CharField(
        label="截止前提醒（工作日）",
        max_length=40,
        required=False,
        help_text="截止前第几个工作日提醒，用顿号或逗号分隔，如 10、5、2、1。",
    )
    plenary_warning_percent = forms.IntegerField(
        label="全体会议提醒时点（%）",
        min_value=1,
        max_value=99,
        help_text="周期过去这一比例仍未召开或安排全体会议时，提醒联席会议办公室。",
        error_messages={
            "required": "请填写全体会议提醒时点。",
            "invalid": "全体会议提醒时点应为整数。",
            "min_value": "全体会议提醒时点应为 1 到 99。",
            "max_value": "全体会议提醒时点应为 1 到 99。",
        },
    )

    def clean_annual_submission_deadline(self) -> str:
        value = self.cleaned_data["annual_submission_deadline"].strip()
        return _month_day(value) if value else ""

    def clean_annual_cycle_opens(self) -> str:
        return _month_day(self.cleaned_data["annual_cycle_opens"])

    def clean_annual_reminder_workdays(self) -> list[int]:
        value = self.cleaned_data["annual_reminder_workdays"]
        numbers = [n for n in re.split(r"[\s,，、;；]+", value) if n]
        if not all(n.isdigit() for n in numbers):
            raise ValidationError("请填写工作日数，用顿号或逗号分隔，如 10、5、2、1。")
        return [int(n) for n in numbers]

    @staticmethod
    def initial_of(mechanism: Any) -> dict[str, Any]:
        return {
            "plenary_per_year": mechanism.plenary_per_year,
            "annual_submission_deadline": mechanism.annual_submission_deadline,
            "annual_submission_parts": list(mechanism.annual_submission_parts or []),
            "annual_cycle_opens": mechanism.annual_cycle_opens,
            "annual_deadline_shift": mechanism.annual_deadline_shift,
            "annual_reminder_workdays": "、".join(
                str(n) for n in mechanism.annual_reminder_workdays or []
            ),
            "plenary_warning_percent": mechanism.plenary_warning_percent,
        }

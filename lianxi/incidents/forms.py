from typing import Any

from django import forms

from . import grading
from .models import Incident, IncidentUpdate

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"invalid": "请填写有效的日期和时间。", "required": "请填写时间。"},
    )


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, initial=0, required=False, error_messages={"invalid": f"{label}应为整数。"}
    )


def _text(label: str, rows: int = 2, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class IncidentForm(forms.Form):
    """Only parses; the rules (counts, times, credit code) are the service's, so the page and
    the API give the same messages."""

    title = forms.CharField(label="事故名称", max_length=200)
    occurred_at = _datetime_field("发生时间")
    first_reported_at = _datetime_field("首次报告时间")
    location = forms.CharField(label="发生地点", max_length=300)
    enterprise_name = forms.CharField(label="用人单位名称", max_length=200)
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=30, help_text="18 位，含校验位"
    )
    industry = forms.CharField(label="行业", max_length=100, required=False)
    address = forms.CharField(label="单位地址", max_length=300, required=False)
    county = forms.CharField(label="县区", max_length=50, required=False)
    hazard = forms.ChoiceField(label="危害因素类别", choices=Incident.Hazard.choices)
    substance = forms.CharField(label="危害因素名称", max_length=100, required=False)
    exposed_count = _count("接触人数")
    poisoned_count = _count("急性中毒人数")
    death_count = _count("死亡人数")
    onset = _text("发病情况", 3)
    probable_cause = _text("可能发生原因")
    measures_taken = _text("已采取措施")
    trend = _text("发展趋势")


class NotifyForm(forms.Form):
    units = forms.MultipleChoiceField(
        label="通报单位",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个通报单位。"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = choices or []  # type: ignore[attr-defined]


class UpReportForm(forms.Form):
    recipient = forms.ChoiceField(label="报告对象")
    channel = forms.CharField(
        label="报送方式", max_length=50, required=False, help_text="如：电话、传真、政务内网"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [  # type: ignore[attr-defined]
            (r, r) for r in grading.report_recipients()
        ]


class UpdateForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=IncidentUpdate.Kind.choices)
    text = _text("内容", 4, required=True)
    poisoned_count = forms.IntegerField(
        label="急性中毒人数（有变化时填写）", required=False,
        error_messages={"invalid": "急性中毒人数应为整数。"},
    )  # fmt: skip
    death_count = forms.IntegerField(
        label="死亡人数（有变化时填写）", required=False,
        error_messages={"invalid": "死亡人数应为整数。"},
    )  # fmt: skip


class WithdrawForm(forms.Form):
    reason = _text("撤销理由", 2, required=True)


class CloseForm(forms.Form):
    investigation_result = _text("调查处理结果", 4, required=True)

from collections.abc import Sequence
from typing import Any

from django import forms

from lianxi.core.dates import cn_datetime
from lianxi.core.forms import Form

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


class IncidentForm(Form):
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


class NotifyForm(Form):
    units = forms.MultipleChoiceField(
        label="通报单位",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个通报单位。"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = choices or []  # type: ignore[attr-defined]


class UpReportForm(Form):
    """Which report went up (the first report, a 续报 or the 终报), to whom, how."""

    report = forms.ChoiceField(label="报告", required=False)
    recipient = forms.ChoiceField(label="报告对象")
    channel = forms.CharField(
        label="报送方式", max_length=50, required=False, help_text="如：电话、传真、政务内网"
    )

    def __init__(self, *args: Any, updates: Sequence[IncidentUpdate] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.updates = {str(u.pk): u for u in updates}
        self.fields["report"].choices = [("", "首次报告")] + [  # type: ignore[attr-defined]
            (str(u.pk), f"{u.get_kind_display()}（{cn_datetime(u.created_at)}）") for u in updates
        ]
        if not updates:  # only the first report to choose: nothing to ask
            self.fields["report"].widget = forms.HiddenInput()
        self.fields["recipient"].choices = [  # type: ignore[attr-defined]
            (r, r) for r in grading.report_recipients()
        ]

    def chosen_update(self) -> IncidentUpdate | None:
        return self.updates.get(self.cleaned_data.get("report") or "")


class ActionForm(Form):
    """处置情况: what the notified unit did."""

    text = forms.CharField(
        label="本单位处置情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写本单位的处置情况。"},
    )


class UpdateForm(Form):
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


class WithdrawForm(Form):
    reason = _text("撤销理由", 2, required=True)


class CloseForm(Form):
    investigation_result = _text("调查处理结果", 4, required=True)

from typing import Any

from django import forms

from lianxi.core.forms import Form, LinkField
from lianxi.organization.models import Mechanism, Unit

from .lights import LIGHT_LABELS, LIGHTS
from .models import MAX_DEADLINE_WORKDAYS, MAX_FEEDBACK_WORKDAYS, ActionItem

# Sources an item created on its own page can have; meeting items come from the minutes, a
# major matter's from its adoption or the government's decision (decisions, 四(四)).
PAGE_SOURCES = [
    (v, label) for v, label in ActionItem.Source.choices if v not in ("meeting", "decision")
]


def _units(mechanism: Mechanism | None) -> Any:
    if mechanism is None:
        return Unit.objects.none()
    return Unit.objects.filter(
        mechanism=mechanism, active=True, kind__in=[Unit.Kind.MEMBER, Unit.Kind.INVITED]
    ).order_by("order", "id")


class ActionItemForm(Form):
    title = forms.CharField(label="督办事项", max_length=300)
    description = forms.CharField(
        label="具体要求", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.ChoiceField(label="来源", choices=PAGE_SOURCES)
    source_label = forms.CharField(
        label="来源说明",
        required=False,
        max_length=300,
        help_text="如：市政府督查通知（信政督〔2026〕3号）",
    )
    source_url = LinkField(
        label="来源链接",
        required=False,
        max_length=300,
        help_text="以 http:// 或 https:// 开头的网址",
    )
    lead_unit = forms.ModelChoiceField(
        label="牵头单位", queryset=Unit.objects.none(), empty_label="请选择"
    )
    supporting_units = forms.ModelMultipleChoiceField(
        label="配合单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label="办结时限（日期）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline_workdays = forms.IntegerField(
        label="或：自今日起多少个工作日内办结",
        required=False,
        min_value=1,
        max_value=MAX_DEADLINE_WORKDAYS,
    )
    feedback_every_workdays = forms.IntegerField(
        label="反馈周期（工作日）", initial=15, min_value=1, max_value=MAX_FEEDBACK_WORKDAYS
    )

    def __init__(self, *args: Any, mechanism: Mechanism | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = _units(mechanism)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["supporting_units"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("deadline") is None and data.get("deadline_workdays") is None:
            if "deadline" not in self.errors and "deadline_workdays" not in self.errors:
                raise forms.ValidationError("请填写办结时限：具体日期或工作日数，二者选一。")
        elif data.get("deadline") is not None and data.get("deadline_workdays") is not None:
            raise forms.ValidationError("办结时限请只填一种：具体日期，或工作日数。")
        return data


class ReportForm(Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label="附件（可选）", required=False)
    requests_closure = forms.BooleanField(label="已办结，申请办结销号", required=False)

    def __init__(self, *args: Any, lead: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not lead:
            del self.fields["requests_closure"]


class DraftForm(ReportForm):
    """Editing a unit's draft before it is sent (the file may be replaced or removed)."""

    attachment = forms.FileField(label="更换附件（可选）", required=False)
    remove_attachment = forms.BooleanField(label="删除原附件", required=False)
    field_order = ["text", "attachment", "remove_attachment", "requests_closure"]


class UrgeForm(Form):
    note = forms.CharField(
        label="催办意见（可选）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(Form):
    reason = forms.CharField(
        label="意见（退回时必填）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionForm(Form):
    new_deadline = forms.DateField(label="申请延至", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(Form):
    note = forms.CharField(
        label="审核意见（不同意时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LedgerFilterForm(Form):
    unit = forms.ModelChoiceField(
        label="单位（牵头或配合）", queryset=Unit.objects.none(), required=False, empty_label="全部"
    )
    source = forms.ChoiceField(
        label="来源", choices=[("", "全部"), *ActionItem.Source.choices], required=False
    )
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *ActionItem.Status.choices], required=False
    )
    light = forms.ChoiceField(
        label="灯号",
        choices=[("", "全部"), *((light, LIGHT_LABELS[light]) for light in LIGHTS)],
        required=False,
    )

    def __init__(self, *args: Any, mechanism: Mechanism | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(mechanism)  # type: ignore[attr-defined]

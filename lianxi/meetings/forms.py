"""Forms of the meetings pages: field checks only; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from lianxi.core.forms import Form
from lianxi.core.text import MINUTES_MAX
from lianxi.organization.models import Unit
from lianxi.supervision.models import MAX_DEADLINE_WORKDAYS, MAX_FEEDBACK_WORKDAYS

from .models import Attendance

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _datetime(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocal(),
        error_messages={"required": f"请填写{label}。", "invalid": f"{label}格式不正确。"},
    )


def _units(queryset: QuerySet[Unit], label: str, required: bool = False) -> Any:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=queryset,
        required=required,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "unit-choices"}),
        error_messages={"required": f"请选择{label}。", "invalid_choice": "所选单位不存在。"},
    )


class _MeetingFields(Form):
    title = forms.CharField(
        label="会议名称", max_length=200, error_messages={"required": "请填写会议名称。"}
    )
    starts_at = _datetime("开始时间")
    ends_at = _datetime("结束时间")
    location = forms.CharField(
        label="地点", max_length=200, error_messages={"required": "请填写会议地点。"}
    )


class _ScheduleFields(_MeetingFields):
    record_past = forms.BooleanField(
        label="补录已召开的会议（开始时间已过）",
        required=False,
        help_text="只在登记已经召开过的会议时勾选；安排新的会议请选择今后的时间。",
    )


class PlenaryForm(_ScheduleFields):
    topic = forms.CharField(
        label="会议说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, mechanism: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observer_units"] = _units(
            Unit.objects.filter(mechanism=mechanism, kind=Unit.Kind.INVITED, active=True),
            "列席单位",
        )
        self.fields["new_observer"] = forms.CharField(
            label="新增列席单位（名称）",
            max_length=100,
            required=False,
            help_text="不在名单上的单位，填写名称后作为邀请单位列席。",
        )


class TopicalForm(_ScheduleFields):
    topic = forms.CharField(
        label="会议议题",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写会议议题。"},
    )

    def __init__(self, *args: Any, mechanism: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Unit.objects.filter(mechanism=mechanism, kind=Unit.Kind.MEMBER, active=True)
        self.fields["chair_unit"] = forms.ModelChoiceField(
            label="受托主持单位",
            queryset=members,
            empty_label="请选择成员单位",
            error_messages={"required": "请选择受托主持单位。"},
        )
        self.fields["concerned_units"] = _units(members, "议题涉及的成员单位", required=True)


class MeetingEditForm(_MeetingFields):
    topic = forms.CharField(
        label="会议说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AgendaItemForm(Form):
    title = forms.CharField(
        label="议题", max_length=300, error_messages={"required": "请填写议题。"}
    )
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, mechanism_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(mechanism_id=mechanism_id, active=True).exclude(
            kind=Unit.Kind.GOVERNMENT
        )
        self.fields["proposed_by"] = forms.ModelChoiceField(
            label="提出单位", queryset=units, required=False, empty_label="（联席会议办公室）"
        )
        self.fields["lead_unit"] = forms.ModelChoiceField(
            label="牵头汇报单位",
            queryset=units,
            required=False,
            empty_label="（不指定）",
            error_messages={"invalid_choice": "所选单位不存在。"},
        )
        self.fields["supporting_units"] = _units(units, "相关单位")


class MaterialForm(Form):
    title = forms.CharField(label="材料名称", max_length=200, required=False)
    file = forms.FileField(label="文件", error_messages={"required": "请选择要上传的文件。"})


class NoticeForm(Form):
    notice_text = forms.CharField(
        label="会议通知", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class CancelForm(Form):
    reason = forms.CharField(
        label="取消原因", max_length=300, error_messages={"required": "请填写取消原因。"}
    )


class InviteForm(Form):
    invited_as = forms.ChoiceField(label="邀请方式", choices=Attendance.InvitedAs.choices)
    new_name = forms.CharField(label="或新增邀请单位（名称）", max_length=100, required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.ModelChoiceField(
            label="单位", queryset=units, required=False, empty_label="请选择单位"
        )
        self.order_fields(["unit", "new_name", "invited_as"])


class AnswerForm(Form):
    attending = forms.TypedChoiceField(
        label="是否出席",
        choices=[("1", "出席"), ("0", "请假")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择出席或请假。"},
    )
    attendee_name = forms.CharField(
        label="出席人（请假时为请假的成员）", max_length=50, required=False
    )
    attendee_title = forms.CharField(label="职务", max_length=100, required=False)
    substitute_name = forms.CharField(label="受委托出席人", max_length=50, required=False)
    substitute_title = forms.CharField(label="受委托出席人职务", max_length=100, required=False)
    leave_reason = forms.CharField(label="请假事由", max_length=300, required=False)


class SignOffForm(Form):
    """签发 (三(一)1, 四(六)): the commission's responsible leader who signed, by name."""

    signer_name = forms.CharField(
        label="签发人", max_length=50, error_messages={"required": "请填写签发人姓名。"}
    )
    signer_title = forms.CharField(label="签发人职务", max_length=100, required=False)


class _AttendanceChoice(forms.ModelChoiceField):
    """An invitation, shown by its unit's name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.unit.name)


class OnBehalfAnswerForm(AnswerForm):
    """三(一)1: an answer taken by phone or fax, entered by the convener for the unit."""

    via = forms.ChoiceField(
        label="答复方式",
        choices=[
            (Attendance.Channel.PHONE.value, "电话"),
            (Attendance.Channel.FAX.value, "传真"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择电话或传真。"},
    )

    def __init__(self, *args: Any, attendances: QuerySet[Attendance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _AttendanceChoice(
            label="答复单位",
            queryset=attendances,
            empty_label="请选择单位",
            error_messages={"required": "请选择答复的单位。", "invalid_choice": "所选单位未受邀。"},
        )
        self.fields["attendance"] = field
        self.order_fields(["attendance", "via"])


class MinutesIntroForm(Form):
    intro = forms.CharField(
        label="开头",
        required=False,
        max_length=MINUTES_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ResolutionForm(Form):
    text = forms.CharField(
        label="议定事项",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写议定事项内容。"},
    )
    deadline = forms.DateField(
        label="办结时限（日期）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式不正确。"},
    )
    deadline_workdays = forms.IntegerField(
        label="或：印发后工作日数", required=False, min_value=1, max_value=MAX_DEADLINE_WORKDAYS
    )
    feedback_every_workdays = forms.IntegerField(
        label="反馈周期（工作日）", initial=15, min_value=1, max_value=MAX_FEEDBACK_WORKDAYS
    )

    def __init__(self, *args: Any, mechanism_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(mechanism_id=mechanism_id, active=True).exclude(
            kind=Unit.Kind.GOVERNMENT
        )
        self.fields["lead_unit"] = forms.ModelChoiceField(
            label="牵头单位",
            queryset=units,
            empty_label="请选择牵头单位",
            error_messages={"required": "请选择牵头单位。"},
        )
        self.fields["supporting_units"] = _units(units, "配合单位")
        self.order_fields(
            [
                "text",
                "lead_unit",
                "supporting_units",
                "deadline",
                "deadline_workdays",
                "feedback_every_workdays",
            ]
        )

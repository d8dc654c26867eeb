"""Forms of the people page: field checks only; the rules live in people_services."""

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from lianxi.core.forms import Form

from .models import Membership, Unit

Role = Membership.Role


def _unit_field(mechanism_id: int) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.filter(mechanism_id=mechanism_id, active=True).order_by(
            "order", "id"
        ),
        empty_label="请选择单位",
        error_messages={
            "required": "请选择单位。",
            "invalid_choice": "所选单位不存在或已不在册。",
        },
    )


class _PersonFields(Form):
    def __init__(self, *args: Any, roles: list[str], mechanism_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(mechanism_id)
        self.fields["role"] = forms.ChoiceField(
            label="角色",
            choices=[("", "请选择角色")] + [(r, Role(r).label) for r in roles],
            error_messages={
                "required": "请选择角色。",
                "invalid_choice": "您无权授予所选角色。",
            },
        )
        self.order_fields(self.field_order)

    name = forms.CharField(
        label="姓名", max_length=150, error_messages={"required": "请填写姓名。"}
    )
    title = forms.CharField(label="职务", max_length=100, required=False)
    phone = forms.CharField(label="电话", max_length=30, required=False)
    email = forms.EmailField(
        label="电子邮箱",
        required=False,
        error_messages={"invalid": "请填写有效的电子邮箱地址。"},
    )


class PersonCreateForm(_PersonFields):
    field_order = [
        "unit",
        "role",
        "name",
        "username",
        "title",
        "phone",
        "email",
        "password",
    ]

    username = forms.CharField(
        label="用户名",
        max_length=150,
        validators=[UnicodeUsernameValidator(message="用户名只能包含字母、数字和 @/./+/-/_。")],
        error_messages={"required": "请填写用户名。"},
    )
    password = forms.CharField(
        label="初始密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="留空则由平台生成随机初始密码，仅显示一次。",
    )


class MembershipChangeForm(_PersonFields):
    field_order = ["unit", "role", "name", "title", "phone", "email"]


class PasswordResetForm(Form):
    password = forms.CharField(
        label="新密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="留空则由平台生成随机密码，仅显示一次。",
    )


class PeopleFilterForm(Form):
    unit = forms.TypedChoiceField(label="单位", coerce=int, required=False, empty_value=None)
    role = forms.ChoiceField(
        label="角色", choices=[("", "全部角色"), *Role.choices], required=False
    )
    active = forms.ChoiceField(
        label="状态",
        choices=[("", "全部"), ("1", "在用"), ("0", "已停用")],
        required=False,
    )

    def __init__(self, *args: Any, mechanism_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One query for the unit list, however the form is rendered or validated.
        units = (
            Unit.objects.filter(mechanism_id=mechanism_id)
            .order_by("order", "id")
            .values_list("pk", "name")
        )
        self.fields["unit"].choices = [("", "全部单位"), *units]  # type: ignore[attr-defined]

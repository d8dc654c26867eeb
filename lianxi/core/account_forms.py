"""The person's own password change (GB/T 22239 8.1.4.1 a)."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.http import HttpRequest

from .forms import TextPolicyMixin


class PasswordChangeForm(TextPolicyMixin, DjangoPasswordChangeForm):
    """Old password, new twice; the new one through AUTH_PASSWORD_VALIDATORS (length, complexity,
    history). The old one is checked through ``authenticate`` — and so through django-axes — so
    that a session left open cannot be used to guess it: each wrong one counts as a failed login.
    """

    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": "原密码不正确，请重新输入。连续输错会与登录失败一样锁定账号。",
        "password_mismatch": "两次输入的新密码不一致，请重新输入。",
    }

    old_password = forms.CharField(
        label="原密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user: Any, *args: Any, request: HttpRequest | None = None, **kwargs: Any):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old: str = self.cleaned_data["old_password"]
        user = authenticate(self.request, username=self.user.get_username(), password=old)
        if user is None or user.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old

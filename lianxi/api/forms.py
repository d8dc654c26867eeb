"""The 接口令牌 page's form: what a person chooses for a new token."""

from typing import Any

from django import forms
from django.conf import settings

from lianxi.core.forms import Form

from .scopes import ACCESS_CHOICES, READ, scope_choices


class TokenForm(Form):
    name = forms.CharField(label="用途", max_length=100, help_text="例如对接的系统名称")
    access = forms.ChoiceField(
        label="权限", choices=ACCESS_CHOICES, initial=READ, widget=forms.RadioSelect
    )
    scopes = forms.MultipleChoiceField(
        label="可访问的模块",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个令牌可以访问的模块。"},
    )
    days = forms.IntegerField(label="有效期（天）", min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        longest = settings.LIANXI_API_TOKEN_DAYS
        field = self.fields["days"]
        field.initial = longest
        field.help_text = f"最长 {longest} 天，到期后令牌自动失效"
        field.widget.attrs.update({"min": 1, "max": longest})
        scopes = self.fields["scopes"]
        assert isinstance(scopes, forms.MultipleChoiceField)
        scopes.choices = scope_choices()

    def clean_days(self) -> int:
        days: int = self.cleaned_data["days"]
        longest = settings.LIANXI_API_TOKEN_DAYS
        if days > longest:
            raise forms.ValidationError(f"有效期最长 {longest} 天，请改为 {longest} 天以内。")
        return days

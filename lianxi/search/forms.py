from typing import Any

from django import forms

from lianxi.core.forms import Form
from lianxi.organization.models import Unit

from .registry import registrations


class SearchForm(Form):
    q = forms.CharField(label="关键词", max_length=200, required=False)
    kind = forms.MultipleChoiceField(label="类型", required=False)
    unit = forms.ModelChoiceField(
        label="相关单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位"
    )
    date_from = forms.DateField(label="起始日期", required=False)
    date_to = forms.DateField(label="截止日期", required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, mechanism_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(r.kind, r.label) for r in registrations()]  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            mechanism_id=mechanism_id
        ).order_by("order", "id")
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data

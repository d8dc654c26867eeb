"""Forms of the information and brief pages: input shape only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from lianxi.core.forms import Form

from .models import Brief, InfoReport
from .selectors import PERIODS, period_window
from .services import DECISIONS, ArticleIn
from .situation import FIGURES

EMPTY_ARTICLES = 1


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(Form):
    kind = forms.ChoiceField(label="类别", choices=InfoReport.Kind.choices)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}))
    industry = forms.CharField(label="涉及行业", max_length=100, required=False)
    topic = forms.CharField(label="主题", max_length=100, required=False)
    uploads = MultipleFileField(label="图片和附件", required=False)


class ReviewForm(Form):
    decision = forms.ChoiceField(
        label="审核结果", choices=list(DECISIONS.items()), widget=forms.RadioSelect
    )
    adopted_as = forms.ChoiceField(
        label="采用方式",
        choices=InfoReport.AdoptedAs.choices,
        required=False,
        initial=InfoReport.AdoptedAs.BRIEF,
    )
    note = forms.CharField(
        label="审核意见", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class BriefForm(Form):
    """The brief's head and 报尾, its articles one row each, and adopted reports to add."""

    kind = forms.ChoiceField(label="类别", choices=Brief.Kind.choices)
    title = forms.CharField(label="本期标题", max_length=200)
    report_to = forms.CharField(label="报", max_length=300, required=False)
    send_to = forms.CharField(label="送", max_length=300, required=False)
    issue_to = forms.CharField(label="发", max_length=300, required=False)
    copies = forms.IntegerField(label="印数（份）", min_value=0, max_value=10_000, initial=0)
    sources = forms.TypedMultipleChoiceField(
        label="从已采用信息中选取", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, rows: int, source_choices: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["sources"].choices = source_choices  # type: ignore[attr-defined]
        for n in range(1, rows + 1):
            self.fields[f"article_{n}_title"] = forms.CharField(
                label=f"第 {n} 篇标题", required=False, max_length=200
            )
            self.fields[f"article_{n}_body"] = forms.CharField(
                label="正文", required=False, widget=forms.Textarea(attrs={"rows": 8})
            )
            self.fields[f"article_{n}_source"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )

    def row_fields(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"article_{n}_title"], self[f"article_{n}_body"], self[f"article_{n}_source"])
            for n in range(1, self.rows + 1)
        ]

    def articles(self) -> list[ArticleIn]:
        """The rows written (an empty row is skipped), then the chosen adopted reports."""
        data = self.cleaned_data
        out = []
        for n in range(1, self.rows + 1):
            title = (data.get(f"article_{n}_title") or "").strip()
            body = (data.get(f"article_{n}_body") or "").strip()
            source = data.get(f"article_{n}_source")
            if title or body:
                out.append(ArticleIn(title=title, body=body, source_report_id=source))
        taken = {a.source_report_id for a in out}
        out += [ArticleIn(source_report_id=pk) for pk in data["sources"] if pk not in taken]
        return out


class IssueForm(Form):
    recipients = forms.TypedMultipleChoiceField(
        label="分送单位", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = unit_choices  # type: ignore[attr-defined]


class BriefSearchForm(Form):
    q = forms.CharField(label="检索", max_length=50, required=False)
    kind = forms.ChoiceField(
        label="类别", choices=[("", "全部"), *Brief.Kind.choices], required=False
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)


class LibraryFilterForm(Form):
    q = forms.CharField(label="检索", max_length=50, required=False)
    unit = forms.TypedChoiceField(label="单位", coerce=int, required=False, empty_value=None)
    industry = forms.CharField(label="行业", max_length=50, required=False)
    topic = forms.CharField(label="主题", max_length=50, required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "全部"), *unit_choices]  # type: ignore[attr-defined]


class SituationForm(Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    period = forms.ChoiceField(label="期间", choices=list(PERIODS.items()), initial="year")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, period = data.get("year"), data.get("period")
        if year and period and period_window(year, period)[0] > timezone.now():
            raise forms.ValidationError(f"{year}年{PERIODS[period]}尚未开始，无法汇总。")
        return data


class SituationRecordsForm(SituationForm):
    figure = forms.ChoiceField(label="指标", choices=list(FIGURES.items()))
    unit = forms.IntegerField(label="单位", required=False, min_value=1)

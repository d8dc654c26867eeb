"""Forms of the annual pages: input shape only; the rules are the services'."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from lianxi.core.forms import Form

from .services import TaskIn, TopicIn

EMPTY_ROWS = 3


class SummaryForm(Form):
    text = forms.CharField(
        label="上年度工作总结", required=False, widget=forms.Textarea(attrs={"rows": 14})
    )


class PlanForm(Form):
    """The plan's overview and its key tasks, one row each (title, lead unit, date)."""

    text = forms.CharField(
        label="重点工作计划概述", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self, *args: Any, rows: int, unit_choices: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for n in range(1, rows + 1):
            self.fields[f"task_{n}_title"] = forms.CharField(
                label=f"第 {n} 项重点任务", required=False, max_length=300
            )
            self.fields[f"task_{n}_lead"] = forms.TypedChoiceField(
                label="牵头单位", choices=unit_choices, coerce=int, required=False,
                empty_value=None,
            )  # fmt: skip
            self.fields[f"task_{n}_date"] = forms.DateField(
                label="预计完成时间",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )

    def row_fields(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"task_{n}_title"], self[f"task_{n}_lead"], self[f"task_{n}_date"])
            for n in range(1, self.rows + 1)
        ]

    def tasks(self) -> list[TaskIn]:
        out = []
        for n in range(1, self.rows + 1):
            title = (self.cleaned_data.get(f"task_{n}_title") or "").strip()
            when: date | None = self.cleaned_data.get(f"task_{n}_date")
            if not title and when is None:
                continue
            out.append(
                TaskIn(
                    title=title,
                    expected_on=when,
                    lead_unit_id=self.cleaned_data.get(f"task_{n}_lead"),
                )
            )
        return out


class TopicsForm(Form):
    no_topics = forms.BooleanField(label="本年度无议题建议", required=False)

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for n in range(1, rows + 1):
            self.fields[f"topic_{n}_title"] = forms.CharField(
                label=f"第 {n} 项议题", required=False, max_length=300
            )
            self.fields[f"topic_{n}_description"] = forms.CharField(
                label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def row_fields(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"topic_{n}_title"], self[f"topic_{n}_description"])
            for n in range(1, self.rows + 1)
        ]

    def topics(self) -> list[TopicIn]:
        out = []
        for n in range(1, self.rows + 1):
            title = (self.cleaned_data.get(f"topic_{n}_title") or "").strip()
            description = (self.cleaned_data.get(f"topic_{n}_description") or "").strip()
            if title or description:
                out.append(TopicIn(title=title, description=description))
        return out


class ReviewForm(Form):
    action = forms.ChoiceField(choices=[("confirm", "确认"), ("return", "退回修改")])
    note = forms.CharField(
        label="退回意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AcceptForm(Form):
    proposals = forms.TypedMultipleChoiceField(label="议题建议", coerce=int)
    meeting = forms.TypedChoiceField(label="列入全体会议", coerce=int)
    title = forms.CharField(label="议题（可改写）", max_length=300)
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        proposal_choices: list[tuple[int, str]],
        meeting_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = proposal_choices  # type: ignore[attr-defined]
        self.fields["meeting"].choices = meeting_choices  # type: ignore[attr-defined]


class DeclineForm(Form):
    proposals = forms.TypedMultipleChoiceField(label="议题建议", coerce=int)
    reason = forms.CharField(label="未采纳理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, proposal_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = proposal_choices  # type: ignore[attr-defined]

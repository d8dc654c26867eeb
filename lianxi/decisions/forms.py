"""Forms of the major-matter pages: input shape only; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms

from lianxi.core.forms import Form

from .models import Decision, Opinion
from .services import DEADLINE_MAX, DEADLINE_MIN, ResolutionInput

RESOLUTION_ROWS = 5


class ChoicesForm(Form):
    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class DecisionForm(ChoicesForm):
    title = forms.CharField(label="事项名称", max_length=200)
    proposal = forms.CharField(label="提请事项", widget=forms.Textarea(attrs={"rows": 6}))
    background = forms.CharField(
        label="背景情况", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    proposal_document = forms.TypedChoiceField(
        label="所附公文稿（可选）", coerce=int, required=False, empty_value=None
    )
    proposing_unit = forms.TypedChoiceField(label="提出单位", coerce=int)
    concerned_units = forms.TypedMultipleChoiceField(
        label="相关成员单位", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        unit_choices: list[tuple[int, str]],
        document_choices: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices("proposal_document", [("", "（无）"), *(document_choices or [])])
        self._choices("proposing_unit", unit_choices)
        self._choices("concerned_units", unit_choices)


class RoundForm(ChoicesForm):
    method = forms.ChoiceField(
        label="征求方式", choices=Decision.Method.choices, widget=forms.RadioSelect
    )
    units = forms.TypedMultipleChoiceField(
        label="征求意见单位", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    deadline_workdays = forms.IntegerField(
        label="答复期限（工作日）", min_value=DEADLINE_MIN, max_value=DEADLINE_MAX, required=False
    )
    agenda_item = forms.TypedChoiceField(
        label="会议议题", coerce=int, required=False, empty_value=None
    )
    proposal = forms.CharField(
        label="提请事项（可修改）", widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    revision_note = forms.CharField(
        label="修改说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        unit_choices: list[tuple[int, str]],
        agenda_choices: list[tuple[Any, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices("units", unit_choices)
        self._choices("agenda_item", [("", "（书面征求意见时不选）"), *agenda_choices])


class OpinionForm(ChoicesForm):
    stance = forms.ChoiceField(
        label="意见", choices=Opinion.Stance.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="修改意见或理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="原则同意的写明修改意见；不同意的写明理由。",
    )
    substitute_name = forms.CharField(label="受委托负责同志姓名", max_length=50, required=False)
    substitute_title = forms.CharField(label="受委托负责同志职务", max_length=100, required=False)


class MeetingOpinionForm(ChoicesForm):
    # No stance is chosen for the clerk: a click without choosing must not record consent.
    stance = forms.ChoiceField(
        label="会上表态",
        choices=[("", "请选择表态"), *Opinion.Stance.choices],
        widget=forms.Select(attrs={"aria-label": "会上表态", "required": True}),
    )
    text = forms.CharField(
        label="修改意见或理由",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "aria-label": "修改意见或理由", "placeholder": "修改意见或理由"}
        ),
    )


class ResolutionRowsMixin(ChoicesForm):
    """决定事项 rows: text, lead unit, supporting units, deadline in working days."""

    def add_rows(self, unit_choices: list[tuple[int, str]]) -> None:
        for n in range(1, RESOLUTION_ROWS + 1):
            self.fields[f"r{n}_text"] = forms.CharField(
                label=f"决定事项 {n}", required=False, max_length=300
            )
            self.fields[f"r{n}_lead"] = forms.TypedChoiceField(
                label="牵头单位",
                coerce=int,
                required=False,
                empty_value=None,
                choices=[("", "—"), *unit_choices],
            )
            self.fields[f"r{n}_supporting"] = forms.TypedMultipleChoiceField(
                label="配合单位", coerce=int, required=False, choices=unit_choices
            )
            self.fields[f"r{n}_workdays"] = forms.IntegerField(
                label="办结时限（工作日）", required=False, min_value=1, max_value=500
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "n": n,
                "text": self[f"r{n}_text"],
                "lead": self[f"r{n}_lead"],
                "supporting": self[f"r{n}_supporting"],
                "workdays": self[f"r{n}_workdays"],
            }
            for n in range(1, RESOLUTION_ROWS + 1)
        ]

    def resolutions(self) -> list[ResolutionInput]:
        data = self.cleaned_data
        result = []
        for n in range(1, RESOLUTION_ROWS + 1):
            text = (data.get(f"r{n}_text") or "").strip()
            if not text:
                continue
            if not data.get(f"r{n}_lead"):
                raise forms.ValidationError(f"请为决定事项 {n} 选择牵头单位。")
            result.append(
                ResolutionInput(
                    text=text,
                    lead_unit_id=data[f"r{n}_lead"],
                    supporting_unit_ids=[
                        u for u in data.get(f"r{n}_supporting") or [] if u != data[f"r{n}_lead"]
                    ],
                    deadline_workdays=data.get(f"r{n}_workdays") or 20,
                )
            )
        return result


class AdoptForm(ResolutionRowsMixin):
    amendments_taken = forms.BooleanField(label="原则同意单位的修改意见已采纳", required=False)

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_rows(unit_choices)


class EscalateForm(ChoicesForm):
    disagreement = forms.CharField(label="分歧焦点", widget=forms.Textarea(attrs={"rows": 4}))
    options = forms.CharField(
        label="可选方案（每行一个）",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="至少两个方案，每行一个。",
    )
    recommendation = forms.CharField(label="办公室意见", widget=forms.Textarea(attrs={"rows": 3}))
    co_signers = forms.TypedMultipleChoiceField(
        label="会签单位", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, unit_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("co_signers", unit_choices)

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class GovernmentForm(ResolutionRowsMixin):
    option = forms.TypedChoiceField(label="采纳方案", coerce=int, required=False, empty_value=None)
    text = forms.CharField(label="市政府决定", widget=forms.Textarea(attrs={"rows": 4}))
    decided_on = forms.DateField(
        label="决定日期",
        # <input type=date> takes only ISO dates; the zh-hans format (2026/12/07) shows blank.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    scan = forms.FileField(label="批复扫描件（办公室登记时必传）", required=False)

    def __init__(
        self,
        *args: Any,
        unit_choices: list[tuple[int, str]],
        options: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices(
            "option",
            [("", "（另行决定）")]
            + [(n, f"方案{n}：{text[:40]}") for n, text in enumerate(options, start=1)],
        )
        self.add_rows(unit_choices)


class WithdrawForm(ChoicesForm):
    reason = forms.CharField(label="撤回理由", widget=forms.Textarea(attrs={"rows": 2}))

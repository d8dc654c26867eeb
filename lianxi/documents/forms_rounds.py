"""Forms of the comment-round pages (征求意见, 三(二)): field checks only; the rules live in
services/consultation.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from lianxi.core.forms import Form

from .models import Comment, UnitReply
from .services.consultation import (
    COMMENT_MAX,
    COMMENTS_MAX,
    DEADLINE_MAX,
    DEADLINE_MIN,
    NOTE_MAX,
    REASONS_MAX,
)

# Blank comment rows the reply page offers, and how many more "增加 5 行" adds (no script needed).
BLANK_ROWS = 5
MORE_ROWS = 5
PARAGRAPH_LABEL_MAX = 40


class RoundSendForm(Form):
    units = forms.TypedMultipleChoiceField(
        label="征求意见单位",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请选择征求意见的单位。",
            "invalid_choice": "所选单位不在可征求意见的单位中。",
        },
    )
    deadline_workdays = forms.IntegerField(
        label="反馈时限（工作日）",
        min_value=DEADLINE_MIN,
        max_value=DEADLINE_MAX,
        initial=5,
        error_messages={
            "required": "请填写反馈时限。",
            "invalid": "反馈时限应为工作日天数。",
            "min_value": f"反馈时限应为 {DEADLINE_MIN} 至 {DEADLINE_MAX} 个工作日。",
            "max_value": f"反馈时限应为 {DEADLINE_MIN} 至 {DEADLINE_MAX} 个工作日。",
        },
    )
    note = forms.CharField(
        label="征求意见说明",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"征求意见说明不能超过 {NOTE_MAX} 个字。"},
    )
    silence_is_consent = forms.BooleanField(
        label="逾期未反馈视为无意见", required=False, initial=True
    )

    def __init__(self, *args: Any, unit_choices: Sequence[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["units"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(unit_choices)


class ReplyForm(Form):
    """The unit's answer: a stance, reasons, and comment rows (paragraph, comment, proposed)."""

    stance = forms.ChoiceField(
        label="意见",
        choices=UnitReply.Stance.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择无意见、有修改意见或不同意。",
            "invalid_choice": "请选择无意见、有修改意见或不同意。",
        },
    )
    reasons = forms.CharField(
        label="理由（不同意的必填）",
        required=False,
        max_length=REASONS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"理由不能超过 {REASONS_MAX} 个字。"},
    )
    rows = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=COMMENTS_MAX, required=False
    )

    def __init__(self, *args: Any, paragraphs: Sequence[str], row_count: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.row_count = max(1, min(row_count, COMMENTS_MAX))
        choices = [("", "全文")] + [
            (str(i), f"第{i + 1}段 {_short(text)}") for i, text in enumerate(paragraphs)
        ]
        for n in range(self.row_count):
            self.fields[f"paragraph_{n}"] = forms.ChoiceField(
                label="段落",
                choices=choices,
                required=False,
                error_messages={"invalid_choice": "所选段落不在征求意见稿中。"},
            )
            self.fields[f"text_{n}"] = forms.CharField(
                label="意见",
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": f"意见不能超过 {COMMENT_MAX} 个字。"},
            )
            self.fields[f"proposed_{n}"] = forms.CharField(
                label="建议修改为",
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": f"建议修改不能超过 {COMMENT_MAX} 个字。"},
            )

    def comment_rows(self) -> list[dict[str, Any]]:
        """The bound rows as (paragraph, text, proposed, fields) for the template."""
        return [
            {
                "n": n + 1,
                "paragraph": self[f"paragraph_{n}"],
                "text": self[f"text_{n}"],
                "proposed": self[f"proposed_{n}"],
            }
            for n in range(self.row_count)
        ]

    def comments(self) -> list[dict[str, Any]]:
        """The filled rows, for the service: a row with nothing typed and no paragraph chosen is
        a spare one and is left out."""
        data = self.cleaned_data
        out = []
        for n in range(self.row_count):
            paragraph = data.get(f"paragraph_{n}") or ""
            text = data.get(f"text_{n}") or ""
            proposed = data.get(f"proposed_{n}") or ""
            if not (paragraph or text.strip() or proposed.strip()):
                continue
            out.append(
                {
                    "paragraph": int(paragraph) if paragraph != "" else None,
                    "text": text,
                    "proposed": proposed,
                }
            )
        return out


def reply_initial(reply: UnitReply, paragraph: int | None, row_count: int) -> dict[str, Any]:
    """The form's initial values: the reply's draft, and a paragraph picked on the page (对此段
    提意见) in the first empty row."""
    initial: dict[str, Any] = {"stance": reply.stance or "", "reasons": reply.reasons}
    comments = [
        c
        for c in reply.comments.all()
        if not (reply.stance == UnitReply.Stance.DISAGREE and c.paragraph is None and c.order == 0)
    ]
    for n, comment in enumerate(comments[:row_count]):
        initial[f"paragraph_{n}"] = "" if comment.paragraph is None else str(comment.paragraph)
        initial[f"text_{n}"] = comment.text
        initial[f"proposed_{n}"] = comment.proposed
    if paragraph is not None and len(comments) < row_count:
        initial[f"paragraph_{len(comments)}"] = str(paragraph)
        if not initial["stance"]:
            initial["stance"] = UnitReply.Stance.COMMENTS
    initial["rows"] = row_count
    return initial


def _short(text: str) -> str:
    return text if len(text) <= PARAGRAPH_LABEL_MAX else text[: PARAGRAPH_LABEL_MAX - 1] + "…"


class DecideForm(Form):
    decision = forms.ChoiceField(
        label="处理",
        choices=[("", "请选择处理"), *Comment.Decision.choices],
        error_messages={
            "required": "请选择采纳、部分采纳或不采纳。",
            "invalid_choice": "请选择采纳、部分采纳或不采纳。",
        },
    )
    reason = forms.CharField(
        label="理由",
        required=False,
        max_length=REASONS_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"理由不能超过 {REASONS_MAX} 个字。"},
    )

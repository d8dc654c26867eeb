"""Reads of comment rounds (征求意见, 三(二)): the rounds as one person sees them, and the rows of
the 意见采纳情况表 (unit, paragraph, comment, proposed wording, decision, reason)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from .models import Comment, Consultation, OfficialDocument, UnitReply

ReplyStatus = UnitReply.Status
# What a reply says in the table when it has no comment of its own.
NO_COMMENT_TEXT = {
    ReplyStatus.SUBMITTED: "无意见",
    ReplyStatus.DEEMED: "逾期未反馈，视为无意见",
    ReplyStatus.OVERDUE: "逾期未反馈",
}


def paragraph_label(index: int | None) -> str:
    return "全文" if index is None else f"第{index + 1}段"


@dataclass
class RoundView:
    consultation: Consultation
    replies: list[UnitReply]
    counts: dict[str, int] = field(default_factory=dict)
    comment_count: int = 0


def rounds_for(document: OfficialDocument, *, unit_id: int | None = None) -> list[RoundView]:
    """Every round of the document with its replies (the insiders' view), or, with `unit_id`,
    only the rounds that unit was consulted in and only its own reply. Three queries."""
    replies = UnitReply.objects.select_related("unit").prefetch_related(
        Prefetch("comments", queryset=Comment.objects.order_by("order", "id"))
    )
    consultations = document.consultations.select_related("version", "sent_by").order_by("round")
    if unit_id is not None:
        replies = replies.filter(unit_id=unit_id)
        consultations = consultations.filter(replies__unit_id=unit_id)
    views = []
    for consultation in consultations.prefetch_related(Prefetch("replies", queryset=replies)):
        rows = list(consultation.replies.all())
        counts = Counter(r.status for r in rows)
        views.append(
            RoundView(
                consultation=consultation,
                replies=rows,
                counts={label: counts[value] for value, label in ReplyStatus.choices},
                comment_count=sum(
                    len(r.comments.all()) for r in rows if r.status == ReplyStatus.SUBMITTED
                ),
            )
        )
    return views


@dataclass(frozen=True)
class AdoptionRow:
    round: int
    unit: str
    paragraph: str
    quoted: str
    text: str
    proposed: str
    decision: str
    reason: str
    comment: Comment | None = None


def adoption_rows(document: OfficialDocument, *, unit_id: int | None = None) -> list[AdoptionRow]:
    """The 意见采纳情况表: every comment of every reply that went (the member approved it), by
    round and unit, with the drafter's decision; a unit that went without comment (or was
    recorded so at the deadline, or is overdue in a closed round) is one row saying so.
    With `unit_id`, only that unit's rows (what a consulted unit sees of its own answers)."""
    replies = (
        UnitReply.objects.filter(consultation__document=document)
        .select_related("consultation", "unit")
        .prefetch_related(Prefetch("comments", queryset=Comment.objects.order_by("order", "id")))
        .order_by("consultation__round", "unit__order", "unit_id")
    )
    if unit_id is not None:
        replies = replies.filter(unit_id=unit_id)
    rows: list[AdoptionRow] = []
    for reply in replies:
        round_no = reply.consultation.round
        if reply.status == ReplyStatus.SUBMITTED and reply.comments.all():
            for comment in reply.comments.all():
                disagrees = (
                    reply.stance == UnitReply.Stance.DISAGREE
                    and comment.paragraph is None
                    and comment.text == reply.reasons
                )
                rows.append(
                    AdoptionRow(
                        round=round_no,
                        unit=reply.unit.name,
                        paragraph=paragraph_label(comment.paragraph),
                        quoted=comment.quoted,
                        text=f"不同意。理由：{comment.text}" if disagrees else comment.text,
                        proposed=comment.proposed,
                        decision=comment.get_decision_display() if comment.decision else "",
                        reason=comment.decision_reason,
                        comment=comment,
                    )
                )
            continue
        closed = reply.consultation.status == Consultation.Status.CLOSED
        if reply.status in (ReplyStatus.SUBMITTED, ReplyStatus.DEEMED) or (
            reply.status == ReplyStatus.OVERDUE and closed
        ):
            rows.append(
                AdoptionRow(
                    round=round_no,
                    unit=reply.unit.name,
                    paragraph="",
                    quoted="",
                    text=NO_COMMENT_TEXT[ReplyStatus(reply.status)],
                    proposed="",
                    decision="",
                    reason="",
                )
            )
    return rows


def adoption_counts(rows: list[AdoptionRow]) -> dict[str, Any]:
    comments = [r for r in rows if r.comment is not None]
    decided = Counter(r.decision for r in comments)
    return {
        "comments": len(comments),
        "adopted": decided[Comment.Decision.ADOPTED.label],
        "partly": decided[Comment.Decision.PARTLY.label],
        "rejected": decided[Comment.Decision.REJECTED.label],
        "undecided": decided[""],
    }

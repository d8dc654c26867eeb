"""Reads of major matters shared by the pages and the API (四(四))."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from lianxi.core.calendar import workdays_after, workdays_between

from .access import DecisionSight, shows_answer, visible_decisions, visible_opinions
from .models import Decision, DecisionResolution, DecisionRound, Opinion, all_agreed

LIST_STATES = [
    Decision.Status.DRAFT,
    Decision.Status.CONSULTING,
    Decision.Status.AWAITING_GOVERNMENT,
    Decision.Status.ADOPTED,
    Decision.Status.DECIDED,
    Decision.Status.WITHDRAWN,
]


def decision_list(user: Any, *, status: str = "") -> QuerySet[Decision]:
    decisions = visible_decisions(user).select_related("proposing_unit")
    if status:
        decisions = decisions.filter(status=status)
    return decisions.annotate(round_count=Count("rounds", distinct=True)).order_by(
        "status_since", "pk"
    )


def state_counts(user: Any) -> dict[str, int]:
    rows = visible_decisions(user).values("status").annotate(n=Count("pk")).order_by()
    counts = {r["status"]: r["n"] for r in rows}
    return {s: counts.get(s, 0) for s in LIST_STATES}


def waited_all(decisions: list[Decision], today: date | None = None) -> list[tuple[int, int]]:
    """Days and working days each matter has been in its state, with one read of the calendar
    for the whole list (the list page: not a query a row)."""
    today = today or timezone.localdate()
    since = [timezone.localtime(d.status_since).date() for d in decisions]
    if not since:
        return []
    workdays = workdays_after(min(since), today)
    return [((today - day).days, len(workdays) - bisect_right(workdays, day)) for day in since]


def waited(decision: Decision, today: date | None = None) -> tuple[int, int]:
    """Days and working days the matter has been in its state."""
    today = today or timezone.localdate()
    since = timezone.localtime(decision.status_since).date()
    return (today - since).days, workdays_between(since, today)


@dataclass
class OpinionRow:
    opinion: Opinion
    shown: bool  # stance and reasons readable by this person


@dataclass
class RoundView:
    round: DecisionRound
    rows: list[OpinionRow]
    counts: dict[str, int]
    agreed: bool


def rounds_for(view: DecisionSight, decision: Decision) -> list[RoundView]:
    rounds = decision.rounds.select_related("agenda_item__meeting").prefetch_related(
        Prefetch(
            "opinions",
            queryset=Opinion.objects.select_related("unit", "submitted_by", "drafted_by"),
        )
    )
    result = []
    for round_ in rounds:
        opinions = visible_opinions(view, round_)
        every = list(round_.opinions.all())
        counts = {
            "asked": len(every),
            "answered": sum(o.status == Opinion.Status.SUBMITTED for o in every),
            "agree": sum(
                o.status == Opinion.Status.SUBMITTED and o.stance == Opinion.Stance.AGREE
                for o in every
            ),
            "amend": sum(
                o.status == Opinion.Status.SUBMITTED
                and o.stance == Opinion.Stance.AGREE_WITH_AMENDMENTS
                for o in every
            ),
            "disagree": sum(
                o.status == Opinion.Status.SUBMITTED and o.stance == Opinion.Stance.DISAGREE
                for o in every
            ),
            "silent": sum(o.status == Opinion.Status.SILENT for o in every),
        }
        agreed = all_agreed(every)
        result.append(
            RoundView(
                round=round_,
                rows=[OpinionRow(o, shows_answer(view, o, round_)) for o in opinions],
                counts=counts,
                agreed=agreed,
            )
        )
    return result


def resolutions_of(decision: Decision) -> list[DecisionResolution]:
    return list(
        decision.resolutions.select_related("lead_unit", "action_item").prefetch_related(
            "supporting_units"
        )
    )


def waiting_opinions(user: Any) -> QuerySet[Opinion]:
    """The open rounds where the person's unit still owes an answer."""
    from .access import own_opinions

    return (
        own_opinions(user)
        .filter(
            round__status=DecisionRound.Status.OPEN,
            status__in=[Opinion.Status.PENDING, Opinion.Status.DRAFTED],
        )
        .select_related("round__decision")
        .order_by("round__deadline", "pk")
    )

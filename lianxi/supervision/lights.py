"""督办 lights (四(二)), counted in working days.

- done: the item is closed (办结销号);
- red: the deadline has passed;
- yellow: the deadline is within LIANXI_LIGHT_YELLOW_WORKDAYS working days, or the lead unit
  has reported no progress for LIANXI_LIGHT_STALE_WORKDAYS working days (since its last report,
  or since the item was created), or the secretariat returned it (退回) and it waits for the
  lead unit's new report (待补报);
- green: on track.

The thresholds become two cut-off values once per request (`Cutoffs.for_day`), so the database
computes every light of a list with one expression and filters by light with an indexable
condition, whatever the number of items. `light_of` gives the same answer for one item in
Python.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone

from lianxi.core.calendar import add_workdays, subtract_workdays

from .models import ActionItem

GREEN, YELLOW, RED, DONE = "green", "yellow", "red", "done"
LIGHTS = (RED, YELLOW, GREEN, DONE)
LIGHT_LABELS = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", DONE: "已办结"}
# The ledger's .xlsx speaks the single characters a spreadsheet column can hold.
LIGHT_TEXT = {RED: "红", YELLOW: "黄", GREEN: "绿", DONE: "已办结"}
# What each light means, where a panel or the weekly digest counts them.
LIGHT_MEANINGS = {
    RED: "红灯（已逾期）",
    YELLOW: "黄灯（临近时限、久未反馈或已退回）",
    GREEN: "绿灯（正常推进）",
    DONE: "已办结",
}


def yellow_workdays() -> int:
    return int(getattr(settings, "LIANXI_LIGHT_YELLOW_WORKDAYS", 3))


def stale_workdays() -> int:
    return int(getattr(settings, "LIANXI_LIGHT_STALE_WORKDAYS", 15))


@dataclass(frozen=True)
class Cutoffs:
    """The thresholds of one day, turned into values the database compares with."""

    today: date
    yellow_by: date  # a deadline on or before this day (and not past) is yellow
    stale_before: datetime  # no lead-unit progress since before this moment is yellow

    @classmethod
    def for_day(cls, today: date) -> "Cutoffs":
        stale_day = subtract_workdays(today, stale_workdays())
        stale_before = timezone.make_aware(
            datetime.combine(stale_day + timedelta(days=1), time.min)
        )
        return cls(
            today=today, yellow_by=add_workdays(today, yellow_workdays()), stale_before=stale_before
        )

    # --- in the database ----------------------------------------------------------------

    def stale_q(self) -> Q:
        return Q(last_progress_at__lt=self.stale_before) | Q(
            last_progress_at__isnull=True, created_at__lt=self.stale_before
        )

    def q(self, light: str) -> Q:
        """The condition of one light, on plain columns (the ledger filters with it)."""
        closed = Q(status=ActionItem.Status.CLOSED)
        returned = Q(status=ActionItem.Status.RETURNED)
        red = ~closed & Q(deadline__lt=self.today)
        yellow = (
            ~closed
            & Q(deadline__gte=self.today)
            & (Q(deadline__lte=self.yellow_by) | self.stale_q() | returned)
        )
        if light == DONE:
            return closed
        if light == RED:
            return red
        if light == YELLOW:
            return yellow
        if light == GREEN:
            fresh = Q(last_progress_at__gte=self.stale_before) | Q(
                last_progress_at__isnull=True, created_at__gte=self.stale_before
            )
            return ~closed & ~returned & Q(deadline__gt=self.yellow_by) & fresh
        raise ValueError(light)

    def expression(self) -> Case:
        """The light of each row, for `.annotate(light=...)`."""
        return Case(
            When(status=ActionItem.Status.CLOSED, then=Value(DONE)),
            When(deadline__lt=self.today, then=Value(RED)),
            When(deadline__lte=self.yellow_by, then=Value(YELLOW)),
            When(status=ActionItem.Status.RETURNED, then=Value(YELLOW)),
            When(self.stale_q(), then=Value(YELLOW)),
            default=Value(GREEN),
            output_field=CharField(),
        )

    # --- in Python ------------------------------------------------------------------------

    def light_of(self, item: Any) -> str:
        if item.status == ActionItem.Status.CLOSED:
            return DONE
        if item.deadline < self.today:
            return RED
        if item.deadline <= self.yellow_by or item.status == ActionItem.Status.RETURNED:
            return YELLOW
        if (item.last_progress_at or item.created_at) < self.stale_before:
            return YELLOW
        return GREEN

    def stale(self, item: Any) -> bool:
        return bool((item.last_progress_at or item.created_at) < self.stale_before)

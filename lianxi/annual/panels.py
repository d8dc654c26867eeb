"""The home panel of the annual cycle (四(三), 三(一)1): for a unit, what it must still send and
by when; for the secretariat, who is late, what waits for its review, and the plenary cadence."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lianxi.core.calendar import workdays_between
from lianxi.core.dates import cn_date
from lianxi.organization.access import is_secretariat, membership_of

from .access import UNIT_ROLES
from .models import PARTS, PartStatus
from .selectors import cycles_due, plenary_watch, unit_open_submissions


def annual_panel(user: Any) -> dict[str, Any] | None:
    membership = membership_of(user)
    if membership is None:
        return None
    today = timezone.localdate()
    items: list[dict[str, Any]] = []
    mechanism = membership.unit.mechanism
    if is_secretariat(membership):
        watch = plenary_watch(mechanism, today)
        if watch.warn:
            items.append(
                {
                    "text": "全体会议尚未召开或安排",
                    "meta": f"本周期已过 {watch.elapsed_percent}%"
                    + (f"（工作规则{watch.source}）" if watch.source else ""),
                    "url": reverse("meetings:list"),
                    "level": "danger",
                }
            )
        for row in cycles_due(mechanism.pk, today):
            year = row.cycle.year
            url = reverse("annual:board", args=[year])
            if row.late:
                days = workdays_between(row.cycle.deadline, today)
                items.append(
                    {
                        "text": f"{year}年度材料：{row.late} 个单位逾期未报送齐全",
                        "meta": f"已过截止日 {days} 个工作日",
                        "url": url,
                        "level": "danger",
                    }
                )
            if row.review:
                items.append(
                    {
                        "text": f"{year}年度材料：{row.review} 项待审核",
                        "meta": f"{cn_date(row.cycle.deadline)} 截止",
                        "url": url,
                        "level": "warning",
                    }
                )
    elif membership.role in UNIT_ROLES:
        for s in unit_open_submissions(membership.unit_id):
            waiting = [
                p for p in PARTS if s.status_of(p) not in (PartStatus.SENT, PartStatus.CONFIRMED)
            ]
            late = today > s.cycle.deadline
            returned = any(s.status_of(p) == PartStatus.RETURNED for p in waiting)
            member_turn = any(s.status_of(p) == PartStatus.AWAITING_MEMBER for p in waiting)
            items.append(
                {
                    "text": f"{s.cycle.year}年度材料尚未报送齐全（{len(waiting)} 项）",
                    "meta": (
                        f"已逾期（{cn_date(s.cycle.deadline)} 截止）"
                        if late
                        else f"{cn_date(s.cycle.deadline)} 前报送"
                    )
                    + (" · 有退回待修改" if returned else "")
                    + (" · 待成员审定" if member_turn else ""),
                    "url": reverse("annual:submission", args=[s.cycle.year, s.unit_id]),
                    "level": "danger" if late or returned else "warning",
                }
            )
    if not items:
        return None
    return {
        "title": "年度报送",
        "items": items,
        "empty": "",
        "more_url": reverse("annual:index"),
        "more_text": "查看年度报送",
    }

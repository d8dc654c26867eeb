"""The home panel of major matters (四(四)): what the person's unit must still answer; for the
secretariat, the units flagged overdue and the matters waiting for the government."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from lianxi.core.dates import cn_date
from lianxi.organization.access import is_secretariat, membership_of

from .models import Decision, DecisionRound, Opinion
from .selectors import waiting_opinions

PANEL_MAX = 8


def decisions_panel(user: Any) -> dict[str, Any] | None:
    membership = membership_of(user)
    if membership is None:
        return None
    items: list[dict[str, Any]] = []
    today = timezone.localdate()
    if is_secretariat(membership):
        # One query: the matters with units flagged overdue, and those awaiting the government.
        matters = (
            Decision.objects.filter(
                mechanism_id=membership.unit.mechanism_id,
                status__in=[Decision.Status.CONSULTING, Decision.Status.AWAITING_GOVERNMENT],
            )
            .annotate(
                late=Count(
                    "rounds__opinions",
                    filter=Q(
                        rounds__status=DecisionRound.Status.OPEN,
                        rounds__opinions__overdue=True,
                        rounds__opinions__status__in=[
                            Opinion.Status.PENDING,
                            Opinion.Status.DRAFTED,
                        ],
                    ),
                )
            )
            .filter(Q(late__gt=0) | Q(status=Decision.Status.AWAITING_GOVERNMENT))
            .order_by("status_since", "pk")[:PANEL_MAX]
        )
        for d in matters:
            if d.late:
                items.append(
                    {
                        "text": f"{d.late} 个单位逾期未答复：{d.title}",
                        "meta": "逾期不视为同意，请督促或结束本轮",
                        "url": reverse("decisions:detail", args=[d.pk]),
                        "level": "danger",
                    }
                )
            else:
                since = cn_date(timezone.localtime(d.status_since).date())
                items.append(
                    {
                        "text": f"待市政府决定：{d.title}",
                        "meta": f"自 {since} 起",
                        "url": reverse("decisions:detail", args=[d.pk]),
                        "level": "warning",
                    }
                )
    else:
        for o in waiting_opinions(user)[:PANEL_MAX]:
            is_late = o.round.deadline < today
            items.append(
                {
                    "text": f"{o.round.decision.title}（第 {o.round.number} 轮）",
                    "meta": (f"已逾期（{cn_date(o.round.deadline)} 截止）" if is_late
                             else f"{cn_date(o.round.deadline)} 前答复")
                    + (" · 已起草，待成员审定" if o.status == "drafted" else ""),
                    "url": reverse("decisions:opinion", args=[o.pk]),
                    "level": "danger" if is_late else "warning",
                }
            )  # fmt: skip
    if not items:
        return None
    return {
        "title": "重大事项征求意见",
        "items": items,
        "empty": "",
        "more_url": reverse("decisions:list"),
        "more_text": "查看重大事项",
    }

"""The home panel of major matters (四(四)): what the person's unit must still answer; for the
secretariat, the units flagged overdue and the matters waiting for the government."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lianxi.core.dates import cn_date
from lianxi.organization.access import is_secretariat, membership_of

from .models import Decision
from .selectors import overdue_opinions, waiting_opinions

PANEL_MAX = 8


def decisions_panel(user: Any) -> dict[str, Any] | None:
    membership = membership_of(user)
    if membership is None:
        return None
    items: list[dict[str, Any]] = []
    today = timezone.localdate()
    if is_secretariat(membership):
        late = list(
            overdue_opinions(membership.unit.mechanism_id).select_related(
                "unit", "round__decision"
            )[:PANEL_MAX]
        )
        for o in late:
            items.append(
                {
                    "text": f"{o.unit.name}逾期未答复：{o.round.decision.title}",
                    "meta": f"第 {o.round.number} 轮，{cn_date(o.round.deadline)} 截止",
                    "url": reverse("decisions:detail", args=[o.round.decision_id]),
                    "level": "danger",
                }
            )
        awaiting = Decision.objects.filter(
            mechanism_id=membership.unit.mechanism_id,
            status=Decision.Status.AWAITING_GOVERNMENT,
        ).order_by("status_since")[:PANEL_MAX]
        for d in awaiting:
            items.append(
                {
                    "text": f"待市政府决定：{d.title}",
                    "meta": f"自 {cn_date(timezone.localtime(d.status_since).date())} 起",
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

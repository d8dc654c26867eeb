"""The home panel of information and briefs (三(四)1): for a unit, reports to change or to
approve and briefs to sign for; for the secretariat, reports waiting for review."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianxi.organization.access import is_secretariat, membership_of

from .access import READER_ROLES, UNIT_ROLES
from .models import InfoReport
from .selectors import review_queue, unsigned_briefs


def bulletins_panel(user: Any) -> dict[str, Any] | None:
    membership = membership_of(user)
    if membership is None or membership.role not in READER_ROLES:
        return None
    items: list[dict[str, Any]] = []
    if is_secretariat(membership):
        waiting = list(review_queue(membership.unit.mechanism_id)[:5])
        for report in waiting:
            items.append(
                {
                    "text": f"待审核信息：{report.title}",
                    "meta": f"{report.unit.name} · {report.get_kind_display()}",
                    "url": reverse("bulletins:report", args=[report.pk]),
                    "level": "warning",
                }
            )
    elif membership.role in UNIT_ROLES:
        mine = InfoReport.objects.filter(unit_id=membership.unit_id)
        wanted = [InfoReport.Status.RETURNED]
        if membership.role == membership.Role.MEMBER:
            wanted.append(InfoReport.Status.AWAITING_MEMBER)
        for report in mine.filter(status__in=wanted).order_by("-updated_at")[:5]:
            returned = report.status == InfoReport.Status.RETURNED
            items.append(
                {
                    "text": f"{'退回修改' if returned else '待审核报送'}：{report.title}",
                    "meta": report.review_note[:60] if returned else "联络员已起草，请审核后报送",
                    "url": reverse("bulletins:report", args=[report.pk]),
                    "level": "danger" if returned else "warning",
                }
            )
    # The secretariat issues the briefs; the units and the government office sign for them.
    for brief in [] if is_secretariat(membership) else unsigned_briefs(membership)[:5]:
        items.append(
            {
                "text": f"待签收简报：{brief.year}年{brief.issue_label} {brief.title}",
                "meta": brief.masthead,
                "url": reverse("bulletins:brief", args=[brief.pk]),
                "level": "warning",
            }
        )
    if not items:
        return None
    return {
        "title": "信息简报",
        "items": items,
        "empty": "",
        "more_url": reverse("bulletins:index"),
        "more_text": "查看信息简报",
    }

"""事故 on the home page (三(四)2): running reporting clocks, late reports and red alerts for
the secretariat; notices waiting for acknowledgement for a notified unit."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lianxi.core.dates import cn_month_day, cn_time
from lianxi.organization.access import acts_for_unit, membership_of

from . import access, grading, selectors
from .models import IncidentNotice

PANEL_MAX = 12


def _at(moment: Any) -> str:
    """12月3日 14:00"""
    return f"{cn_month_day(moment)} {cn_time(moment)}"


def secretariat_incidents(user: Any) -> dict[str, Any] | None:
    if not access.handles_incidents(user):
        return None
    now = timezone.now()
    entries: list[dict[str, Any]] = []
    # Overdue at once, computed now: a tick escalates, but the page does not wait for it.
    for notice in selectors.overdue_notices(user, now)[:PANEL_MAX]:
        red = notice.level >= IncidentNotice.Level.RED_ALERT
        entries.append(
            {
                "text": (
                    f"红色警示：{notice.unit.name}未确认通报"
                    if red
                    else f"{notice.unit.name}逾期未确认通报"
                ),
                "meta": f"{notice.incident.title} · 通报于 {_at(notice.sent_at)}"
                + (f" · {notice.get_level_display()}" if notice.level and not red else ""),
                "url": reverse("incidents:detail", args=[notice.incident_id]),
                "level": "danger",
            }
        )
    for incident in selectors.running_clocks(user)[:PANEL_MAX]:
        clock = selectors.clock(incident, now)
        entries.append(
            {
                "text": f"{incident.title}（{grading.grade_label(incident.grade)}）",
                "meta": f"报告时限 {_at(incident.report_due_at)} · {clock.text}",
                "url": reverse("incidents:detail", args=[incident.pk]),
                "level": "danger" if clock.late else "warning",
            }
        )
    for incident in selectors.late_reports(user)[:PANEL_MAX]:
        entries.append(
            {
                "text": f"{incident.title}：逾期报告",
                "meta": f"时限 {_at(incident.report_due_at)}，{_at(incident.reported_at)} 报告",  # type: ignore[arg-type]
                "url": reverse("incidents:detail", args=[incident.pk]),
                "level": "danger",
            }
        )
    return {
        "title": "职业病危害事故",
        "items": entries,
        "empty": "没有正在计时的事故报告，也没有逾期未确认的通报。",
        "more_url": reverse("incidents:list"),
        "more_text": "事故通报",
    }


def unit_notices(user: Any) -> dict[str, Any] | None:
    if not acts_for_unit(membership_of(user)):
        return None  # the secretariat's panel shows the notices it sent
    now = timezone.now()
    notices = list(selectors.waiting_for_unit(user)[:PANEL_MAX])
    if not notices:
        return None
    return {
        "title": "待确认的事故通报",
        "items": [
            {
                "text": notice.incident.title,
                "meta": (
                    f"请于 {_at(notice.ack_due_at)} 前确认"
                    + ("（已超时）" if notice.ack_due_at < now else "")
                ),
                "url": reverse("incidents:detail", args=[notice.incident_id]),
                "level": "danger" if notice.level or notice.ack_due_at < now else "warning",
            }
            for notice in notices
        ],
        "empty": "",
        "more_url": reverse("incidents:list"),
        "more_text": "事故通报",
    }


def government_incidents(user: Any) -> dict[str, Any] | None:
    """The government reader's overview (read-only): the joint meeting's open incidents, with
    their grade, numbers, reporting clock and the units still to acknowledge."""
    if not access.oversees_incidents(user):
        return None
    now = timezone.now()
    items = []
    for incident in selectors.open_incidents(user)[:PANEL_MAX]:
        clock = selectors.clock(incident, now)
        meta = (
            f"{grading.grade_label(incident.grade)}事故 · 急性中毒 {incident.poisoned_count} 人，"
            f"死亡 {incident.death_count} 人 · {clock.text}"
        )
        if incident.unacked_count:  # type: ignore[attr-defined]
            meta += f" · {incident.unacked_count} 个单位未确认"  # type: ignore[attr-defined]
        items.append(
            {
                "text": incident.title,
                "meta": meta,
                "url": reverse("incidents:detail", args=[incident.pk]),
                "level": "danger" if clock.late else "warning",
            }
        )
    return {
        "title": "职业病危害事故（全市，处置中）",
        "items": items,
        "empty": "目前没有处置中的职业病危害事故。",
        "more_url": reverse("incidents:list"),
        "more_text": "全部事故",
    }

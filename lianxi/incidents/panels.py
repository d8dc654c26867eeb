"""事故 on the home page (三(四)2): running reporting clocks, late reports and red alerts for
the secretariat; notices waiting for acknowledgement for a notified unit."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lianxi.organization.access import acts_for_unit, membership_of

from . import access, grading, selectors

PANEL_MAX = 12


def secretariat_incidents(user: Any) -> dict[str, Any] | None:
    if not access.handles_incidents(user):
        return None
    now = timezone.now()
    entries: list[dict[str, Any]] = []
    for notice in selectors.red_alerts(user)[:PANEL_MAX]:
        entries.append(
            {
                "text": f"红色警示：{notice.unit.name}未确认通报",
                "meta": (
                    f"{notice.incident.title} · 通报于 "
                    f"{timezone.localtime(notice.sent_at):%m-%d %H:%M}"
                ),
                "url": reverse("incidents:detail", args=[notice.incident_id]),
                "level": "danger",
            }
        )
    for incident in selectors.running_clocks(user)[:PANEL_MAX]:
        clock = selectors.clock(incident, now)
        entries.append(
            {
                "text": f"{incident.title}（{grading.grade_label(incident.grade)}）",
                "meta": (
                    f"报告时限 {timezone.localtime(incident.report_due_at):%m-%d %H:%M}"
                    f" · {clock.text}"
                ),
                "url": reverse("incidents:detail", args=[incident.pk]),
                "level": "danger" if clock.late else "warning",
            }
        )
    for incident in selectors.late_reports(user)[:PANEL_MAX]:
        entries.append(
            {
                "text": f"{incident.title}：逾期报告",
                "meta": f"时限 {timezone.localtime(incident.report_due_at):%m-%d %H:%M}，"
                f"{timezone.localtime(incident.reported_at):%m-%d %H:%M} 报告",  # type: ignore[arg-type]
                "url": reverse("incidents:detail", args=[incident.pk]),
                "level": "danger",
            }
        )
    return {
        "title": "职业病危害事故",
        "items": entries,
        "empty": "没有正在计时的事故报告，也没有未确认的红色警示。",
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
                    f"请于 {timezone.localtime(notice.ack_due_at):%m-%d %H:%M} 前确认"
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

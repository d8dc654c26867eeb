"""Reporting up (二(四), 三(四)2): to the same-level government and the higher department."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.access import user_of
from lianxi.organization.selectors import government_users

from .. import grading
from ..models import Incident, IncidentUpdate, UpReport
from ._helpers import (
    _local,
    _locked,
    _membership,
    _timeline,
    _who,
    incident_url,
)


@transaction.atomic
def up_report_record(
    *,
    incident: Incident,
    recipient: str,
    channel: str,
    actor: Any,
    update: IncidentUpdate | None = None,
    now: datetime | None = None,
) -> UpReport:
    """二(四)/三(四)2: the report (or the 续报 / 终报 `update`) to the same-level government or
    the higher department is sent.

    The report's text is kept as sent. Once every configured recipient has the first report,
    the clock stops (`reported_at`); a first report after `report_due_at` is recorded as late.
    Reporting to the same-level government reaches its accounts on the platform (the
    government office's readers), with the clock.
    """
    from ..report import report_text

    now = now or timezone.now()
    recipient = (recipient or "").strip()
    if not recipient:
        raise ApplicationError("请选择或填写报告对象。", field="recipient")
    if len(recipient) > 100:
        raise ApplicationError("报告对象不超过 100 个字。", field="recipient")
    incident = _locked(incident)
    if update is not None and update.incident_id != incident.pk:
        raise ApplicationError("该续报或终报不属于本事故。", field="report")
    report = UpReport.objects.create(
        incident=incident,
        update=update,
        recipient=recipient,
        text=report_text(incident, recipient=recipient, at=now, update=update, actor=actor),
        sent_at=now,
        sent_by=user_of(actor),
        channel=(channel or "").strip()[:50],
        on_time=update is not None or now <= incident.report_due_at,
    )
    what = "报告" if update is None else f"报送{update.get_kind_display()}"
    late = "" if report.on_time else "（已超过报告时限）"
    _timeline(
        incident,
        "up_report",
        f"{_who(actor)}向{recipient}{what}"
        + (f"（{report.channel}）" if report.channel else "")
        + late,
        at=now,
        unit=getattr(_membership(actor), "unit", None),
        actor=actor,
    )
    if update is None and incident.reported_at is None:
        sent_to = set(incident.up_reports.filter(update=None).values_list("recipient", flat=True))
        if set(grading.report_recipients()) <= sent_to:
            incident.reported_at = now
            incident.save(update_fields=["reported_at", "updated_at"])
    if recipient == grading.government_recipient():
        readers = government_users(incident.mechanism_id)
        if readers:
            clock = (
                f"报告时限 {_local(incident.report_due_at)}，"
                f"{_local(now)} 报告（{'按时' if now <= incident.report_due_at else '已超时'}）"
            )
            notify(
                recipients=readers,
                kind="incidents.up_report",
                subject=f"【{grading.grade_label(incident.grade)}事故"
                f"{'' if update is None else update.get_kind_display()}】{incident.title}"[:200],
                body=(
                    f"{_local(incident.occurred_at)}，{incident.location}发生职业病危害事故，"
                    f"急性中毒 {incident.poisoned_count} 人，死亡 {incident.death_count} 人。\n"
                    + (f"{update.get_kind_display()}：{update.text}\n" if update else "")
                    + clock
                ),
                url=incident_url(incident),
                actor=actor,
                key=f"incident:{incident.pk}:up_report:{report.pk}",
            )
    audit_record(
        actor=actor,
        action="incident.up_report",
        target=incident,
        data={
            "recipient": recipient,
            "channel": report.channel,
            "on_time": report.on_time,
            "update": update.pk if update else None,
        },
    )
    return report


def is_report_late(incident: Incident, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (incident.reported_at or now) > incident.report_due_at

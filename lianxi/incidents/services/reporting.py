"""Reporting up (二(四), 三(四)2): to the same-level government and the higher department."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import user_of

from .. import grading
from ..models import Incident, UpReport
from ._helpers import _locked, _membership, _timeline, _who


@transaction.atomic
def up_report_record(
    *, incident: Incident, recipient: str, channel: str, actor: Any, now: datetime | None = None
) -> UpReport:
    """二(四)/三(四)2: the report to the same-level government or the higher department is sent.

    The report's text is kept as sent. Once every configured recipient has one, the clock stops
    (`reported_at`); a report after `report_due_at` is recorded as late.
    """
    from ..report import report_text

    now = now or timezone.now()
    recipient = (recipient or "").strip()
    if not recipient:
        raise ApplicationError("请选择或填写报告对象。", field="recipient")
    if len(recipient) > 100:
        raise ApplicationError("报告对象不超过 100 个字。", field="recipient")
    incident = _locked(incident)
    report = UpReport.objects.create(
        incident=incident,
        recipient=recipient,
        text=report_text(incident, recipient=recipient, at=now),
        sent_at=now,
        sent_by=user_of(actor),
        channel=(channel or "").strip()[:50],
        on_time=now <= incident.report_due_at,
    )
    late = "" if report.on_time else "（已超过报告时限）"
    _timeline(
        incident,
        "up_report",
        f"{_who(actor)}向{recipient}报告"
        + (f"（{report.channel}）" if report.channel else "")
        + late,
        at=now,
        unit=getattr(_membership(actor), "unit", None),
        actor=actor,
    )
    if incident.reported_at is None:
        sent_to = set(incident.up_reports.values_list("recipient", flat=True))
        if set(grading.report_recipients()) <= sent_to:
            incident.reported_at = now
            incident.save(update_fields=["reported_at", "updated_at"])
    audit_record(
        actor=actor,
        action="incident.up_report",
        target=incident,
        data={"recipient": recipient, "channel": report.channel, "on_time": report.on_time},
    )
    return report


def is_report_late(incident: Incident, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (incident.reported_at or now) > incident.report_due_at

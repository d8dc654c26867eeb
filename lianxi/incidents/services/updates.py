"""Follow-up and final reports, closing and withdrawing an incident (三(四)2); views recorded."""

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.access import user_of

from .. import cap, grading
from ..models import Incident, IncidentUpdate
from ._helpers import (
    _local,
    _locked,
    _membership,
    _notified_units,
    _timeline,
    _who,
    incident_url,
)
from .intake import _count


@transaction.atomic
def incident_update_add(
    *,
    incident: Incident,
    kind: str,
    text: str,
    poisoned_count: int | None = None,
    death_count: int | None = None,
    actor: Any,
    now: datetime | None = None,
) -> IncidentUpdate:
    """三(四)2: 续报 (any number) and 终报 (once, and nothing after it). New numbers re-grade the
    incident (a more severe grade may shorten a clock not yet stopped); the notified units are
    told."""
    now = now or timezone.now()
    incident = _locked(incident)
    if kind not in IncidentUpdate.Kind.values:
        raise ApplicationError("请选择续报或终报。", field="kind")
    if incident.status == Incident.Status.CLOSED:
        raise ApplicationError("事故已结案，不能再续报或终报。")
    if incident.updates.filter(kind=IncidentUpdate.Kind.FINAL).exists():
        raise ApplicationError("该事故已终报，不能再续报或终报；请填写调查处理结果后结案。")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("请填写续报或终报的内容。", field="text")
    poisoned, problems = _count(poisoned_count, "急性中毒人数", "poisoned_count")
    deaths, more = _count(death_count, "死亡人数", "death_count")
    if problems or more:
        field, message = (problems + more)[0]
        raise ApplicationError(message, field=field)
    new_poisoned = poisoned if poisoned_count not in (None, "") else incident.poisoned_count
    new_deaths = deaths if death_count not in (None, "") else incident.death_count
    if new_deaths > new_poisoned:
        raise ApplicationError(
            f"死亡人数（{new_deaths}）不能多于急性中毒人数（{new_poisoned}）。", field="death_count"
        )
    membership = _membership(actor)
    update = IncidentUpdate.objects.create(
        incident=incident,
        kind=kind,
        text=text,
        poisoned_count=None if poisoned_count in (None, "") else poisoned,
        death_count=None if death_count in (None, "") else deaths,
        author=user_of(actor),
        unit=membership.unit if membership else None,
        created_at=now,
        cap_identifier=f"lianxi.incident.{incident.pk}.{kind}.{uuid.uuid4().hex[:16]}",
    )
    label = update.get_kind_display()
    numbers = f"（急性中毒 {new_poisoned} 人，死亡 {new_deaths} 人）"
    _timeline(
        incident,
        kind,
        f"{_who(actor)}发布{label}{numbers}",
        at=now,
        unit=membership.unit if membership else None,
        actor=actor,
    )
    changed = ["updated_at"]
    if (new_poisoned, new_deaths) != (incident.poisoned_count, incident.death_count):
        incident.poisoned_count, incident.death_count = new_poisoned, new_deaths
        changed += ["poisoned_count", "death_count"]
        grade = grading.grade_for(new_poisoned, new_deaths)
        if grade.code != incident.grade:
            old = grading.grade_label(incident.grade)
            more_severe = grading.severity(grade.code) > grading.severity(incident.grade)
            incident.grade = grade.code
            changed.append("grade")
            text_line = f"事故等级由{old}调整为{grade.label}"
            if more_severe and incident.reported_at is None:
                due = grading.report_due(incident.first_reported_at, grade)
                if due < incident.report_due_at:
                    incident.report_due_at = due
                    changed.append("report_due_at")
                    text_line += f"，报告时限提前至 {_local(due)}"
            _timeline(incident, "regrade", text_line, at=now)
    incident.save(update_fields=changed)
    # The Update as it goes out (the facts now, referencing every message sent before), stored.
    update.incident = incident
    sent = cap.record_sent(cap.update_cap(update), incident=incident, sent_at=now, update=update)
    units = _notified_units(incident)
    if units:
        notify(
            recipients=units,
            kind=f"incidents.{kind}",
            subject=f"【{label}】{incident.title}"[:200],
            body=f"{text}\n{numbers}",
            url=incident_url(incident),
            actor=actor,
            key=f"incident:{incident.pk}:update:{update.pk}",
            attachments=[cap.attachment(sent)],
        )
    audit_record(
        actor=actor,
        action=f"incident.{kind}",
        target=incident,
        data={"poisoned": new_poisoned, "deaths": new_deaths, "grade": incident.grade},
    )
    return update


@transaction.atomic
def incident_close(
    *, incident: Incident, investigation_result: str, actor: Any, now: datetime | None = None
) -> Incident:
    """三(四)2: after the final report, the incident is closed with its investigation result."""
    now = now or timezone.now()
    incident = _locked(incident)
    if incident.status == Incident.Status.CLOSED:
        raise ApplicationError("事故已结案。")
    if not incident.updates.filter(kind=IncidentUpdate.Kind.FINAL).exists():
        raise ApplicationError("请先发布终报，再结案。")
    result = (investigation_result or "").strip()
    if not result:
        raise ApplicationError("请填写调查处理结果。", field="investigation_result")
    incident.status = Incident.Status.CLOSED
    incident.closed_at = now
    incident.investigation_result = result
    incident.save(update_fields=["status", "closed_at", "investigation_result", "updated_at"])
    _timeline(
        incident,
        "closed",
        f"{_who(actor)}结案，记录调查处理结果",
        at=now,
        unit=getattr(_membership(actor), "unit", None),
        actor=actor,
    )
    units = _notified_units(incident)
    if units:
        notify(
            recipients=units,
            kind="incidents.closed",
            subject=f"【结案】{incident.title}"[:200],
            body=f"调查处理结果：{result}",
            url=incident_url(incident),
            actor=actor,
            key=f"incident:{incident.pk}:closed",
        )
    audit_record(actor=actor, action="incident.close", target=incident)
    return incident


@transaction.atomic
def incident_withdraw(
    *, incident: Incident, reason: str, actor: Any, now: datetime | None = None
) -> Incident:
    """Withdraws an incident registered in error: every notified unit gets the CAP Cancel."""
    now = now or timezone.now()
    incident = _locked(incident)
    if incident.status != Incident.Status.OPEN:
        raise ApplicationError(f"事故{incident.get_status_display()}，不能撤销。")
    text = (reason or "").strip()
    if not text:
        raise ApplicationError("请填写撤销理由。", field="reason")
    incident.status = Incident.Status.WITHDRAWN
    incident.closed_at = now
    incident.withdrawn_reason = text
    incident.save(update_fields=["status", "closed_at", "withdrawn_reason", "updated_at"])
    _timeline(
        incident,
        "withdrawn",
        f"{_who(actor)}撤销本次通报：{text}"[:500],
        at=now,
        unit=getattr(_membership(actor), "unit", None),
        actor=actor,
    )
    units = _notified_units(incident)
    if units:
        cancel = cap.record_sent(
            cap.cancel_cap(incident, reason=text, sent=now), incident=incident, sent_at=now
        )
        notify(
            recipients=units,
            kind="incidents.withdrawn",
            subject=f"【撤销通报】{incident.title}"[:200],
            body=f"联席会议办公室撤销了该事故通报。理由：{text}",
            url=incident_url(incident),
            actor=actor,
            key=f"incident:{incident.pk}:withdrawn",
            attachments=[
                (f"{incident.reference}-cancel.xml", bytes(cancel.xml), "application/cap+xml")
            ],
        )
    audit_record(actor=actor, action="incident.withdraw", target=incident, data={"reason": text})
    return incident


def incident_view_record(*, incident: Incident, viewer: Any, what: str = "page") -> None:
    """Privacy: every view of an incident's personal data is in the audit trail."""
    with transaction.atomic():
        audit_record(actor=viewer, action="incident.view", target=incident, data={"what": what})

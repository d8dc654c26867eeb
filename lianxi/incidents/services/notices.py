"""Notices (三(四)2): notifying the departments concerned, acknowledgements, escalation."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.dates import cn_duration
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.access import Role
from lianxi.organization.models import Unit
from lianxi.organization.selectors import secretariat_users

from .. import access, cap, grading
from ..models import Incident, IncidentNotice
from ._helpers import (
    _local,
    _locked,
    _locked_notice,
    _membership,
    _minutes_between,
    _notified_units,
    _timeline,
    _unit_people,
    incident_url,
)


def _notice_body(incident: Incident, reason: str, ack_due_at: datetime) -> str:
    return (
        f"{_local(incident.occurred_at)}，{incident.location}"
        f"（{incident.enterprise.name}）发生职业病危害事故（初判{grading.grade_label(incident.grade)}），"
        f"接触 {incident.exposed_count} 人，急性中毒 {incident.poisoned_count} 人，"
        f"死亡 {incident.death_count} 人。\n"
        + (f"通报理由：{reason}\n" if reason else "")
        + f"请于 {_local(ack_due_at)} 前登录平台确认收到，并按职责做好应急处置相关工作。"
    )


def _reason_for(unit: Unit, index: int, reasons: Any) -> str:
    if reasons is None:
        return ""
    if isinstance(reasons, Mapping):
        value = reasons.get(unit.pk, reasons.get(unit, reasons.get(unit.name, "")))
    elif isinstance(reasons, Sequence) and not isinstance(reasons, str) and index < len(reasons):
        value = reasons[index]
    else:
        value = ""
    return str(value or "")[:300]


@transaction.atomic
def incident_notify(
    *,
    incident: Incident,
    units: Sequence[Unit],
    reasons: Any = None,
    actor: Any,
    now: datetime | None = None,
) -> list[IncidentNotice]:
    """三(四)2: notify the departments concerned — one notice per unit, each to acknowledge
    within the ack window; a unit already notified is not notified again.

    `reasons`: a mapping (unit, unit pk or name → reason) or a list in the order of `units`.
    """
    now = now or timezone.now()
    incident = _locked(incident)
    if incident.status == Incident.Status.CLOSED:
        raise ApplicationError("事故已结案，不能再通报。")
    units = list(dict.fromkeys(units))
    if not units:
        raise ApplicationError("请至少选择一个通报单位。", field="units")
    for unit in units:
        if unit.mechanism_id != incident.mechanism_id or not unit.active:
            raise ApplicationError(f"“{unit.name}”不是本联席会议在册的单位。", field="units")
    window = grading.ack_window()
    notices: list[IncidentNotice] = []
    new_units: list[str] = []
    for index, unit in enumerate(units):
        reason = _reason_for(unit, index, reasons)
        notice, created = IncidentNotice.objects.get_or_create(
            incident=incident,
            unit=unit,
            defaults={
                "reason": reason,
                "sent_at": now,
                "ack_due_at": now + window,
                "cap_identifier": f"lianxi.incident.{incident.pk}.notice.{unit.pk}",
            },
        )
        notices.append(notice)
        if not created:
            continue
        new_units.append(unit.name)
        # The Alert as it goes out, stored: it is read back as sent, never rebuilt.
        notice.incident = incident
        alert = cap.record_sent(
            cap.notice_cap(notice), incident=incident, sent_at=now, notice=notice
        )
        notify(
            recipients=[unit],
            kind="incidents.notice",
            subject=f"【职业病危害事故通报】{incident.title}"[:200],
            body=_notice_body(incident, reason, notice.ack_due_at),
            url=incident_url(incident),
            actor=actor,
            key=f"incident:{incident.pk}:notice:{unit.pk}",
            attachments=[cap.attachment(alert)],
        )
        _timeline(
            incident,
            "notice",
            f"向{unit.name}通报"
            + (f"（{reason}）" if reason else "")
            + f"，应于 {_local(notice.ack_due_at)} 前确认",
            at=now,
            unit=unit,
            actor=actor,
        )
    if new_units:
        audit_record(
            actor=actor, action="incident.notify", target=incident, data={"units": new_units}
        )
        # 二(四): the units the secretariat confirmed as concerned teach routing.
        from lianxi.routing.services import routing_example_record

        routing_example_record(
            text=" ".join((incident.title, incident.substance, incident.enterprise.industry)),
            lead_unit=None,
            supporting_units=_notified_units(incident),
            source_key=f"incidents.incident:{incident.pk}",
            actor=actor,
        )
    return notices


@transaction.atomic
def notice_acknowledge(
    *, notice: IncidentNotice, actor: Any, now: datetime | None = None
) -> IncidentNotice:
    """三(四)2: the notified unit's member or liaison confirms receipt (once; again is a no-op)."""
    now = now or timezone.now()
    membership = _membership(actor)
    notice = _locked_notice(notice)
    if membership is None or not access.may_acknowledge(membership, notice):
        raise ApplicationError("只有被通报单位的联席会议成员或联络员可以确认收到。")
    if notice.acknowledged_at is not None:
        return notice
    notice.acknowledged_at = now
    notice.acknowledged_by = membership.user
    notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    minutes = _minutes_between(notice.sent_at, now)
    after = f"，此前已升级至“{notice.get_level_display()}”" if notice.level else ""
    _timeline(
        notice.incident,
        "ack",
        f"{notice.unit.name}{membership.display_name}确认收到通报"
        f"（通报后 {cn_duration(minutes)}{after}）",
        at=now,
        unit=notice.unit,
        actor=membership,
    )
    audit_record(
        actor=membership,
        action="incident.acknowledge",
        target=notice.incident,
        data={"unit": notice.unit.name, "minutes": minutes, "level": notice.level},
    )
    return notice


ACTION_MAX = 2000


@transaction.atomic
def notice_report_action(
    *, notice: IncidentNotice, text: str, actor: Any, now: datetime | None = None
) -> IncidentNotice:
    """三(四)2 (协调事故应急救援处置): the notified unit reports what it did (处置情况), recorded
    and told to the secretariat. Reporting again replaces the text (the timeline keeps each);
    reporting acknowledges receipt too, if not yet done."""
    now = now or timezone.now()
    membership = _membership(actor)
    notice = _locked_notice(notice)
    if membership is None or not access.may_acknowledge(membership, notice):
        raise ApplicationError(access.ACTION_REFUSED)
    if notice.incident.status != Incident.Status.OPEN:
        raise ApplicationError(f"事故{notice.incident.get_status_display()}，不能再报告处置情况。")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("请填写本单位的处置情况。", field="text")
    if len(text) > ACTION_MAX:
        raise ApplicationError(f"处置情况不超过 {ACTION_MAX} 个字。", field="text")
    changed = ["action_text", "action_reported_at", "action_reported_by"]
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = now, membership.user
        changed += ["acknowledged_at", "acknowledged_by"]
    notice.action_text = text
    notice.action_reported_at = now
    notice.action_reported_by = membership.user
    notice.save(update_fields=changed)
    incident = notice.incident
    _timeline(
        incident,
        "action",
        # The text itself is for the secretariat (the notices table), not every reader of the
        # timeline (other notified units read it too).
        f"{notice.unit.name}{membership.display_name}报告本单位处置情况",
        at=now,
        unit=notice.unit,
        actor=membership,
    )
    recipients = secretariat_users(incident.mechanism_id)
    if recipients:
        notify(
            recipients=recipients,
            kind="incidents.action",
            subject=f"【处置情况】{notice.unit.name}：{incident.title}"[:200],
            body=text,
            url=incident_url(incident),
            actor=membership,
            key=f"incident:{incident.pk}:notice:{notice.unit_id}:action:{now.timestamp()}",
        )
    audit_record(
        actor=membership,
        action="incident.action",
        target=incident,
        data={"unit": notice.unit.name, "length": len(text)},
    )
    return notice


ESCALATION_TEXT = {
    IncidentNotice.Level.LIAISON_AGAIN: "未在时限内确认，再次提醒联络员",
    IncidentNotice.Level.MEMBER: "仍未确认，提醒本单位联席会议成员",
    IncidentNotice.Level.RED_ALERT: "仍未确认，向联席会议办公室发出红色警示",
}


def notice_escalate(*, notice: IncidentNotice, now: datetime) -> bool:
    """三(四)2: one escalation step of an unacknowledged notice whose ack window has passed.

    Level 1: the unit's liaison again; 2: the unit's member; 3: a red alert to the secretariat.
    Each step opens a new ack window. Returns False when nothing was due (idempotent).
    """
    with transaction.atomic():
        notice = (
            IncidentNotice.objects.select_for_update()
            .select_related("unit", "incident", "incident__enterprise")
            .get(pk=notice.pk)
        )
        if (
            notice.acknowledged_at is not None
            or notice.level >= IncidentNotice.Level.RED_ALERT
            or notice.ack_due_at > now
            or notice.incident.status == Incident.Status.CLOSED
        ):
            return False
        level = IncidentNotice.Level(notice.level + 1)
        notice.level = level
        notice.ack_due_at = now + grading.ack_window()
        notice.save(update_fields=["level", "ack_due_at"])
        incident, unit = notice.incident, notice.unit
        late_by = cn_duration(_minutes_between(notice.sent_at, now))
        if level == IncidentNotice.Level.RED_ALERT:
            recipients: list[Any] = secretariat_users(incident.mechanism_id)
            subject = f"【红色警示】{unit.name}未确认事故通报：{incident.title}"
            body = (
                f"{_local(notice.sent_at)} 向{unit.name}通报的事故信息，已 {late_by}未确认，"
                "联络员和联席会议成员均已提醒。请电话联系该单位。"
            )
        else:
            role = Role.LIAISON if level == IncidentNotice.Level.LIAISON_AGAIN else Role.MEMBER
            recipients = _unit_people(unit, role) or [unit]
            who = "联络员" if role == Role.LIAISON else "联席会议成员"
            subject = f"【请立即确认·{who}】职业病危害事故通报：{incident.title}"
            body = (
                f"{_local(notice.sent_at)} 向贵单位通报的事故信息至今 {late_by}未确认。\n"
                + _notice_body(incident, notice.reason, notice.ack_due_at)
            )
        if recipients:
            notify(
                recipients=recipients,
                kind="incidents.escalation",
                subject=subject[:200],
                body=body,
                url=incident_url(incident),
                key=f"incident:{incident.pk}:notice:{unit.pk}:level:{int(level)}",
            )
        _timeline(
            incident,
            "escalation",
            f"{unit.name}{ESCALATION_TEXT[level]}（通报后 {late_by}）",
            at=now,
            unit=unit,
        )
        audit_record(
            actor=None,
            action="incident.escalate",
            target=incident,
            data={"unit": unit.name, "level": int(level)},
        )
        return True


def escalate_notices(now: datetime) -> dict[str, int]:
    """Tick handler: every unacknowledged notice whose window has passed goes one step up."""
    due = IncidentNotice.objects.filter(
        acknowledged_at=None,
        ack_due_at__lte=now,
        level__lt=IncidentNotice.Level.RED_ALERT,
        incident__status=Incident.Status.OPEN,
    ).order_by("ack_due_at", "id")
    count = 0
    for notice in list(due):
        if notice_escalate(notice=notice, now=now):
            count += 1
    return {"escalated": count}

"""职业病危害事故 writes (三(四)2, 二(四)): intake, reporting up, notices, acknowledgements,
escalation, follow-up and final reports, closing.

Every write runs in one transaction, records its audit event, writes the incident's timeline
(who knew what and when) and tells the people concerned through `notify` with a key, so that
running a write again never tells anyone twice.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.access import Role, membership_of, user_of
from lianxi.organization.models import Mechanism, Membership, Unit
from lianxi.organization.selectors import secretariat_users

from . import grading, routing
from .credit_code import credit_code_error, normalise
from .models import Enterprise, Incident, IncidentNotice, IncidentUpdate, TimelineEntry, UpReport

TITLE_MAX = 200
MAX_COUNT = 1_000_000
REGISTER_ROLES = (Role.SECRETARIAT, Role.MEMBER, Role.LIAISON)


@dataclass
class IncidentInput:
    """What a report of an incident must say (地点、时间、发病情况、死亡人数、可能发生原因、
    已采取措施、发展趋势), and the enterprise it happened at."""

    title: str
    occurred_at: datetime | None
    first_reported_at: datetime | None
    location: str
    enterprise_name: str
    credit_code: str
    industry: str = ""
    address: str = ""
    county: str = ""
    hazard: str = Incident.Hazard.OTHER
    substance: str = ""
    exposed_count: int | None = 0
    poisoned_count: int | None = 0
    death_count: int | None = 0
    onset: str = ""
    probable_cause: str = ""
    measures_taken: str = ""
    trend: str = ""


# --- helpers ------------------------------------------------------------------------------


def _notified_units(incident: Incident) -> list[Unit]:
    """The units the incident was notified to (三(四)2), each once."""
    return [n.unit for n in incident.notices.select_related("unit")]


def incident_url(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.pk])


def _membership(actor: Any) -> Membership | None:
    if isinstance(actor, Membership):
        return actor if actor.active else None
    if isinstance(actor, get_user_model()):
        return membership_of(actor)
    return None


def _unit_people(unit: Unit, role: str) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            unit=unit, role=role, active=True, user__is_active=True
        ).select_related("user")
    ]


def _timeline(
    incident: Incident,
    kind: str,
    text: str,
    *,
    at: datetime,
    unit: Unit | None = None,
    actor: Any = None,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        incident=incident, at=at, kind=kind, text=text[:500], unit=unit, actor=user_of(actor)
    )


def _who(actor: Any) -> str:
    membership = _membership(actor)
    if membership is not None:
        return f"{membership.unit.name}{membership.display_name}"
    user = user_of(actor)
    if user is not None:
        return user.first_name or user.get_username()
    return getattr(actor, "name", "") or "外部系统"


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("enterprise").get(pk=incident.pk)


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


# --- intake -------------------------------------------------------------------------------


def _count(value: Any, label: str, field: str) -> tuple[int, list[tuple[str, str]]]:
    if value is None or value == "":
        return 0, []
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0, [(field, f"{label}应为整数。")]
    if number < 0:
        return 0, [(field, f"{label}不能为负数。")]
    if number > MAX_COUNT:
        return 0, [(field, f"{label}过大，请核对。")]
    return number, []


def incident_input_errors(
    data: IncidentInput, *, now: datetime | None = None
) -> list[tuple[str, str]]:
    """Every problem with `data` as (field, message in Chinese); empty when it may be registered.

    二(四)/三(四)2: counts not negative, deaths not more than the poisoned, times not in the
    future and the occurrence not after the first report, a valid unified social credit code.
    """
    now = now or timezone.now()
    errors: list[tuple[str, str]] = []
    if not (data.title or "").strip():
        errors.append(("title", "请填写事故名称。"))
    elif len(data.title.strip()) > TITLE_MAX:
        errors.append(("title", f"事故名称不超过 {TITLE_MAX} 个字。"))
    if not (data.location or "").strip():
        errors.append(("location", "请填写事故发生地点。"))
    if not (data.enterprise_name or "").strip():
        errors.append(("enterprise_name", "请填写用人单位名称。"))
    code_error = credit_code_error(data.credit_code or "")
    if code_error:
        errors.append(("credit_code", code_error))
    if data.hazard not in Incident.Hazard.values:
        errors.append(("hazard", "请选择危害因素类别（粉尘、化学、物理、放射性、生物或其他）。"))
    counts = {}
    for field, label in (
        ("exposed_count", "接触人数"),
        ("poisoned_count", "急性中毒人数"),
        ("death_count", "死亡人数"),
    ):
        counts[field], problems = _count(getattr(data, field), label, field)
        errors.extend(problems)
    if counts["death_count"] > counts["poisoned_count"]:
        errors.append(
            (
                "death_count",
                f"死亡人数（{counts['death_count']}）不能多于急性中毒人数"
                f"（{counts['poisoned_count']}）：死亡者也应计入中毒人数。",
            )
        )
    occurred, reported = data.occurred_at, data.first_reported_at
    if occurred is None:
        errors.append(("occurred_at", "请填写事故发生时间。"))
    elif timezone.is_naive(occurred):
        errors.append(("occurred_at", "事故发生时间缺少时区。"))
    elif occurred > now:
        errors.append(("occurred_at", "事故发生时间不能晚于现在。"))
    if reported is None:
        errors.append(("first_reported_at", "请填写首次报告时间。"))
    elif timezone.is_naive(reported):
        errors.append(("first_reported_at", "首次报告时间缺少时区。"))
    elif reported > now:
        errors.append(("first_reported_at", "首次报告时间不能晚于现在。"))
    if (
        occurred is not None
        and reported is not None
        and not timezone.is_naive(occurred)
        and not timezone.is_naive(reported)
        and occurred > reported
    ):
        errors.append(("first_reported_at", "首次报告时间不能早于事故发生时间。"))
    return errors


def _enterprise(data: IncidentInput) -> Enterprise:
    code = normalise(data.credit_code)
    defaults = {
        "name": data.enterprise_name.strip()[:200],
        "industry": (data.industry or "").strip()[:100],
        "address": (data.address or "").strip()[:300],
        "county": (data.county or "").strip()[:50],
    }
    enterprise, created = Enterprise.objects.get_or_create(credit_code=code, defaults=defaults)
    if not created:
        # Matched by its code: keep the registered name, fill what was not known yet.
        changed = [f for f in ("industry", "address", "county") if not getattr(enterprise, f)]
        changed = [f for f in changed if defaults[f]]
        for f in changed:
            setattr(enterprise, f, defaults[f])
        if changed:
            enterprise.save(update_fields=[*changed, "updated_at"])
    return enterprise


@transaction.atomic
def incident_register(
    *,
    mechanism: Mechanism,
    data: IncidentInput,
    actor: Any,
    now: datetime | None = None,
    idempotency_key: str | None = None,
    source_system: str = "",
) -> tuple[Incident, bool]:
    """三(四)2: register an incident reported to the secretariat or learnt of by a member unit.

    Graded from its numbers (二(四), 2002 measures), its reporting clock set from the first
    report. With `idempotency_key` a retried call returns the incident the first one made
    (created False). `actor`: a Membership/User acting for a unit (pages), or None / a system
    actor for another system (then `source_system` names it).
    """
    now = now or timezone.now()
    key = (idempotency_key or "").strip()[:200] or None
    if key is not None:
        existing = Incident.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
    membership = _membership(actor)
    if membership is not None:
        if membership.role not in REGISTER_ROLES:
            raise ApplicationError("只有联席会议办公室和成员单位可以登记职业病危害事故。")
        if membership.unit.mechanism_id != mechanism.pk:
            raise ApplicationError("您不属于该联席会议，不能登记事故。")
    elif user_of(actor) is not None:
        raise ApplicationError("您的账号未绑定任何单位，不能登记事故。")
    errors = incident_input_errors(data, now=now)
    if errors:
        field, message = errors[0]
        raise ApplicationError(message, field=field)
    assert data.occurred_at is not None and data.first_reported_at is not None
    poisoned = int(data.poisoned_count or 0)
    deaths = int(data.death_count or 0)
    grade = grading.grade_for(poisoned, deaths)
    try:
        with transaction.atomic():
            enterprise = _enterprise(data)
            incident = Incident.objects.create(
                mechanism=mechanism,
                reference=f"tmp-{uuid.uuid4().hex[:24]}",
                title=data.title.strip(),
                occurred_at=data.occurred_at,
                first_reported_at=data.first_reported_at,
                location=data.location.strip()[:300],
                enterprise=enterprise,
                hazard=data.hazard,
                substance=(data.substance or "").strip()[:100],
                exposed_count=int(data.exposed_count or 0),
                poisoned_count=poisoned,
                death_count=deaths,
                onset=(data.onset or "").strip(),
                probable_cause=(data.probable_cause or "").strip(),
                measures_taken=(data.measures_taken or "").strip(),
                trend=(data.trend or "").strip(),
                is_radiation=data.hazard == Incident.Hazard.RADIOACTIVE,
                grade=grade.code,
                report_due_at=grading.report_due(data.first_reported_at, grade),
                registered_by=membership.user if membership else None,
                registering_unit=membership.unit if membership else None,
                source_system=("" if membership else (source_system or "").strip()[:100]),
                idempotency_key=key,
            )
    except IntegrityError:
        if key is None:
            raise
        # A concurrent call with the same key committed first.
        existing = Incident.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    year = timezone.localtime(incident.first_reported_at).year
    incident.reference = f"ZW-{year}-{incident.pk:04d}"
    incident.save(update_fields=["reference"])
    who = _who(actor) if membership else (incident.source_system or "外部系统")
    _timeline(incident, "occurred", f"事故发生（{incident.location}）", at=incident.occurred_at)
    _timeline(incident, "first_reported", "首次报告", at=incident.first_reported_at)
    _timeline(
        incident,
        "registered",
        f"{who}登记事故，初判{grade.label}事故"
        + ("（放射事故）" if incident.is_radiation else "")
        + f"，应于 {_local(incident.report_due_at)} 前报告本级政府和上级卫生健康部门",
        at=now,
        unit=membership.unit if membership else None,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="incident.register",
        target=incident,
        data={
            "grade": grade.code,
            "poisoned": poisoned,
            "deaths": deaths,
            "source_system": incident.source_system,
            "idempotency_key": key or "",
        },
    )
    if membership is None or membership.role != Role.SECRETARIAT:
        recipients = secretariat_users(mechanism.pk)
        if recipients:
            notify(
                recipients=recipients,
                kind="incidents.registered",
                subject=f"【{grade.label}事故】{who}报告：{incident.title}"[:200],
                body=(
                    f"{_local(incident.occurred_at)}，{incident.location}，"
                    f"急性中毒 {poisoned} 人，死亡 {deaths} 人。"
                    f"请于 {_local(incident.report_due_at)} 前报告本级政府和上级卫生健康部门，"
                    "并向相关部门通报。"
                ),
                url=incident_url(incident),
                actor=actor,
                key=f"incident:{incident.pk}:registered",
            )
    return incident, True


def incident_propose_units(*, incident: Incident) -> list[tuple[Unit, str]]:
    """三(四)2: the departments the facts concern, with the duty that makes them concerned."""
    return routing.propose(incident)


# --- reporting up -------------------------------------------------------------------------


@transaction.atomic
def up_report_record(
    *, incident: Incident, recipient: str, channel: str, actor: Any, now: datetime | None = None
) -> UpReport:
    """二(四)/三(四)2: the report to the same-level government or the higher department is sent.

    The report's text is kept as sent. Once every configured recipient has one, the clock stops
    (`reported_at`); a report after `report_due_at` is recorded as late.
    """
    from .report import report_text

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


# --- notices ------------------------------------------------------------------------------


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
        notify(
            recipients=[unit],
            kind="incidents.notice",
            subject=f"【职业病危害事故通报】{incident.title}"[:200],
            body=_notice_body(incident, reason, notice.ack_due_at),
            url=incident_url(incident),
            actor=actor,
            key=f"incident:{incident.pk}:notice:{unit.pk}",
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
    *, notice: IncidentNotice, by: Any, now: datetime | None = None
) -> IncidentNotice:
    """三(四)2: the notified unit's member or liaison confirms receipt (once; again is a no-op)."""
    now = now or timezone.now()
    membership = _membership(by)
    notice = (
        IncidentNotice.objects.select_for_update()
        .select_related("unit", "incident")
        .get(pk=notice.pk)
    )
    if (
        membership is None
        or membership.unit_id != notice.unit_id
        or membership.role not in (Role.MEMBER, Role.LIAISON)
    ):
        raise ApplicationError("只有被通报单位的联席会议成员或联络员可以确认收到。")
    if notice.acknowledged_at is not None:
        return notice
    notice.acknowledged_at = now
    notice.acknowledged_by = membership.user
    notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    minutes = max(0, int((now - notice.sent_at).total_seconds() // 60))
    after = f"，此前已升级至“{notice.get_level_display()}”" if notice.level else ""
    _timeline(
        notice.incident,
        "ack",
        f"{notice.unit.name}{membership.display_name}确认收到通报（通报后 {minutes} 分钟{after}）",
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
        late_by = int((now - notice.sent_at).total_seconds() // 60)
        if level == IncidentNotice.Level.RED_ALERT:
            recipients: list[Any] = secretariat_users(incident.mechanism_id)
            subject = f"【红色警示】{unit.name}未确认事故通报：{incident.title}"
            body = (
                f"{_local(notice.sent_at)} 向{unit.name}通报的事故信息，已 {late_by} 分钟未确认，"
                "联络员和联席会议成员均已提醒。请电话联系该单位。"
            )
        else:
            role = Role.LIAISON if level == IncidentNotice.Level.LIAISON_AGAIN else Role.MEMBER
            recipients = _unit_people(unit, role) or [unit]
            who = "联络员" if role == Role.LIAISON else "联席会议成员"
            subject = f"【请立即确认·{who}】职业病危害事故通报：{incident.title}"
            body = (
                f"{_local(notice.sent_at)} 向贵单位通报的事故信息至今 {late_by} 分钟未确认。\n"
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
            f"{unit.name}{ESCALATION_TEXT[level]}（通报后 {late_by} 分钟）",
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


# --- follow-up, final, close --------------------------------------------------------------


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
    from .cap import cancel_cap, to_xml

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
        cancel = to_xml(cancel_cap(incident, reason=text, sent=now))
        notify(
            recipients=units,
            kind="incidents.withdrawn",
            subject=f"【撤销通报】{incident.title}"[:200],
            body=f"联席会议办公室撤销了该事故通报。理由：{text}",
            url=incident_url(incident),
            actor=actor,
            key=f"incident:{incident.pk}:withdrawn",
            attachments=[(f"{incident.reference}-cancel.xml", cancel, "application/cap+xml")],
        )
    audit_record(actor=actor, action="incident.withdraw", target=incident, data={"reason": text})
    return incident


def incident_view_record(*, incident: Incident, viewer: Any, what: str = "page") -> None:
    """Privacy: every view of an incident's personal data is in the audit trail."""
    with transaction.atomic():
        audit_record(actor=viewer, action="incident.view", target=incident, data={"what": what})

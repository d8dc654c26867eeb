"""Intake (三(四)2, 二(四)): what a report must say, its checks, registering an incident."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.access import Role, user_of
from lianxi.organization.models import Mechanism, Unit
from lianxi.organization.selectors import secretariat_users

from .. import access, grading, routing
from ..credit_code import credit_code_error, normalise
from ..models import Enterprise, Incident
from ._helpers import (
    _local,
    _membership,
    _timeline,
    _who,
    incident_url,
)

TITLE_MAX = 200
MAX_COUNT = 1_000_000


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
        existing = Incident.objects.filter(idempotency_key=key, mechanism=mechanism).first()
        if existing is not None:
            return existing, False
    membership = _membership(actor)
    if membership is not None:
        if not access.may_register(membership):
            raise ApplicationError(access.REGISTER_REFUSED)
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
        existing = Incident.objects.filter(idempotency_key=key, mechanism=mechanism).first()
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

"""What the incident writes share: the acting membership, the timeline, how people and times
are written in it."""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from lianxi.core.dates import cn_datetime
from lianxi.organization.access import membership_of, user_of
from lianxi.organization.models import Membership, Unit

from ..models import Incident, IncidentNotice, TimelineEntry


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


def _locked_notice(notice: IncidentNotice) -> IncidentNotice:
    return (
        IncidentNotice.objects.select_for_update()
        .select_related("unit", "incident")
        .get(pk=notice.pk)
    )


def _local(moment: datetime) -> str:
    """As officials write a moment: 2026年12月3日 14:00."""
    return cn_datetime(moment)


def _minutes_between(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))

"""Occupational-hazard incidents for the search box (三(四)2).

Who finds an incident follows `access.visible_incidents`: the secretariat and the government
office, the unit that registered it and the units notified of it.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.timezone import localdate

from lianxi.search.registry import register

from .access import visible_incidents
from .models import Incident, IncidentNotice, IncidentUpdate


def _body(incident: Incident) -> str:
    enterprise = incident.enterprise
    parts = [
        f"用人单位：{enterprise.name}（{enterprise.county}{enterprise.industry}）",
        f"统一社会信用代码：{enterprise.credit_code}",
        f"地点：{incident.location}",
        f"危害因素：{incident.get_hazard_display()} {incident.substance}".strip(),
        incident.onset,
        incident.probable_cause,
        incident.measures_taken,
        incident.trend,
        *(f"{u.get_kind_display()}：{u.text}" for u in incident.updates.all()),
        incident.investigation_result,
    ]
    return "\n".join(p for p in parts if p)


def _changed(since: object) -> Q:
    """The incident itself, or a notice or an update added to it since."""
    return (
        Q(updated_at__gte=since)
        | Q(pk__in=IncidentNotice.objects.filter(sent_at__gte=since).values("incident_id"))
        | Q(pk__in=IncidentUpdate.objects.filter(created_at__gte=since).values("incident_id"))
    )


register(
    "incident",
    Incident,
    label="事故通报",
    title=lambda incident: f"{incident.reference} {incident.title}",
    body=_body,
    url=lambda incident: reverse("incidents:detail", args=[incident.pk]),
    unit_ids=lambda incident: [
        incident.registering_unit_id,
        *(n.unit_id for n in incident.notices.all()),
    ],
    date=lambda incident: localdate(incident.occurred_at),
    visible=visible_incidents,
    indexable=lambda: Incident.objects.select_related("enterprise").prefetch_related(
        "notices", "updates"
    ),
    changed=_changed,
    order=80,
)

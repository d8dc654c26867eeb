"""Who may see or act on incidents (三(四)2; incident details are personal data).

- The secretariat and the city government office see every incident of their joint meeting.
- A unit's member and liaison see the incidents notified to their unit and those their unit
  registered.
- Observers, the auditor, the security administrator and outsiders see none.
- The secretariat, members and liaisons register incidents; only the secretariat reports up,
  notifies, publishes follow-up and final reports and closes; a notified unit's member or
  liaison acknowledges its notice.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from lianxi.organization.access import (
    SEE_ALL_ROLES,
    UNIT_ROLES,
    Role,
    acts_for_unit,
    is_secretariat,
    membership_of,
    scoped_to_unit,
    sees_all,
)
from lianxi.organization.models import Membership

from .models import Incident, IncidentNotice

LIST_ROLES = (*SEE_ALL_ROLES, *UNIT_ROLES)
REGISTER_ROLES = (Role.SECRETARIAT, *UNIT_ROLES)


def unit_incidents_q(unit_id: int) -> Q:
    """Incidents notified to a unit or registered by it, without a join that repeats rows."""
    return Q(registering_unit_id=unit_id) | Q(
        pk__in=IncidentNotice.objects.filter(unit_id=unit_id).values("incident_id")
    )


def visible_incidents(user: Any) -> QuerySet[Incident]:
    return scoped_to_unit(user, Incident.objects.all(), unit_incidents_q)


def can_see_incident(user: Any, incident: Incident) -> bool:
    membership = membership_of(user)
    if membership is None or membership.unit.mechanism_id != incident.mechanism_id:
        return False
    if sees_all(membership):
        return True
    if not acts_for_unit(membership):
        return False
    return (
        incident.registering_unit_id == membership.unit_id
        or incident.notices.filter(unit_id=membership.unit_id).exists()
    )


def incident_for(user: Any, pk: int) -> Incident:
    """The incident if the user may see it; PermissionDenied otherwise (also when it does not
    exist, so that existence is not revealed)."""
    incident = (
        Incident.objects.select_related(
            "enterprise", "mechanism", "registering_unit", "registered_by"
        )
        .filter(pk=pk)
        .first()
    )
    if incident is None or not can_see_incident(user, incident):
        raise PermissionDenied("您无权查看该事故信息。")
    return incident


def require_secretariat(user: Any, incident: Incident | None = None) -> Membership:
    membership = membership_of(user)
    if not is_secretariat(membership):
        raise PermissionDenied("只有联席会议办公室可以进行此项操作。")
    assert membership is not None
    if incident is not None and membership.unit.mechanism_id != incident.mechanism_id:
        raise PermissionDenied("只有联席会议办公室可以进行此项操作。")
    return membership


def own_notice(membership: Membership | None, incident: Incident) -> IncidentNotice | None:
    """The notice of the person's unit, if they act for a notified unit."""
    if not acts_for_unit(membership):
        return None
    assert membership is not None
    return incident.notices.filter(unit_id=membership.unit_id).first()

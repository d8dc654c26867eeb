"""Who may see or act on incidents (三(四)2; incident details are personal data).

- The secretariat and the city government office see every incident of their joint meeting.
- A unit's member and liaison see the incidents notified to their unit and those their unit
  registered.
- Observers, the auditor, the security administrator and outsiders see none; an incident a
  person may not see is answered as one that does not exist (404), on the pages and in the API.
- 三(四)2 intake: the secretariat registers what is reported to it, and "其他部门如遇涉及职业病
  危害突发事件(事故)，及时向有关单位通报" — any unit's member or liaison registers, a member unit's
  or an invited unit's alike. The government office and observers do not; the same rule on the
  page, in the API and in the service.
- Only the secretariat reports up, notifies, publishes follow-up and final reports, closes and
  withdraws; a notified unit's member or liaison acknowledges its notice.

Everything below derives from `visible_incidents` and these roles; the pages, the API, search,
the home panels and the selectors call it and never re-derive a rule.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from lianxi.organization.access import (
    SEE_ALL_ROLES,
    UNIT_ACTING_ROLES,
    Role,
    acts_for_unit,
    is_secretariat,
    membership_of,
    require_membership,
    scoped_to_unit,
    sees_all,
)
from lianxi.organization.models import Membership

from .models import Incident, IncidentNotice, IncidentUpdate

LIST_ROLES = (*SEE_ALL_ROLES, *UNIT_ACTING_ROLES)
REGISTER_ROLES = (Role.SECRETARIAT, *UNIT_ACTING_ROLES)
NOT_FOUND = (
    "事故不存在，或您无权查看：事故信息仅限联席会议办公室、登记单位、被通报单位和市政府办公室查看。"
)
LIST_REFUSED = "您的角色无权查看事故信息。"
REGISTER_REFUSED = "只有联席会议办公室和各单位的联席会议成员、联络员可以登记职业病危害事故。"
SECRETARIAT_ONLY = "只有联席会议办公室可以进行此项操作。"
ACTION_REFUSED = "只有被通报单位的联席会议成员或联络员可以报告本单位的处置情况。"


# --- seeing ---------------------------------------------------------------------------------


def unit_incidents_q(unit_id: int) -> Q:
    """Incidents notified to a unit or registered by it, without a join that repeats rows."""
    return Q(registering_unit_id=unit_id) | Q(
        pk__in=IncidentNotice.objects.filter(unit_id=unit_id).values("incident_id")
    )


def visible_incidents(user: Any) -> QuerySet[Incident]:
    """The incidents of the joint meeting the person acts in that they may see."""
    return scoped_to_unit(user, Incident.objects.all(), unit_incidents_q)


def can_see_incident(user: Any, incident: Incident) -> bool:
    return visible_incidents(user).filter(pk=incident.pk).exists()


def incident_for(user: Any, pk: int) -> Incident:
    """The incident if the person may see it; 404 otherwise, so that existence is not revealed."""
    incident = (
        visible_incidents(user)
        .select_related("enterprise", "mechanism", "registering_unit", "registered_by")
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404(NOT_FOUND)
    return incident


def can_list_incidents(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in LIST_ROLES


def require_list(user: Any) -> Membership:
    """The incident list (page and API): 403 for a role that sees no incident at all."""
    membership = require_membership(user)
    if membership.role not in LIST_ROLES:
        raise PermissionDenied(LIST_REFUSED)
    return membership


def sees_all_incidents(user: Any) -> bool:
    return sees_all(membership_of(user))


def own_notices(user: Any) -> QuerySet[IncidentNotice]:
    """The notices addressed to the unit the person acts for (theirs to acknowledge)."""
    membership = membership_of(user)
    if not acts_for_unit(membership):
        return IncidentNotice.objects.none()
    assert membership is not None
    return IncidentNotice.objects.filter(
        unit_id=membership.unit_id, incident__mechanism_id=membership.unit.mechanism_id
    )


def visible_notices(user: Any) -> QuerySet[IncidentNotice]:
    """The notices of the incidents the person sees (the notice table is part of the page)."""
    membership = membership_of(user)
    if sees_all(membership):
        # visible_incidents is then the whole joint meeting's: said as a join, not a subquery
        # (the home page asks this on every load).
        assert membership is not None
        return IncidentNotice.objects.filter(incident__mechanism_id=membership.unit.mechanism_id)
    return IncidentNotice.objects.filter(incident__in=visible_incidents(user).values("pk"))


# --- intake (三(四)2) -------------------------------------------------------------------------


def may_register(membership: Membership | None) -> bool:
    """三(四)2: the secretariat, or the member or liaison of any unit (member or invited)."""
    return membership is not None and membership.active and membership.role in REGISTER_ROLES


def can_register_incident(user: Any) -> bool:
    return may_register(membership_of(user))


def require_register(user: Any) -> Membership:
    """The membership that registers an incident (register page and API intake); 403 otherwise."""
    membership = require_membership(user)
    if not may_register(membership):
        raise PermissionDenied(REGISTER_REFUSED)
    return membership


# --- acting on an incident --------------------------------------------------------------------


def handles_incidents(user: Any) -> bool:
    """The secretariat keeps the reporting clocks and answers the red alerts."""
    return is_secretariat(membership_of(user))


def oversees_incidents(user: Any) -> bool:
    """The government office: sees every incident of its joint meeting, acts on none (its
    home shows them read-only)."""
    membership = membership_of(user)
    return sees_all(membership) and not is_secretariat(membership)


def require_secretariat(user: Any, incident: Incident | None = None) -> Membership:
    membership = membership_of(user)
    if not is_secretariat(membership):
        raise PermissionDenied(SECRETARIAT_ONLY)
    assert membership is not None
    if incident is not None and membership.unit.mechanism_id != incident.mechanism_id:
        raise PermissionDenied(SECRETARIAT_ONLY)
    return membership


def may_acknowledge(membership: Membership | None, notice: IncidentNotice) -> bool:
    """三(四)2: the notified unit's member or liaison confirms receipt."""
    return acts_for_unit(membership) and membership.unit_id == notice.unit_id  # type: ignore[union-attr]


def own_notice(membership: Membership | None, incident: Incident) -> IncidentNotice | None:
    """The notice of the person's unit, if they act for a notified unit."""
    if not acts_for_unit(membership):
        return None
    assert membership is not None
    return incident.notices.filter(unit_id=membership.unit_id).first()


def sees_action(perms: "IncidentPermissions", notice: IncidentNotice) -> bool:
    """处置情况 is reported to the secretariat: it and the government office see every unit's,
    a notified unit its own; other notified units do not."""
    own = perms.own_notice
    return perms.sees_all or (own is not None and own.pk == notice.pk)


@dataclass(frozen=True)
class IncidentPermissions:
    """What a person who sees an incident may do with it: the page's forms and the API's links."""

    sees_all: bool
    is_secretariat: bool
    is_open: bool
    has_final: bool
    has_notice: bool
    own_notice: IncidentNotice | None
    can_report_up: bool
    can_notify: bool
    can_add_update: bool
    can_close: bool
    can_withdraw: bool
    can_acknowledge: bool
    can_report_action: bool
    can_export_cap: bool


def incident_permissions(
    user: Any, incident: Incident, *, just_registered: bool = False
) -> IncidentPermissions:
    """For an incident `user` sees (`incident_for`); two queries, none for one
    `just_registered` (it has no update and no notice yet)."""
    membership = membership_of(user)
    secretariat = is_secretariat(membership) and (
        membership.unit.mechanism_id == incident.mechanism_id  # type: ignore[union-attr]
    )
    is_open = incident.status == Incident.Status.OPEN
    has_final = (
        False
        if just_registered
        else incident.updates.filter(kind=IncidentUpdate.Kind.FINAL).exists()
    )
    notices = [] if just_registered else list(incident.notices.all())
    own = None
    if acts_for_unit(membership):
        assert membership is not None
        own = next((n for n in notices if n.unit_id == membership.unit_id), None)
    managing = secretariat and is_open
    return IncidentPermissions(
        sees_all=sees_all(membership),
        is_secretariat=secretariat,
        is_open=is_open,
        has_final=has_final,
        has_notice=bool(notices),
        own_notice=own,
        can_report_up=managing,
        can_notify=managing,
        can_add_update=managing and not has_final,
        can_close=managing and has_final,
        can_withdraw=managing,
        can_acknowledge=own is not None and own.acknowledged_at is None,
        # 处置情况: the notified unit, while the incident is open.
        can_report_action=own is not None and is_open,
        # CAP: the person's own notice, or the first one sent; none before anything was sent.
        can_export_cap=bool(notices),
    )

"""Who may see or run a meeting and its minutes (三(一)1, 三(一)2).

- The secretariat sees every meeting and convenes plenaries; it also oversees topical meetings.
- A topical meeting is convened and run by the people (member, liaison) of the chair unit the
  secretariat entrusted (三(一)2).
- A unit's people see the meetings their unit is invited to (as a member or an observer) once the
  notice has gone out, and the meetings their unit chairs; an observer unit sees only those.
- The city government office sees meetings whose minutes were issued, and those minutes.
- Minutes before issuing are seen only by the convener; issued minutes by every unit that
  received them (and the secretariat).
- Everyone else (auditor, security administrator, no membership) sees nothing here.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership

from .models import Attendance, Meeting, Minutes, MinutesReceipt

Role = Membership.Role
UNIT_ROLES = (Role.MEMBER, Role.LIAISON, Role.OBSERVER)
CHAIR_ROLES = (Role.MEMBER, Role.LIAISON)
MEETING_ROLES = (Role.SECRETARIAT, *UNIT_ROLES, Role.GOVERNMENT)


def can_list_meetings(user: Any) -> bool:
    """The meetings list (and its entry in the header): the roles that may see any meeting."""
    membership = membership_of(user)
    return membership is not None and membership.role in MEETING_ROLES


def can_convene(membership: Membership | None, meeting: Meeting) -> bool:
    """The secretariat for any meeting; the chair unit's people for a topical one (三(一)2)."""
    if membership is None:
        return False
    if membership.unit.mechanism_id != meeting.mechanism_id:
        return False
    if membership.role == Role.SECRETARIAT:
        return True
    return (
        meeting.kind == Meeting.Kind.TOPICAL
        and membership.role in CHAIR_ROLES
        and membership.unit_id == meeting.chair_unit_id
    )


def visible_meetings(membership: Membership | None) -> QuerySet[Meeting]:
    """The meetings a person may see, as one filter (no per-row checks)."""
    if membership is None or membership.role not in MEETING_ROLES:
        return Meeting.objects.none()
    base = Meeting.objects.filter(mechanism_id=membership.unit.mechanism_id)
    if membership.role == Role.SECRETARIAT:
        return base
    if membership.role == Role.GOVERNMENT:
        return base.filter(minutes__status=Minutes.Status.ISSUED)
    unit_id = membership.unit_id
    # A subquery, not a join: a join would also restrict the list's per-meeting counts of
    # attendances (selectors.meeting_list) to this unit's own row.
    invited = Q(pk__in=Attendance.objects.filter(unit_id=unit_id).values("meeting_id")) & ~Q(
        status=Meeting.Status.DRAFT
    )
    if membership.role == Role.OBSERVER:
        return base.filter(invited).distinct()
    chaired = Q(kind=Meeting.Kind.TOPICAL, chair_unit_id=unit_id)
    return base.filter(invited | chaired).distinct()


def meeting_for(user: Any, pk: int, *, convene: bool = False) -> Meeting:
    """The meeting if the user may see it (404 otherwise; 403 when it must be run by them)."""
    membership = membership_of(user)
    if membership is None or membership.role not in MEETING_ROLES:
        raise PermissionDenied("您的角色无权查看会议。")
    try:
        meeting = (
            visible_meetings(membership)
            .select_related("chair_unit", "mechanism", "created_by")
            .get(pk=pk)
        )
    except Meeting.DoesNotExist as exc:
        raise Http404("会议不存在或您无权查看。") from exc
    if convene and not can_convene(membership, meeting):
        raise PermissionDenied("只有会议召集方可以进行此项操作。")
    return meeting


def can_view_minutes(membership: Membership | None, minutes: Minutes) -> bool:
    if membership is None:
        return False
    meeting = minutes.meeting
    if can_convene(membership, meeting):
        return True
    if minutes.status != Minutes.Status.ISSUED:
        return False
    if membership.role not in (*UNIT_ROLES, Role.GOVERNMENT):
        return False
    return MinutesReceipt.objects.filter(minutes=minutes, unit_id=membership.unit_id).exists()


def minutes_for(user: Any, pk: int, *, edit: bool = False) -> Minutes:
    membership = membership_of(user)
    if membership is None or membership.role not in MEETING_ROLES:
        raise PermissionDenied("您的角色无权查看会议纪要。")
    try:
        minutes = Minutes.objects.select_related(
            "meeting", "meeting__chair_unit", "meeting__mechanism"
        ).get(pk=pk)
    except Minutes.DoesNotExist as exc:
        raise Http404("会议纪要不存在。") from exc
    if not can_view_minutes(membership, minutes):
        raise Http404("会议纪要不存在或您无权查看。")
    if edit and not can_convene(membership, minutes.meeting):
        raise PermissionDenied("只有会议召集方可以起草和印发会议纪要。")
    return minutes

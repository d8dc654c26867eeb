"""Who may see or act on the annual cycle (四(三), 三(一)1).

- The secretariat sees the board (every unit's state of every part) and reads a part once the
  unit sent it; it confirms or returns sent parts, turns a plan's tasks into action items, and
  merges, accepts or declines the topics. A unit's draft is the unit's own: nobody outside the
  unit reads it, the secretariat included.
- A member unit's liaison and member see their own unit's submission; the liaison drafts and
  puts it before the member, the member sends it. No unit ever sees another unit's unsent parts;
  the sent topics of all units are listed together for the secretariat only.
- A cycle or submission one may not see is answered as missing (404); an action one may not
  take, refused (403).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from lianxi.organization.access import has_role, is_secretariat, membership_of
from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import member_units

from .models import PARTS, AnnualCycle, AnnualSubmission

Role = Membership.Role
NOT_FOUND = "年度报送材料不存在或您无权查看。"
UNIT_ROLES = (Role.MEMBER, Role.LIAISON)
ANNUAL_ROLES = (Role.SECRETARIAT, *UNIT_ROLES)

__all__ = ["is_secretariat"]


def can_see_annual(user: Any) -> bool:
    return has_role(user, *ANNUAL_ROLES)


def require_annual(user: Any) -> Membership:
    membership = membership_of(user)
    if membership is None or membership.role not in ANNUAL_ROLES:
        raise PermissionDenied("年度报送仅向联席会议办公室和成员单位开放。")
    return membership


def require_secretariat(user: Any) -> Membership:
    membership = membership_of(user)
    if not is_secretariat(membership):
        raise PermissionDenied("只有联席会议办公室可以进行此操作。")
    assert membership is not None
    return membership


def cycles_of(membership: Membership) -> QuerySet[AnnualCycle]:
    return AnnualCycle.objects.filter(mechanism_id=membership.unit.mechanism_id)


def cycle_for(user: Any, year: int) -> AnnualCycle:
    membership = require_annual(user)
    cycle = cycles_of(membership).filter(year=year).first()
    if cycle is None:
        raise Http404(NOT_FOUND)
    return cycle


def own_unit(membership: Membership | None, submission: AnnualSubmission) -> bool:
    return (
        membership is not None
        and membership.role in UNIT_ROLES
        and membership.unit_id == submission.unit_id
    )


def may_draft(membership: Membership | None, submission: AnnualSubmission) -> bool:
    return own_unit(membership, submission)


def may_review(membership: Membership | None, submission: AnnualSubmission) -> bool:
    return (
        is_secretariat(membership)
        and membership is not None
        and membership.unit.mechanism_id == submission.cycle.mechanism_id
    )


def submission_for(user: Any, year: int, unit_id: int) -> AnnualSubmission:
    """The unit's own submission, or any for the secretariat (which reads only what was sent)."""
    membership = require_annual(user)
    submission = (
        AnnualSubmission.objects.filter(
            cycle__mechanism_id=membership.unit.mechanism_id, cycle__year=year, unit_id=unit_id
        )
        .select_related("cycle", "unit")
        .first()
    )
    if submission is None or not (own_unit(membership, submission) or is_secretariat(membership)):
        raise Http404(NOT_FOUND)
    return submission


def readable_parts(membership: Membership | None, submission: AnnualSubmission) -> set[str]:
    """The parts whose content the person may read: all of the own unit's; the sent ones for
    the secretariat."""
    if own_unit(membership, submission):
        return set(PARTS)
    if is_secretariat(membership):
        return {p for p in PARTS if submission.sent(p)}
    return set()


# --- 履职情况 (四(三)): the secretariat and the government office read every unit's year, a
# unit's member and liaison their own (another unit's is answered as missing) -----------------

RECORD_NOT_FOUND = "该单位履职情况不存在或您无权查看。"
ALL_UNITS_ROLES = (Role.SECRETARIAT, Role.GOVERNMENT)
OWN_UNIT_ROLES = (Role.MEMBER, Role.LIAISON)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def can_see_records(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in (*ALL_UNITS_ROLES, *OWN_UNIT_ROLES)


def sees_all_units(membership: Membership | None) -> bool:
    return membership is not None and membership.role in ALL_UNITS_ROLES


def require_records(user: Any) -> Membership:
    membership = membership_of(user)
    if membership is None or membership.role not in (*ALL_UNITS_ROLES, *OWN_UNIT_ROLES):
        raise PermissionDenied("履职情况仅向联席会议办公室、市政府办公室和成员单位开放。")
    return membership


def require_all_units(user: Any) -> Membership:
    """The all-units export: the secretariat only."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.SECRETARIAT:
        raise PermissionDenied("只有联席会议办公室可以导出各单位履职情况。")
    return membership


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(RECORD_NOT_FOUND)
    return year


def record_unit_for(user: Any, unit_id: int) -> Unit:
    """The unit whose year the person may read: any member unit of the joint meeting for the
    secretariat and the government office, the own unit for its member and liaison; 404 else."""
    membership = require_records(user)
    unit = member_units(membership.unit.mechanism_id).filter(pk=unit_id).first()
    if unit is None or not (sees_all_units(membership) or membership.unit_id == unit.pk):
        raise Http404(RECORD_NOT_FOUND)
    return unit

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
from lianxi.organization.models import Membership

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

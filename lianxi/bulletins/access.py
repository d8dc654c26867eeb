"""Who may see or act on information reports and briefs (三(四)1, 三(四)3, 二(三)).

- A member unit's liaison and member see their own unit's reports, in every state; the liaison
  drafts and puts a report before the member, the member sends it (the unit vouches for it).
  No unit sees another unit's reports, sent or not.
- The secretariat sees a report once it was sent (sent, adopted, returned, declined) — never a
  unit's draft — and adopts, returns or declines it. It writes, edits and issues the briefs, and
  sees every brief and the figures of every unit.
- A brief is seen, once issued, by the units on its distribution list (member units and the
  city government's office), each signing for its own copy; a draft brief is the
  secretariat's alone. The library of adopted 经验做法 (三(四)3) is open to every member unit
  and the government office of the joint meeting.
- What one may not see is answered as missing (404); an action one may not take, refused (403).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from lianxi.organization.access import has_role, is_secretariat, membership_of
from lianxi.organization.models import Membership

from .models import Brief, BriefReceipt, InfoReport

Role = Membership.Role
UNIT_ROLES = (Role.MEMBER, Role.LIAISON)
READER_ROLES = (Role.SECRETARIAT, *UNIT_ROLES, Role.GOVERNMENT)
REPORT_NOT_FOUND = "信息不存在或您无权查看。"
BRIEF_NOT_FOUND = "简报不存在或您无权查看。"
# The states in which the secretariat has the report in hand (it reached the office once).
SEEN_BY_OFFICE = (
    InfoReport.Status.SENT,
    InfoReport.Status.ADOPTED,
    InfoReport.Status.RETURNED,
    InfoReport.Status.DECLINED,
)
EDITABLE = (InfoReport.Status.DRAFT, InfoReport.Status.AWAITING_MEMBER, InfoReport.Status.RETURNED)

__all__ = ["is_secretariat"]


def can_see_bulletins(user: Any) -> bool:
    return has_role(user, *READER_ROLES)


def require_bulletins(user: Any) -> Membership:
    membership = membership_of(user)
    if membership is None or membership.role not in READER_ROLES:
        raise PermissionDenied("信息简报仅向联席会议办公室、成员单位和简报分送单位开放。")
    return membership


def require_secretariat(user: Any) -> Membership:
    membership = membership_of(user)
    if not is_secretariat(membership):
        raise PermissionDenied("只有联席会议办公室可以进行此操作。")
    assert membership is not None
    return membership


def require_unit(user: Any) -> Membership:
    membership = membership_of(user)
    if membership is None or membership.role not in UNIT_ROLES:
        raise PermissionDenied("只有成员单位的联络员和联席会议成员可以报送信息。")
    return membership


def can_report(user: Any) -> bool:
    return has_role(user, *UNIT_ROLES)


def can_see_library(user: Any) -> bool:
    return has_role(user, Role.SECRETARIAT, *UNIT_ROLES, Role.GOVERNMENT)


# --- reports -----------------------------------------------------------------------------------


def visible_reports(membership: Membership | None) -> QuerySet[InfoReport]:
    if membership is None:
        return InfoReport.objects.none()
    mine = InfoReport.objects.filter(mechanism_id=membership.unit.mechanism_id)
    if is_secretariat(membership):
        return mine.filter(status__in=SEEN_BY_OFFICE)
    if membership.role in UNIT_ROLES:
        return mine.filter(unit_id=membership.unit_id)
    return InfoReport.objects.none()


def report_for(user: Any, pk: int) -> InfoReport:
    report = (
        visible_reports(membership_of(user))
        .select_related("unit", "author", "sent_by", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404(REPORT_NOT_FOUND)
    return report


def own_unit(membership: Membership | None, report: InfoReport) -> bool:
    return (
        membership is not None
        and membership.role in UNIT_ROLES
        and membership.unit_id == report.unit_id
    )


def may_edit_report(membership: Membership | None, report: InfoReport) -> bool:
    return own_unit(membership, report) and report.status in EDITABLE


def may_send_report(membership: Membership | None, report: InfoReport) -> bool:
    """The liaison puts a draft before the member; the member sends it."""
    if not may_edit_report(membership, report):
        return False
    assert membership is not None
    if membership.role == Role.LIAISON:
        return report.status != InfoReport.Status.AWAITING_MEMBER
    return True


def may_review_report(membership: Membership | None, report: InfoReport) -> bool:
    return is_secretariat(membership) and report.status == InfoReport.Status.SENT


def library(membership: Membership | None) -> QuerySet[InfoReport]:
    """三(四)3: the adopted 经验做法 of the joint meeting (and whatever the secretariat adopted
    as 经验交流), open to all its units."""
    if membership is None or membership.role not in (
        Role.SECRETARIAT,
        *UNIT_ROLES,
        Role.GOVERNMENT,
    ):
        return InfoReport.objects.none()
    return InfoReport.objects.filter(
        Q(kind=InfoReport.Kind.EXPERIENCE) | Q(adopted_as=InfoReport.AdoptedAs.EXCHANGE),
        mechanism_id=membership.unit.mechanism_id,
        status=InfoReport.Status.ADOPTED,
    )


def library_report_for(user: Any, pk: int) -> InfoReport:
    report = library(membership_of(user)).select_related("unit").filter(pk=pk).first()
    if report is None:
        raise Http404(REPORT_NOT_FOUND)
    return report


# --- briefs ------------------------------------------------------------------------------------


def visible_briefs(membership: Membership | None) -> QuerySet[Brief]:
    if membership is None or membership.role not in READER_ROLES:
        return Brief.objects.none()
    mine = Brief.objects.filter(mechanism_id=membership.unit.mechanism_id)
    if is_secretariat(membership):
        return mine
    return mine.filter(status=Brief.Status.ISSUED, receipts__unit_id=membership.unit_id)


def brief_for(user: Any, pk: int) -> Brief:
    brief = visible_briefs(membership_of(user)).filter(pk=pk).first()
    if brief is None:
        raise Http404(BRIEF_NOT_FOUND)
    return brief


def may_edit_brief(membership: Membership | None, brief: Brief) -> bool:
    return is_secretariat(membership) and brief.status == Brief.Status.DRAFT


def receipt_of(membership: Membership | None, brief: Brief) -> BriefReceipt | None:
    """The unit's copy of an issued brief, which its people sign for."""
    if membership is None or brief.status != Brief.Status.ISSUED:
        return None
    return BriefReceipt.objects.filter(brief=brief, unit_id=membership.unit_id).first()

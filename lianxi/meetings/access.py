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
- A meeting or minutes a person may not see is answered as one that does not exist (404), on
  the pages and in the API; an action on one they see but may not take is refused (403).
- A unit answers the notice through its member, liaison or observer (the secretariat's own unit
  too); a receiving unit (the government office's copy included) acknowledges the minutes.

Everything below derives from `visible_meetings`, `visible_minutes` and `can_convene`; the pages,
the API, search, the calendar feed and the home panels call these and never re-derive a rule.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lianxi.organization.access import has_role, is_secretariat, membership_of, require_role
from lianxi.organization.models import Membership

from .models import Attendance, Meeting, Minutes, MinutesReceipt

Role = Membership.Role
# Who attends and answers for a unit invited to a meeting (an observer unit too) — not
# organization's UNIT_ACTING_ROLES (who acts for a member unit) nor notifications'
# UNIT_RECIPIENT_ROLES (whom a message to a unit reaches).
MEETING_UNIT_ROLES = (Role.MEMBER, Role.LIAISON, Role.OBSERVER)
CHAIR_ROLES = (Role.MEMBER, Role.LIAISON)
MEETING_ROLES = (Role.SECRETARIAT, *MEETING_UNIT_ROLES, Role.GOVERNMENT)
# Who signs for a unit that received issued minutes (the government office receives a copy).
RECEIPT_ROLES = (*MEETING_UNIT_ROLES, Role.GOVERNMENT)
# A meeting's details, agenda and invitations change only before it is held or cancelled.
EDITABLE_STATUSES = (Meeting.Status.DRAFT, Meeting.Status.NOTIFIED)
MEETING_NOT_FOUND = "会议不存在或您无权查看。"
MINUTES_NOT_FOUND = "会议纪要不存在或您无权查看。"
CONVENER_ONLY = "只有会议召集方可以进行此项操作。"
MINUTES_CONVENER_ONLY = "只有会议召集方可以起草和审定会议纪要。"
MINUTES_SECRETARIAT_ONLY = (
    "会议纪要由联席会议办公室（市卫生健康委）签发、印发（工作规则三(一)1、四(六)）。"
)


# --- seeing -----------------------------------------------------------------------------------


def can_list_meetings(user: Any) -> bool:
    """The meetings list (and its entry in the header): the roles that may see any meeting."""
    membership = membership_of(user)
    return membership is not None and membership.role in MEETING_ROLES


def require_list(user: Any) -> Membership:
    """The meetings list (page and API): 403 for a role that sees no meeting at all."""
    membership = membership_of(user)
    if membership is None or membership.role not in MEETING_ROLES:
        raise PermissionDenied("您的角色无权查看会议。")
    return membership


def can_schedule(user: Any) -> bool:
    """三(一)1, 三(一)2: the secretariat schedules plenaries and entrusts topical meetings."""
    return has_role(user, Role.SECRETARIAT)


def require_schedule(user: Any) -> Membership:
    """The secretariat's membership, or 403 (scheduling is an action, not an object)."""
    return require_role(user, Role.SECRETARIAT)


# Who acts for a unit in the joint meeting has meetings and deadlines in a calendar feed; the
# separated administrators (auditor, security_admin) and people without a unit have none.
FEED_ROLES = frozenset(
    {Role.SECRETARIAT, Role.MEMBER, Role.LIAISON, Role.GOVERNMENT, Role.OBSERVER}
)


def feed_membership(user: Any) -> Membership | None:
    """The membership a person's calendar feed is built for, or None if they may have none."""
    if not getattr(user, "is_active", False):
        return None
    membership = membership_of(user)
    if membership is None or membership.role not in FEED_ROLES or not membership.unit.active:
        return None
    return membership


def can_subscribe_calendar(user: Any) -> bool:
    return feed_membership(user) is not None


def feed_covers_all_meetings(membership: Membership | None) -> bool:
    """三(一): the secretariat's feed carries every notified meeting of its joint meeting; a
    unit's, those its unit is invited to or chairs."""
    return is_secretariat(membership)


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    """The meetings of the joint meeting the person acts in that they may see, as one filter."""
    membership = membership_of(user)
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


def visible_minutes(user: Any) -> QuerySet[Minutes]:
    """The minutes a person may see: the convener's own at any stage (the secretariat's: all of
    the joint meeting's; a chair unit's: its topical meeting's); issued minutes by each unit that
    received them (member, observer, the government office's copy)."""
    membership = membership_of(user)
    if membership is None or membership.role not in MEETING_ROLES:
        return Minutes.objects.none()
    minutes = Minutes.objects.filter(meeting__mechanism_id=membership.unit.mechanism_id)
    if membership.role == Role.SECRETARIAT:
        return minutes
    allowed = Q(pk__in=[])
    if membership.role in RECEIPT_ROLES:
        received = MinutesReceipt.objects.filter(unit_id=membership.unit_id)
        allowed |= Q(status=Minutes.Status.ISSUED, pk__in=received.values("minutes_id"))
    if membership.role in CHAIR_ROLES:
        allowed |= Q(meeting__kind=Meeting.Kind.TOPICAL, meeting__chair_unit_id=membership.unit_id)
    return minutes.filter(allowed)


def signs_for_unit(membership: Membership | None) -> bool:
    """Whether the person answers notices and signs minutes for their unit (a member, liaison
    or observer; the government office for its copy): the unit's side of meetings, as its home
    panel shows it."""
    return membership is not None and membership.role in RECEIPT_ROLES


def sees_minutes_overview(membership: Membership | None) -> bool:
    """Whose home lists the issued minutes they received, signed or not: the city government
    office (its copy, 抄报) and an observer unit — neither runs meetings nor answers much else."""
    return membership is not None and membership.role in (Role.GOVERNMENT, Role.OBSERVER)


def coming_meetings_overview(user: Any, now: datetime | None = None) -> QuerySet[Meeting]:
    """三(一)1: the city government office is told which meetings of the joint meeting are
    coming (notified, not yet over), to know of them: it neither attends nor opens them (its
    meeting pages open once the minutes are issued). Nobody else: they have their own list."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.GOVERNMENT:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        mechanism_id=membership.unit.mechanism_id,
        status=Meeting.Status.NOTIFIED,
        ends_at__gte=now or timezone.now(),
    ).select_related("chair_unit")


def can_see_minutes(user: Any, minutes: Minutes) -> bool:
    return visible_minutes(user).filter(pk=minutes.pk).exists()


def own_attendances(user: Any) -> QuerySet[Attendance]:
    """The invitations the person answers for their unit (`may_answer`), of meetings they see."""
    membership = membership_of(user)
    if membership is None or membership.role not in MEETING_UNIT_ROLES:
        return Attendance.objects.none()
    return Attendance.objects.filter(
        unit_id=membership.unit_id, meeting__in=visible_meetings(user).values("pk")
    )


def own_receipts(user: Any) -> QuerySet[MinutesReceipt]:
    """The receipts the person signs for their unit (`may_acknowledge`), of minutes they see."""
    membership = membership_of(user)
    if membership is None or not signs_for_unit(membership):
        return MinutesReceipt.objects.none()
    return MinutesReceipt.objects.filter(
        unit_id=membership.unit_id, minutes__in=visible_minutes(user).values("pk")
    )


NOT_INVITED = "只有受邀单位的成员、联络员或列席人员可以答复本单位是否出席。"
NOT_A_RECIPIENT = "只有收文单位可以签收会议纪要。"


def attendance_for(user: Any, meeting: Meeting) -> Attendance:
    """The invitation the person answers for their unit, of a meeting they see (`meeting_for`);
    403 when there is none (the meeting is seen, answering it is not theirs: the secretariat
    answers for its own unit through the unit's member or liaison)."""
    attendance = own_attendances(user).filter(meeting=meeting).first()
    if attendance is None:
        raise PermissionDenied(NOT_INVITED)
    return attendance


def receipt_for(user: Any, minutes: Minutes) -> MinutesReceipt:
    """The receipt the person signs for their unit, of minutes they see (`minutes_for`); 403
    when there is none (the minutes are seen, signing for them is not theirs: the secretariat
    and a convener whose unit received no copy)."""
    receipt = own_receipts(user).select_related("unit").filter(minutes=minutes).first()
    if receipt is None:
        raise PermissionDenied(NOT_A_RECIPIENT)
    return receipt


# --- running a meeting --------------------------------------------------------------------------


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


def may_answer(membership: Membership | None, attendance: Attendance) -> bool:
    """三(一)1: the invited unit's member, liaison or observer answers the notice."""
    return (
        membership is not None
        and membership.role in MEETING_UNIT_ROLES
        and membership.unit_id == attendance.unit_id
    )


def may_acknowledge(membership: Membership | None, receipt: MinutesReceipt) -> bool:
    """签收: the receiving unit's people (the government office for its copy)."""
    return (
        membership is not None
        and signs_for_unit(membership)
        and membership.unit_id == receipt.unit_id
    )


def meeting_for(user: Any, pk: int, *, convene: bool = False) -> Meeting:
    """The meeting if the person may see it (404 otherwise); 403 when it must be run by them."""
    meeting = (
        visible_meetings(user)
        .select_related("chair_unit", "mechanism", "created_by")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404(MEETING_NOT_FOUND)
    if convene and not can_convene(membership_of(user), meeting):
        raise PermissionDenied(CONVENER_ONLY)
    return meeting


def issues_minutes(membership: Membership | None, minutes: Minutes) -> bool:
    """三(一)1, 四(六): the secretariat records the 签发 and issues every 纪要 of its joint
    meeting (a topical meeting's chair unit drafts and approves, no more)."""
    return (
        is_secretariat(membership)
        and membership is not None
        and membership.unit.mechanism_id == minutes.mechanism_id
    )


def minutes_for(user: Any, pk: int, *, edit: bool = False, issue: bool = False) -> Minutes:
    """The minutes if the person may see them (404 otherwise); 403 when they must be the
    convener's (`edit`) or the secretariat's (`issue`: 签发 and 印发)."""
    minutes = (
        visible_minutes(user)
        .select_related(
            "meeting",
            "meeting__chair_unit",
            "meeting__mechanism",
            "drafted_by",
            "approved_by",
            "signed_off_recorded_by",
            "issued_by",
        )
        .filter(pk=pk)
        .first()
    )
    if minutes is None:
        raise Http404(MINUTES_NOT_FOUND)
    if edit and not can_convene(membership_of(user), minutes.meeting):
        raise PermissionDenied(MINUTES_CONVENER_ONLY)
    if issue and not issues_minutes(membership_of(user), minutes):
        raise PermissionDenied(MINUTES_SECRETARIAT_ONLY)
    return minutes


# --- what a person may do with what they see (the page's forms, the API's fields) --------------


@dataclass(frozen=True)
class MeetingPermissions:
    """What a person who sees a meeting may do with it."""

    convener: bool
    editable: bool
    started: bool
    own_attendance: Attendance | None
    can_answer: bool
    can_answer_on_behalf: bool
    can_record: bool
    minutes: Minutes | None
    can_draft_minutes: bool


def meeting_permissions(
    user: Any,
    meeting: Meeting,
    *,
    attendances: Sequence[Attendance],
    now: datetime | None = None,
) -> MeetingPermissions:
    """For a meeting `user` sees (`meeting_for`), with its attendances already read; one query
    (the minutes they may see)."""
    membership = membership_of(user)
    now = now or timezone.now()
    convener = can_convene(membership, meeting)
    # The secretariat's own unit answers through its member or liaison, not the secretariat.
    own = next((a for a in attendances if may_answer(membership, a)), None)
    minutes = visible_minutes(user).filter(meeting=meeting).first()
    return MeetingPermissions(
        convener=convener,
        editable=convener and meeting.status in EDITABLE_STATUSES,
        started=now >= meeting.starts_at,
        own_attendance=own,
        can_answer=(
            own is not None
            and meeting.status == Meeting.Status.NOTIFIED
            and now < meeting.starts_at
        ),
        # 三(一)1: answers a unit gave by phone or fax, entered by the convener for it.
        can_answer_on_behalf=(
            convener and meeting.status == Meeting.Status.NOTIFIED and now < meeting.starts_at
        ),
        # The record stands once the minutes are issued: no form to change it then.
        can_record=(
            convener
            and (
                meeting.status in (Meeting.Status.NOTIFIED, Meeting.Status.HELD)
                # a record of a meeting already held, scheduled as such (no notice to send)
                or (meeting.status == Meeting.Status.DRAFT and now >= meeting.starts_at)
            )
            and timezone.localtime(now).date() >= timezone.localtime(meeting.starts_at).date()
            and (minutes is None or minutes.status != Minutes.Status.ISSUED)
        ),
        minutes=minutes,
        can_draft_minutes=convener and meeting.status == Meeting.Status.HELD and minutes is None,
    )


@dataclass(frozen=True)
class MinutesPermissions:
    """What a person who sees minutes may do with them."""

    convener: bool
    can_edit: bool
    can_approve: bool
    can_reopen: bool
    can_sign_off: bool
    can_issue: bool
    # Approved by a chair unit, the next step is the secretariat's: the page says so.
    awaiting_secretariat: bool
    sees_receipts: bool
    own_receipt: MinutesReceipt | None
    can_acknowledge: bool


def minutes_permissions(
    user: Any, minutes: Minutes, *, receipts: Sequence[MinutesReceipt]
) -> MinutesPermissions:
    """For minutes `user` sees (`minutes_for`), with their receipts already read; no query."""
    membership = membership_of(user)
    convener = can_convene(membership, minutes.meeting)
    own = next((r for r in receipts if may_acknowledge(membership, r)), None)
    draft = minutes.status == Minutes.Status.DRAFT
    approved = minutes.status == Minutes.Status.APPROVED
    signed = minutes.status == Minutes.Status.SIGNED
    issuer = issues_minutes(membership, minutes)
    return MinutesPermissions(
        convener=convener,
        can_edit=convener and draft,
        can_approve=convener and draft,
        can_reopen=(convener and approved) or (issuer and signed),
        can_sign_off=issuer and approved,
        can_issue=issuer and signed,
        awaiting_secretariat=convener and not issuer and (approved or signed),
        sees_receipts=convener,
        own_receipt=own,
        can_acknowledge=(
            own is not None
            and minutes.status == Minutes.Status.ISSUED
            and own.acknowledged_at is None
        ),
    )

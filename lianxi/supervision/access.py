"""Who may see or change action items (四(二)).

- The secretariat and the city government office see every item of their joint meeting.
- A unit's member and liaison see the items their unit leads or supports.
- Observers, the auditor, the security administrator and outsiders see none.
- A progress report: a draft only by its own unit; once sent, a lead unit's report by everyone
  who sees the item, a supporting unit's report by that unit, the lead unit, the secretariat
  and the government office (not by the other supporting units).
- Only the secretariat creates items, reviews them, urges them (催办) and decides extensions; the
  lead unit asks for an extension and for closure; lead and supporting units report progress,
  and a unit's member or liaison edits or deletes the unit's drafts until they are sent.
- An item a person may not see is answered as one that does not exist (404), on the pages and
  in the API; an action on one they see but may not take is refused (403).
- A unit's record (its page's section): the secretariat, the government office, the unit's own
  member and liaison.

Everything below derives from `visible_items` and these roles; the pages, the API, search, the
home panels, the unit page and the calendar feed call these and never re-derive a rule.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404

from lianxi.organization.access import (
    SEE_ALL_ROLES,
    UNIT_ACTING_ROLES,
    acts_for_unit,
    is_secretariat,
    membership_of,
    require_role,
    scoped_to_unit,
    sees_all,
)
from lianxi.organization.models import Membership

from .models import ActionItem, ExtensionRequest, ProgressReport

LEDGER_ROLES = (*SEE_ALL_ROLES, *UNIT_ACTING_ROLES)
NOT_FOUND = "督办事项不存在或您无权查看。"
REPORT_NOT_FOUND = "进展反馈不存在或您无权查看。"


def can_see_ledger(user: Any) -> bool:
    """The ledger (and its entry in the header): the roles that may see any action item."""
    membership = membership_of(user)
    return membership is not None and membership.role in LEDGER_ROLES


def require_ledger(user: Any) -> Membership:
    """The ledger and its export (page and API): 403 for a role that sees no action item."""
    return require_role(user, *LEDGER_ROLES)


def unit_items_q(unit_id: int) -> Q:
    """Items a unit leads or supports, without a join that would repeat rows."""
    through = ActionItem.supporting_units.through
    return Q(lead_unit_id=unit_id) | Q(
        pk__in=through.objects.filter(unit_id=unit_id).values("actionitem_id")
    )


def visible_items(user: Any) -> QuerySet[ActionItem]:
    return scoped_to_unit(user, ActionItem.objects.all(), unit_items_q)


def can_see_item(user: Any, item: ActionItem) -> bool:
    return visible_items(user).filter(pk=item.pk).exists()


def action_item_for(user: Any, pk: int) -> ActionItem:
    """The item if the person may see it; 404 otherwise, so that existence is not revealed."""
    item = (
        visible_items(user)
        .select_related("lead_unit", "mechanism", "created_by")
        .prefetch_related("supporting_units")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404(NOT_FOUND)
    return item


def visible_reports(user: Any) -> QuerySet[ProgressReport]:
    """The sent reports a person sees, for all items at once (as `visible_reports_q` for one):
    of the items one sees, a lead unit's reports; a supporting unit's only by that unit and the
    lead unit (and by the secretariat and the government office, who see all sent reports)."""
    membership = membership_of(user)
    sent = ProgressReport.objects.filter(
        status=ProgressReport.Status.SUBMITTED, item__in=visible_items(user)
    )
    if membership is None:
        return sent.none()
    if sees_all(membership):
        return sent
    if acts_for_unit(membership):
        unit_id = membership.unit_id
        return sent.filter(
            Q(unit_id=F("item__lead_unit_id")) | Q(unit_id=unit_id) | Q(item__lead_unit_id=unit_id)
        )
    return sent.none()


def own_reports(user: Any) -> QuerySet[ProgressReport]:
    """The reports of the unit the person acts for (drafts and sent), on items they see."""
    membership = membership_of(user)
    if not acts_for_unit(membership):
        return ProgressReport.objects.none()
    assert membership is not None
    return ProgressReport.objects.filter(
        unit_id=membership.unit_id, item__in=visible_items(user).values("pk")
    )


def own_drafts(user: Any) -> QuerySet[ProgressReport]:
    """The unsent reports of the unit the person acts for, on items they see."""
    return own_reports(user).filter(status=ProgressReport.Status.DRAFT)


def own_report_for(user: Any, item: ActionItem, pk: int) -> ProgressReport:
    """The report `pk` of `item` (one the person sees) if it is their unit's, to send; 404 when
    it does not exist or is another unit's, so that another unit's drafts are not revealed.
    (One's own report sent already is found, and sending it again is refused as such.)"""
    report = own_reports(user).filter(pk=pk, item=item).first()
    if report is None:
        raise Http404(REPORT_NOT_FOUND)
    return report


def can_see_unit_record(user: Any, unit: Any) -> bool:
    """A unit's items and on-time rate on its page: see the module's docstring."""
    membership = membership_of(user)
    if membership is None or membership.unit.mechanism_id != unit.mechanism_id:
        return False
    return sees_all(membership) or (acts_for_unit(membership) and membership.unit_id == unit.pk)


def visible_reports_q(membership: Membership | None, item: ActionItem) -> Q:
    """Which reports of `item` this person sees (see the module's docstring)."""
    if membership is None:
        return Q(pk__in=[])
    sent = Q(status=ProgressReport.Status.SUBMITTED)
    own = Q(unit_id=membership.unit_id)
    if sees_all(membership):
        # Acting for the joint meeting, not for its own unit: no unit's drafts.
        return sent
    if membership.unit_id == item.lead_unit_id:
        return sent | own
    return (sent & Q(unit_id=item.lead_unit_id)) | own


def can_report(membership: Membership | None, item: ActionItem) -> bool:
    return acts_for_unit(membership) and membership.unit_id in item.unit_ids()  # type: ignore[union-attr]


def is_lead(membership: Membership | None, item: ActionItem) -> bool:
    return acts_for_unit(membership) and membership.unit_id == item.lead_unit_id  # type: ignore[union-attr]


def require_unit_acting(user: Any) -> Membership:
    """Reporting progress and asking for an extension: a unit's member or liaison (403 else)."""
    membership = membership_of(user)
    if not acts_for_unit(membership):
        raise PermissionDenied("您的角色无权进行此项操作。")
    return membership  # type: ignore[return-value]


def can_create_items(user: Any) -> bool:
    """Creating an item (the page, and 谁来管's "立为督办事项"): the secretariat."""
    return is_secretariat(membership_of(user))


def require_secretariat(user: Any) -> Membership:
    membership = membership_of(user)
    if not is_secretariat(membership):
        raise PermissionDenied("只有联席会议办公室可以进行此项操作。")
    return membership  # type: ignore[return-value]


@dataclass(frozen=True)
class ItemPermissions:
    """What a person who sees an item may do with it: the page's forms and the API's fields."""

    is_lead: bool
    is_secretariat: bool
    can_report: bool
    can_review: bool
    can_urge: bool
    can_extend: bool
    pending_extension: ExtensionRequest | None


def item_permissions(
    user: Any, item: ActionItem, *, extensions: Iterable[ExtensionRequest]
) -> ItemPermissions:
    """For an item `user` sees (`action_item_for`), with its extension requests already read."""
    membership = membership_of(user)
    open_ = item.status != ActionItem.Status.CLOSED
    lead = is_lead(membership, item)
    secretariat = is_secretariat(membership)
    pending = next((e for e in extensions if e.status == ExtensionRequest.Status.PENDING), None)
    return ItemPermissions(
        is_lead=lead,
        is_secretariat=secretariat,
        can_report=can_report(membership, item) and open_,
        can_review=secretariat and open_,
        can_urge=secretariat and open_,
        can_extend=lead and open_ and pending is None,
        pending_extension=pending,
    )

"""Who may see or change action items (四(二)).

- The secretariat and the city government office see every item of their joint meeting.
- A unit's member and liaison see the items their unit leads or supports.
- Observers, the auditor, the security administrator and outsiders see none.
- A progress report: a draft only by its own unit; once sent, a lead unit's report by everyone
  who sees the item, a supporting unit's report by that unit, the lead unit, the secretariat
  and the government office (not by the other supporting units).
- Only the secretariat creates items, reviews them and decides extensions; the lead unit asks
  for an extension and for closure; lead and supporting units report progress.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from lianxi.organization.access import (
    SEE_ALL_ROLES,
    UNIT_ACTING_ROLES,
    acts_for_unit,
    is_secretariat,
    membership_of,
    scoped_to_unit,
    sees_all,
)
from lianxi.organization.models import Membership

from .models import ActionItem, ProgressReport

LEDGER_ROLES = (*SEE_ALL_ROLES, *UNIT_ACTING_ROLES)


def can_see_ledger(user: Any) -> bool:
    """The ledger (and its entry in the header): the roles that may see any action item."""
    membership = membership_of(user)
    return membership is not None and membership.role in LEDGER_ROLES


def unit_items_q(unit_id: int) -> Q:
    """Items a unit leads or supports, without a join that would repeat rows."""
    through = ActionItem.supporting_units.through
    return Q(lead_unit_id=unit_id) | Q(
        pk__in=through.objects.filter(unit_id=unit_id).values("actionitem_id")
    )


def visible_items(user: Any) -> QuerySet[ActionItem]:
    return scoped_to_unit(user, ActionItem.objects.all(), unit_items_q)


def can_see_item(user: Any, item: ActionItem) -> bool:
    membership = membership_of(user)
    if membership is None or membership.unit.mechanism_id != item.mechanism_id:
        return False
    if sees_all(membership):
        return True
    return acts_for_unit(membership) and membership.unit_id in item.unit_ids()


def action_item_for(user: Any, pk: int) -> ActionItem:
    """The item if the user may see it; PermissionDenied otherwise (also when it does not exist,
    so that existence is not revealed)."""
    item = (
        ActionItem.objects.select_related("lead_unit", "mechanism", "created_by")
        .prefetch_related("supporting_units")
        .filter(pk=pk)
        .first()
    )
    if item is None or not can_see_item(user, item):
        raise PermissionDenied("您无权查看该督办事项。")
    return item


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


def require_secretariat(user: Any) -> Membership:
    membership = membership_of(user)
    if not is_secretariat(membership):
        raise PermissionDenied("只有联席会议办公室可以进行此项操作。")
    return membership  # type: ignore[return-value]

"""Home-page panels of the organization app."""

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from .access import acts_for_unit, is_secretariat, membership_of
from .models import Unit
from .selectors import current_duties


def people_to_register(user: Any) -> dict[str, Any] | None:
    """For the secretariat: member units that still lack a registered member or liaison."""
    membership = membership_of(user)
    if membership is None or not is_secretariat(membership):
        return None
    units = (
        Unit.objects.filter(mechanism_id=membership.unit.mechanism_id, kind="member", active=True)
        .annotate(
            members=Count(
                "memberships", filter=Q(memberships__active=True, memberships__role="member")
            ),
            liaisons=Count(
                "memberships", filter=Q(memberships__active=True, memberships__role="liaison")
            ),
        )
        .filter(Q(members=0) | Q(liaisons=0))
        .order_by("order")
    )
    items = []
    for unit in units:
        missing = "、".join(
            label
            for label, count in (("成员", unit.members), ("联络员", unit.liaisons))
            if not count
        )
        items.append(
            {
                "text": unit.name,
                "meta": f"未登记{missing}",
                "url": reverse("organization:unit", args=[unit.pk]),
                "level": "warning",
            }
        )
    return {
        "title": "待登记人员的成员单位",
        "items": items,
        "empty": "各成员单位均已登记联席会议成员和联络员。",
        "more_url": reverse("organization:people"),
        "more_text": "管理人员",
    }


def my_unit_duties(user: Any) -> dict[str, Any] | None:
    """For a unit's people: their unit's duties under the annex, the basis of what they lead."""
    membership = membership_of(user)
    if membership is None or not acts_for_unit(membership):
        return None
    duties = current_duties().filter(unit=membership.unit)
    return {
        "title": f"{membership.unit.name}的职责分工",
        "items": [{"text": f"{d.label} {d.text}".strip()} for d in duties],
        "empty": "工作规则附件未列出本单位的职责。",
        "more_url": reverse("organization:unit", args=[membership.unit_id]),
        "more_text": "查看本单位页面",
    }

"""Who may ask routing and who may extend its thesaurus (二(四), annex).

People inside the joint meeting (secretariat, members, liaisons, the government office,
observers) may ask "which department is responsible?" — the answer only draws on the annex's
duties, which they all see. Only the secretariat extends the thesaurus. Outsiders: 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied

from lianxi.organization.access import INSIDE_ROLES, membership_of, require_membership
from lianxi.organization.models import Membership


def can_route(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in INSIDE_ROLES


def require_router(user: Any) -> Membership:
    membership = require_membership(user)
    if membership.role not in INSIDE_ROLES:
        raise PermissionDenied("您的角色无权使用“谁来管”。")
    return membership


def can_edit_thesaurus(user: Any) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role == Membership.Role.SECRETARIAT


def require_thesaurus_editor(user: Any) -> Membership:
    membership = require_membership(user)
    if membership.role != Membership.Role.SECRETARIAT:
        raise PermissionDenied("只有联席会议办公室可以维护同义词表。")
    return membership


def can_see_examples(user: Any) -> bool:
    """The past matters routing learned from are the secretariat's decisions on records other
    units may not see (a draft meeting's agenda, an incident): their words are for it alone."""
    return can_edit_thesaurus(user)

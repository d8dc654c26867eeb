"""Who may see what of the message backbone.

Everyone logged in has an inbox and sees only their own items, and of those only the ones of the
joint meeting they act in (and those that belong to no one meeting); another person's item is a
404, not a 403, so its existence is not revealed. Dead letters are the secretariat's, of its own
joint meeting.
"""

from typing import Any

from django.db.models import Q, QuerySet

from lianxi.organization.access import has_role, mechanism_id_of
from lianxi.organization.models import Membership

from .models import Delivery

DEAD_LETTER_ROLES = (Membership.Role.SECRETARIAT,)


def can_see_dead_letters(user: Any) -> bool:
    return has_role(user, *DEAD_LETTER_ROLES)


def visible_inbox(user: Any) -> QuerySet[Delivery]:
    """This person's in-app items of the joint meeting acted in, and of none."""
    if not getattr(user, "is_authenticated", False):
        return Delivery.objects.none()
    here = Q(mechanism__isnull=True)
    mechanism_id = mechanism_id_of(user)
    if mechanism_id is not None:
        here |= Q(mechanism_id=mechanism_id)
    return Delivery.objects.filter(here, user=user, channel=Delivery.Channel.INBOX)


def visible_outbox(user: Any) -> QuerySet[Delivery]:
    """The deliveries the secretariat sees on 投递失败: its own joint meeting's messages."""
    mechanism_id = mechanism_id_of(user)
    if mechanism_id is None or not can_see_dead_letters(user):
        return Delivery.objects.none()
    return Delivery.objects.filter(mechanism_id=mechanism_id)

"""Reads of messages that pages, the header and the API share."""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from lianxi.organization.access import mechanism_id_of
from lianxi.organization.models import Membership

from .access import visible_inbox, visible_outbox
from .models import Delivery

INBOX = Delivery.Channel.INBOX


def unread_count(*, user: Any) -> int:
    """The number in the header: unread messages in this person's inbox (one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return visible_inbox(user).filter(read_at__isnull=True).count()


def inbox_items(*, user: Any, unread_only: bool = False) -> QuerySet[Delivery]:
    """A person's inbox, newest first, each item with its message."""
    items = visible_inbox(user).select_related("message")
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return items.order_by("-message__created_at", "-id")


def inbox_item(*, user: Any, pk: int) -> Delivery | None:
    """One item of this person's inbox; None for anyone else's (the caller answers 404)."""
    return inbox_items(user=user).filter(pk=pk).first()


def newest_unread(*, user: Any, limit: int = 5) -> list[Delivery]:
    return list(inbox_items(user=user, unread_only=True)[:limit])


def dead_letters(user: Any) -> QuerySet[Delivery]:
    """Deliveries of this joint meeting that failed for good, newest first, each recipient with
    their unit here (`user.units_here`)."""
    units_here = (
        Membership.objects.filter(unit__mechanism_id=mechanism_id_of(user) or 0, active=True)
        .select_related("unit")
        .order_by("id")
    )
    return (
        visible_outbox(user)
        .filter(status=Delivery.Status.DEAD)
        .select_related("message", "user")
        .prefetch_related(Prefetch("user__memberships", units_here, to_attr="units_here"))
        .order_by("-updated_at", "-id")
    )


def outbox_stats(user: Any) -> dict[str, int]:
    """How many external deliveries of this joint meeting are in each state (one query)."""
    counts = {status: 0 for status in Delivery.Status.values}
    rows = (
        visible_outbox(user)
        .exclude(channel=INBOX)
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts

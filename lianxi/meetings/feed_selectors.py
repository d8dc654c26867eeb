"""Reads for the calendar feed: whose feed a token opens, and what that person sees.

The feed is the person's own calendar: of the meetings and action items they may see
(`access.visible_meetings`, `supervision.access.visible_items`), those their unit takes part in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from lianxi.organization.access import act_in
from lianxi.organization.models import Membership

from .access import feed_covers_all_meetings, feed_membership, visible_meetings
from .feed_services import token_hash
from .models import AgendaItem, Attendance, CalendarFeed, Meeting

# Meetings and deadlines older than this drop out of the feed (calendar clients keep what they
# already have only while it is in the feed, so the window is generous).
FEED_PAST_DAYS = 400
MAX_TOKEN_LENGTH = 100
FEED_MEETING_STATUSES = (
    Meeting.Status.NOTIFIED,
    Meeting.Status.HELD,
    Meeting.Status.CANCELLED,
)


class FeedOwner(NamedTuple):
    """The person a feed token opens, bound to the feed's membership (act_in), and that
    membership."""

    user: Any
    membership: Membership


def calendar_feed_of(user: Any) -> CalendarFeed | None:
    """The feed of the membership the person acts in (a person in two joint meetings has one
    in each), or None."""
    membership = feed_membership(user)
    if membership is None:
        return None
    return CalendarFeed.objects.filter(membership=membership).first()


def feed_owner(token: str) -> FeedOwner | None:
    """Whose feed a token opens, or None (unknown, revoked, or no longer entitled).

    The feed acts in the joint meeting it was issued in, as an API token does: one query reads
    the feed, its owner and that membership.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "membership__unit__mechanism")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if feed is None:
        return None
    act_in(feed.user, feed.membership)
    membership = feed_membership(feed.user)
    return None if membership is None else FeedOwner(feed.user, membership)


def feed_meetings(*, user: Any, now: datetime) -> QuerySet[Meeting]:
    """三(一): of the meetings the person sees, those whose notice went out (notified, held, or
    cancelled after notice) and that their unit is invited to or chairs; the secretariat's: all.
    """
    meetings = visible_meetings(user).filter(
        status__in=FEED_MEETING_STATUSES,
        ends_at__gte=now - timedelta(days=FEED_PAST_DAYS),
    )
    owner = feed_membership(user)
    if owner is not None and not feed_covers_all_meetings(owner):
        invited = Attendance.objects.filter(meeting=OuterRef("pk"), unit_id=owner.unit_id)
        meetings = meetings.filter(Q(Exists(invited)) | Q(chair_unit_id=owner.unit_id))
    return (
        meetings.select_related("chair_unit")
        .prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.order_by("order", "id")),
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("unit").order_by("unit__order", "id"),
            ),
        )
        .order_by("starts_at", "id")
    )


def feed_action_items(*, user: Any, now: datetime) -> QuerySet[Any]:
    """四(二): of the action items the person sees, the open ones their unit leads or supports,
    for their deadlines."""
    from lianxi.supervision.access import unit_items_q, visible_items
    from lianxi.supervision.models import ActionItem

    items = visible_items(user).filter(
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.CLOSURE_REQUESTED],
        deadline__gte=(now - timedelta(days=FEED_PAST_DAYS)).date(),
    )
    owner = feed_membership(user)
    if owner is None:
        return items.none()
    return (
        items.filter(unit_items_q(owner.unit_id))
        .select_related("lead_unit")
        .order_by("deadline", "id")
    )

"""Reads for the calendar feed: whose feed a token opens, and what that person's unit sees."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from lianxi.organization.models import Membership

from .feed_services import feed_membership, token_hash
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


def calendar_feed_of(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(token: str) -> Membership | None:
    """The membership a feed token opens, or None (unknown, revoked, or no longer entitled)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if feed is None:
        return None
    return feed_membership(feed.user)


def feed_meetings(*, membership: Membership, now: datetime) -> QuerySet[Meeting]:
    """三(一): the meetings the person's unit is invited to or chairs; the secretariat's: all.

    Only meetings whose notice went out (notified, held, or cancelled after notice).
    """
    meetings = Meeting.objects.filter(
        mechanism_id=membership.unit.mechanism_id,
        status__in=FEED_MEETING_STATUSES,
        ends_at__gte=now - timedelta(days=FEED_PAST_DAYS),
    )
    if membership.role != Membership.Role.SECRETARIAT:
        invited = Attendance.objects.filter(meeting=OuterRef("pk"), unit_id=membership.unit_id)
        meetings = meetings.filter(Q(Exists(invited)) | Q(chair_unit_id=membership.unit_id))
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


def feed_action_items(*, membership: Membership, now: datetime) -> QuerySet[Any]:
    """四(二): the open action items the person's unit leads or supports, for their deadlines."""
    from lianxi.supervision.access import unit_items_q
    from lianxi.supervision.models import ActionItem

    return (
        ActionItem.objects.filter(
            mechanism_id=membership.unit.mechanism_id,
            status__in=[ActionItem.Status.OPEN, ActionItem.Status.CLOSURE_REQUESTED],
            deadline__gte=(now - timedelta(days=FEED_PAST_DAYS)).date(),
        )
        .filter(unit_items_q(membership.unit_id))
        .select_related("lead_unit")
        .order_by("deadline", "id")
    )

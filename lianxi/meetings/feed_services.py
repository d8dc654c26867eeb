"""日历订阅: issuing and revoking a person's private calendar-feed URL (issue 3 §3).

The URL carries a random token (``secrets``); only its SHA-256 is stored, so the database alone
cannot be used to read anyone's calendar. A feed belongs to a membership, not a person: each is
issued, replaced and revoked in the joint meeting the person acts in, and one in another joint
meeting is left alone. Issuing a new URL replaces the old one, which stops working at once;
revoking removes it. Both are written to the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership

from .access import feed_membership
from .models import CalendarFeed

Role = Membership.Role

TOKEN_BYTES = 32  # 256 bits, 43 characters in URL-safe base64


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def calendar_feed_issue(*, user: Any) -> tuple[CalendarFeed, str]:
    """Create the feed URL of the membership the person acts in, or replace it; returns the
    feed and the new token.

    The feed shows that joint meeting, whatever else they hold later. The token is returned
    once, to be shown to its owner; it is never stored.
    """
    membership = feed_membership(user)
    if membership is None:
        raise ApplicationError("只有联席会议成员单位的人员可以订阅会议日历。")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed.objects.select_for_update().filter(membership=membership).first()
    if feed is not None:
        audit_record(
            actor=membership,
            action="calendar_feed.revoke",
            target=feed,
            data={"reason": "regenerated", "issued_at": feed.created_at.isoformat()},
        )
        feed.token_hash = token_hash(token)
        feed.created_at = timezone.now()
        feed.save(update_fields=["token_hash", "created_at"])
    else:
        feed = CalendarFeed.objects.create(
            user=user, membership=membership, token_hash=token_hash(token)
        )
    audit_record(actor=membership, action="calendar_feed.create", target=feed)
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, user: Any) -> bool:
    """停用订阅: the feed URL of the membership the person acts in stops working (one in another
    joint meeting keeps working). False if there was none."""
    membership = membership_of(user)
    if membership is None:
        return False
    feed = CalendarFeed.objects.select_for_update().filter(membership=membership).first()
    if feed is None:
        return False
    audit_record(
        actor=membership,
        action="calendar_feed.revoke",
        target=feed,
        data={"reason": "revoked", "issued_at": feed.created_at.isoformat()},
    )
    feed.delete()
    return True

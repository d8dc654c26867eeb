"""Delivering: a delivery is claimed under a lease, sent through its channel, and marked sent; a
failure is retried with exponential backoff and ends as a dead letter the secretariat sees. A
worker that dies mid-delivery holds only a lease, which expires, and the delivery is claimed again
by the next worker (the tick looks for expired leases).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from lianxi.core.audit import audit_record

from ..channels import DeliveryFailed, DeliveryRefused, channels
from ..models import Delivery
from .writing import Channel, Status

logger = logging.getLogger("lianxi.notifications.services")

CLAIM_BATCH = 10
MAX_BACKOFF_SECONDS = 24 * 3600


def default_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{threading.get_ident() % 100000}"


def _due(now: datetime) -> Q:
    """Pending and due, or claimed by a worker whose lease has run out."""
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.CLAIMED, lease_until__lt=now
    )


def _lease_seconds() -> int:
    return max(1, int(settings.LIANXI_DELIVERY_LEASE_SECONDS))


def deliveries_claim(
    *, worker_id: str, message_id: int | None = None, limit: int = CLAIM_BATCH
) -> list[int]:
    """Atomically take up to `limit` due deliveries for this worker; returns their ids.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so concurrent workers take different rows
    without waiting. SQLite has no row locks: each row is taken with a conditional UPDATE that
    only matches while the row is still due, and only a row count of 1 makes it ours.
    """
    now = timezone.now()
    claim = {
        "status": Status.CLAIMED,
        "claimed_by": worker_id,
        "lease_until": now + timedelta(seconds=_lease_seconds()),
        "attempts": F("attempts") + 1,
        "updated_at": now,
    }
    due = Delivery.objects.filter(_due(now)).exclude(channel=Channel.INBOX)
    if message_id is not None:
        due = due.filter(message_id=message_id)
    due = due.order_by("next_attempt_at", "id")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
            if ids:
                Delivery.objects.filter(pk__in=ids).update(**claim)
        return ids
    claimed: list[int] = []
    for pk in list(due.values_list("id", flat=True)[:limit]):
        if Delivery.objects.filter(_due(now), pk=pk).update(**claim) == 1:
            claimed.append(pk)
    return claimed


def _still_mine(delivery: Delivery, worker_id: str) -> bool:
    """Renew the lease just before sending; False if another worker has taken the row over."""
    now = timezone.now()
    return (
        Delivery.objects.filter(pk=delivery.pk, status=Status.CLAIMED, claimed_by=worker_id)
        .filter(lease_until__gte=now)
        .update(lease_until=now + timedelta(seconds=_lease_seconds()), updated_at=now)
        == 1
    )


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after the n-th failed attempt: base, 2×base, 4×base … (capped at a day)."""
    base = max(0, int(settings.LIANXI_DELIVERY_BACKOFF_SECONDS))
    return int(min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1)))


def _mark_sent(delivery: Delivery, worker_id: str) -> bool:
    now = timezone.now()
    return (
        Delivery.objects.filter(pk=delivery.pk, status=Status.CLAIMED, claimed_by=worker_id).update(
            status=Status.SENT, sent_at=now, lease_until=None, last_error="", updated_at=now
        )
        == 1
    )


def _mark_failed(delivery: Delivery, worker_id: str, error: str, *, final: bool = False) -> str:
    now = timezone.now()
    mine = Delivery.objects.filter(pk=delivery.pk, status=Status.CLAIMED, claimed_by=worker_id)
    if final or delivery.attempts >= settings.LIANXI_DELIVERY_MAX_ATTEMPTS:
        with transaction.atomic():
            if mine.update(
                status=Status.DEAD, lease_until=None, last_error=error[:2000], updated_at=now
            ):
                audit_record(
                    actor=None,
                    action="delivery.dead",
                    target=delivery.message,
                    data={
                        "delivery": delivery.pk,
                        "channel": delivery.channel,
                        "user": delivery.user_id,
                        "attempts": delivery.attempts,
                        "error": error[:500],
                    },
                )
        return "dead"
    mine.update(
        status=Status.PENDING,
        next_attempt_at=now + timedelta(seconds=backoff_seconds(delivery.attempts)),
        lease_until=None,
        last_error=error[:2000],
        updated_at=now,
    )
    return "retry"


def _deliver(delivery: Delivery, worker_id: str) -> str:
    if not _still_mine(delivery, worker_id):
        return "lost"
    if delivery.attempts > settings.LIANXI_DELIVERY_MAX_ATTEMPTS:
        # Claimed again and again without an outcome: its workers keep dying while sending it.
        return _mark_failed(delivery, worker_id, "多次投递均未完成（处理进程在投递中中断）")
    spec = channels.get(delivery.channel)
    try:
        if spec is None or spec.send is None:
            raise DeliveryFailed(f"未知的投递渠道 {delivery.channel}")
        spec.send(delivery)
    except DeliveryFailed as exc:
        logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
        return _mark_failed(delivery, worker_id, str(exc), final=isinstance(exc, DeliveryRefused))
    if not _mark_sent(delivery, worker_id):
        logger.warning("delivery %s was sent but its lease had been taken over", delivery.pk)
    return "sent"


@dataclass
class DispatchResult:
    sent: int = 0
    retry: int = 0
    dead: int = 0
    lost: int = 0
    ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retry": self.retry, "dead": self.dead, "lost": self.lost}


def deliveries_dispatch(
    *,
    worker_id: str | None = None,
    message_id: int | None = None,
    budget_seconds: float | None = None,
) -> DispatchResult:
    """Claim and send what is due (of one message, or all), until nothing is due or time is up."""
    worker_id = worker_id or default_worker_id()
    result = DispatchResult()
    started = time.monotonic()
    while True:
        ids = deliveries_claim(worker_id=worker_id, message_id=message_id)
        if not ids:
            break
        deliveries: Iterable[Delivery] = (
            Delivery.objects.filter(pk__in=ids)
            .select_related("message", "user")
            .prefetch_related("message__attachments")
            .order_by("id")
        )
        for delivery in deliveries:
            outcome = _deliver(delivery, worker_id)
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.ids.append(delivery.pk)
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            break
    return result


def dispatch_due(now: datetime | None = None) -> dict[str, int]:
    """Tick handler: send every delivery that is due or whose worker's lease ran out."""
    return deliveries_dispatch(
        budget_seconds=max(5.0, settings.LIANXI_TICK_SECONDS * 0.8)
    ).as_dict()

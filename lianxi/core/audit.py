"""The append-only, hash-chained audit trail.

Each event carries the hash of the one before it, so editing or deleting any row breaks the
chain from that row on, which `lianxi audit verify` reports.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .context import client_ip
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64
# An arbitrary fixed key for PostgreSQL's advisory lock that serialises writers of the chain.
_CHAIN_LOCK_KEY = 7_150_201_1


@dataclass(frozen=True)
class Actor:
    """Who acts: a person (maybe for a unit in a role), or the platform itself."""

    user_id: int | None = None
    name: str = "系统"
    unit_id: int | None = None
    unit_name: str = ""
    role: str = ""


SYSTEM = Actor()


def actor_of(who: Any) -> Actor:
    """Accepts a Membership, a User, an Actor or None (the platform)."""
    if who is None:
        return SYSTEM
    if isinstance(who, Actor):
        return who
    if hasattr(who, "unit") and hasattr(who, "user"):  # a Membership
        return Actor(
            user_id=who.user_id,
            name=who.display_name,
            unit_id=who.unit_id,
            unit_name=who.unit.name,
            role=who.role,
        )
    membership = getattr(who, "membership", None) if hasattr(who, "pk") else None
    if membership is not None:
        return actor_of(membership)
    return Actor(user_id=who.pk, name=who.first_name or who.get_username())


def _canonical(event: AuditEvent) -> bytes:
    at = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = [
        event.prev_hash,
        at,
        event.actor_id,
        event.actor_name,
        event.unit_id,
        event.unit_name,
        event.role,
        event.action,
        event.target_type,
        event.target_id,
        event.target_repr,
        event.data,
        event.ip,
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite runs IMMEDIATE transactions: the writer already holds the database's write lock.


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event; call inside the transaction of the change it records."""
    who = actor_of(actor)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        # Round-trip through JSON so the hash is computed over what the database will return.
        clean_data = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
        event = AuditEvent(
            at=timezone.now(),
            actor_id=who.user_id,
            actor_name=who.name[:150],
            unit_id=who.unit_id,
            unit_name=who.unit_name[:100],
            role=who.role,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_repr=str(target)[:255] if target is not None else "",
            data=clean_data,
            ip=(ip if ip is not None else client_ip.get())[:45],
            prev_hash=last or GENESIS,
        )
        event.hash = compute_hash(event)
        event.save()
        # The head row lets verify notice rows cut from the end, which the chain alone cannot.
        AuditHead.objects.update_or_create(
            pk=1, defaults={"last_id": event.id, "last_hash": event.hash}
        )
        return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    kind: str  # "edited" | "broken_link" | "truncated"
    message: str


def audit_verify(*, batch_size: int = 2000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain in order; return how many events were checked and what is wrong."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            checked += 1
            if event.prev_hash != expected_prev:
                problems.append(
                    ChainProblem(
                        event.id,
                        "broken_link",
                        f"第 {event.id} 条记录之前的记录被删除或改动（链接不连续）",
                    )
                )
            if compute_hash(event) != event.hash:
                problems.append(
                    ChainProblem(
                        event.id, "edited", f"第 {event.id} 条记录的内容被改动（哈希不符）"
                    )
                )
            expected_prev = event.hash
            last_id = event.id
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id != last_id or head.last_hash != expected_prev):
        problems.append(
            ChainProblem(
                head.last_id,
                "truncated",
                f"最后一条记录应为第 {head.last_id} 条，现为第 {last_id} 条（末尾记录被删除或改动）",
            )
        )
    return checked, problems

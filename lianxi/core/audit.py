"""The append-only, hash-chained audit trail.

Each event carries the hash of the one before it, so editing or deleting any row breaks the
chain from that row on, which `lianxi audit verify` reports.
"""

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
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
    scope_id: int | None = None


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
            scope_id=getattr(who.unit, "mechanism_id", None),
        )
    membership = getattr(who, "membership", None) if hasattr(who, "pk") else None
    if membership is not None:
        return actor_of(membership)
    if not getattr(who, "is_authenticated", True):
        return SYSTEM
    name = getattr(who, "first_name", "") or who.get_username()
    return Actor(user_id=who.pk, name=name)


def scope_of_target(target: Any) -> int | None:
    """The joint meeting a record belongs to, read by duck typing (core knows no domain): its own
    `mechanism_id`, or that of the unit, membership, meeting, minutes, item, incident or
    document it hangs off."""
    if target is None:
        return None
    scope = getattr(target, "mechanism_id", None)
    if isinstance(scope, int):
        return scope
    for parent in ("unit", "membership", "meeting", "minutes", "item", "incident", "document"):
        if parent + "_id" in target.__dict__ or hasattr(type(target), parent):
            try:
                owner = getattr(target, parent, None)
            except ObjectDoesNotExist:  # a missing relation means no scope, never a failure
                owner = None
            scope = scope_of_target(owner) if owner is not None else None
            if scope is not None:
                return scope
    return None


def _normalise(value: Any) -> Any:
    """Data as the database gives it back, whichever database: the hash must survive the trip.

    PostgreSQL's jsonb keeps numbers as decimals, so 1e16 comes back as the integer
    10000000000000000 and key order is its own; a float with an integral value is therefore
    hashed as an integer, keys are sorted, and NaN/Infinity (which jsonb refuses) become text.
    """
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise(v) for v in value]
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return int(value)
    if isinstance(value, str):
        return value.replace("\x00", "")  # PostgreSQL text cannot hold NUL
    return value


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
        _normalise(event.data),
        event.ip,
    ]
    # Appended only when set, so that events hashed before scopes existed still verify.
    if event.scope_id is not None:
        payload.append(event.scope_id)
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
    # Round-trip through JSON so the hash is computed over what the database will return.
    clean_data = _normalise(json.loads(json.dumps(data or {}, ensure_ascii=False, default=str)))
    with transaction.atomic():
        _lock_chain()
        # Chain onto the head, not onto the newest row still present: if the last row was
        # deleted, the next event then points at a hash nobody has and verify reports it.
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is not None:
            last: str | None = head.last_hash
        else:
            last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
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
            ip=_normalise(ip if ip is not None else client_ip.get())[:45],
            scope_id=who.scope_id if who.scope_id is not None else scope_of_target(target),
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


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: list[ChainProblem]
    last_id: int | None

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify(*, batch_size: int = 2000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain in order; return how many events were checked and what is wrong."""
    report = audit_verify_report(batch_size=batch_size)
    return report.checked, report.problems


def audit_verify_report(*, batch_size: int = 2000) -> ChainReport:
    """The chain checked row by row, and against the head that each write updates.

    - a row whose content no longer gives its hash was edited;
    - a row that does not point at the hash of the row before it follows a deleted (or
      re-hashed) row;
    - the head names the newest event ever written: when that row is gone or differs, rows
      were cut from the end. The head is read first, so events written while the walk runs
      (they come after the head) are not mistaken for tampering.
    """
    head = AuditHead.objects.filter(pk=1).first()
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    prev_id: int | None = None
    checked = 0
    head_seen = False
    while True:
        rows = AuditEvent.objects.order_by("id")
        if prev_id is not None:
            rows = rows.filter(id__gt=prev_id)
        batch = list(rows[:batch_size])
        if not batch:
            break
        for event in batch:
            checked += 1
            if event.prev_hash != expected_prev:
                if prev_id is None:
                    where = f"第 {event.id} 条之前的记录"
                elif event.id - prev_id > 1:
                    where = f"第 {prev_id} 条与第 {event.id} 条之间的记录"
                else:
                    where = f"第 {prev_id} 条记录"
                problems.append(
                    ChainProblem(
                        event.id,
                        "broken_link",
                        f"第 {event.id} 条记录与前一条衔接不上：{where}被删除或改动。",
                    )
                )
            if compute_hash(event) != event.hash:
                problems.append(
                    ChainProblem(
                        event.id, "edited", f"第 {event.id} 条记录的内容被改动（哈希值不符）。"
                    )
                )
            if head is not None and event.id == head.last_id:
                head_seen = True
                if event.hash != head.last_hash:
                    problems.append(
                        ChainProblem(
                            event.id,
                            "truncated",
                            f"第 {event.id} 条记录与链头登记的哈希值不符（末尾记录被改动）。",
                        )
                    )
            expected_prev = event.hash
            prev_id = event.id
    if head is not None and not head_seen:
        now_last = f"现在最后一条为第 {prev_id} 条" if prev_id is not None else "现在一条也没有"
        problems.append(
            ChainProblem(
                head.last_id,
                "truncated",
                f"最后写入的是第 {head.last_id} 条记录，{now_last}：末尾的记录被删除。",
            )
        )
    return ChainReport(checked=checked, problems=problems, last_id=prev_id)

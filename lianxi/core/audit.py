"""The append-only, keyed, hash-chained audit trail (GB/T 22239-2019 8.1.4.3 安全审计).

Each event carries the HMAC-SHA256 of the one before it, made with a key kept outside the
database (`audit_keys`), so editing or deleting a row breaks the chain from that row on and
nobody without the key can re-hash after an edit. The head (one row: how many events were ever
written, the newest one's id and hash, what was archived) is sealed with the same kind of HMAC,
so cutting the tail and moving the head back, or emptying the table, is reported too. Triggers
refuse UPDATE, DELETE and TRUNCATE (`guard_open` lets the archive through); checkpoints of the
head shipped outside the database (`audit_checkpoints`) catch a rewrite by someone who holds
the key. `lianxi audit verify` reports every break and exits non-zero.

Events written before the keys (plain SHA-256, no key id) are verified as they are, up to the
head's `legacy_until_id`, which migration 0006 recorded and sealed: the first keyed event links
to the last of them, so they cannot be re-hashed either. Re-chaining them at migration time was
rejected: it would rewrite the very records an assessor wants to see untouched.
"""

import hashlib
import hmac
import json
import math
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone

from .audit_keys import AuditKey, AuditKeyError, current_key, key_for
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
    if event.key_id:
        payload.append(event.key_id)
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _mac(key: AuditKey, message: bytes) -> str:
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()


def compute_hash(event: AuditEvent) -> str:
    """The event's HMAC-SHA256 with the key it names; a plain SHA-256 for events that predate
    the keys (no key id)."""
    if event.key_id:
        return _mac(key_for(event.key_id), _canonical(event))
    return hashlib.sha256(_canonical(event)).hexdigest()


def new_chain_id() -> str:
    """A chain's name, made once with its head (the checkpoint file is named after it)."""
    return secrets.token_hex(8)


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else ""


def _head_message(head: AuditHead) -> bytes:
    fields: list[Any] = [
        "lianxi-audit-head/1",
        head.count,
        head.last_id,
        head.last_hash,
        head.legacy_until_id,
        head.archived_until_id,
        head.archived_count,
        head.archived_hash,
        head.key_id,
    ]
    # A head with a chain id is sealed over it and over its last checkpoint as well (version 2):
    # blanking them to fall back to version 1 breaks the seal.
    if head.chain_id:
        fields[0] = "lianxi-audit-head/2"
        fields += [head.chain_id, head.checkpoint_count, _utc(head.checkpoint_at)]
    return json.dumps(fields, separators=(",", ":")).encode()


def seal_head(head: AuditHead, key: AuditKey) -> None:
    """Sign the head (in place) with `key`: nobody without the key can move it back."""
    head.key_id = key.id
    head.seal = _mac(key, _head_message(head))


def head_seal_problem(head: AuditHead) -> str | None:
    """Why the head's seal does not hold, or None when it does."""
    if not head.seal or not head.key_id:
        return "审计链头没有密钥签名（链头被删除后重建或被改写）。"
    try:
        key = key_for(head.key_id)
    except AuditKeyError as exc:
        return f"审计链头无法校验：{exc}"
    if not hmac.compare_digest(head.seal, _mac(key, _head_message(head))):
        return "审计链头的签名不符：链头登记的条数或末条哈希被改动（例如截掉末尾后回拨链头）。"
    return None


# --- the guard: triggers that refuse UPDATE, DELETE and TRUNCATE -------------------------------

GUARD_SETTING = "lianxi.audit_maintenance"
SQLITE_GUARD_FUNCTION = "lianxi_audit_open"


def _guard_opened(wrapper: Any) -> int:
    return int(bool(settings.LIANXI_AUDIT_GUARD_OPEN or getattr(wrapper, "_lianxi_audit_open", 0)))


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite: give the connection the function the triggers ask (a connection without it, e.g.
    the sqlite3 shell, is refused). PostgreSQL: open the guard only when settings say so (the
    test suite, whose runner empties the tables between tests)."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function(SQLITE_GUARD_FUNCTION, 0, lambda: _guard_opened(connection))
    elif connection.vendor == "postgresql" and settings.LIANXI_AUDIT_GUARD_OPEN:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [GUARD_SETTING])


def install_guard() -> None:
    """Called once from CoreConfig.ready."""
    connection_created.connect(_on_connection_created, dispatch_uid="lianxi-audit-guard")
    if connection.connection is not None:  # already open (e.g. a shell started early)
        _on_connection_created(None, connection)


@contextmanager
def guard_open() -> Iterator[None]:
    """Let this connection change or remove audit rows, inside the caller's transaction only:
    `lianxi audit archive` uses it. PostgreSQL: ``set_config('lianxi.audit_maintenance', 'on',
    true)`` (local to the transaction, and set back on leaving); SQLite: a flag the trigger's
    function reads."""
    if not connection.in_atomic_block:
        raise RuntimeError("guard_open() must run inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [GUARD_SETTING])
            before = cursor.fetchone()[0] or "off"
            cursor.execute("SELECT set_config(%s, 'on', true)", [GUARD_SETTING])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [GUARD_SETTING, before])
        return
    connection.ensure_connection()
    connection._lianxi_audit_open = 1  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection._lianxi_audit_open = 0  # type: ignore[attr-defined]


GUARD_TRIGGERS = {
    "postgresql": {
        "core_auditevent": {
            "core_auditevent_append_only",
            "core_auditevent_no_truncate",
        },
        "core_audithead": {"core_audithead_forward_only", "core_audithead_no_truncate"},
    },
    "sqlite": {
        "core_auditevent": {"core_auditevent_no_update", "core_auditevent_no_delete"},
        "core_audithead": {"core_audithead_no_delete", "core_audithead_forward_only"},
    },
}


def missing_guard_triggers() -> list[str]:
    """The guard's triggers that are gone or switched off (a table rebuilt by a migration on
    SQLite loses them; on PostgreSQL the table owner can disable them)."""
    expected = GUARD_TRIGGERS.get(connection.vendor, {})
    wanted = {name for names in expected.values() for name in names}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND tgenabled <> 'D'",
                [sorted(wanted)],
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    return sorted(wanted - present)


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
    key = current_key()
    with transaction.atomic():
        _lock_chain()
        # Chain onto the head, not onto the newest row still present: if the last row was
        # deleted, the next event then points at a hash nobody has and verify reports it.
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        sound = True
        if head is None:
            newest = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
            # Events without a head: the head was deleted. The new head stays unsigned, so
            # verify keeps saying so instead of a fresh head covering the loss.
            sound = newest is None
            head = AuditHead(pk=1, last_id=0, last_hash=newest or GENESIS)
            head.count = AuditEvent.objects.count()
        elif head_seal_problem(head) is not None:
            sound = False
        if sound and not head.chain_id:
            head.chain_id = new_chain_id()
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
            prev_hash=head.last_hash or GENESIS,
            key_id=key.id,
        )
        event.hash = _mac(key, _canonical(event))
        event.save()
        # The head lets verify notice rows cut from the end, which the chain alone cannot; its
        # seal stops anyone without the key from moving it back.
        head.last_id = event.id
        head.last_hash = event.hash
        head.count += 1
        if sound:
            seal_head(head, key)
        else:
            head.key_id, head.seal = key.id, ""
        head.save()
        return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    # "edited" | "broken_link" | "truncated" | "count" | "head" | "key" | "archived" |
    # "unguarded" | "checkpoint"
    kind: str
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


def audit_verify_report(*, batch_size: int = 2000, checkpoints: bool = True) -> ChainReport:
    """The chain checked row by row, against the sealed head and against the checkpoints.

    - a row whose content no longer gives its HMAC (or, before the keys, its SHA-256) was
      edited; a keyless row after the keys began was forged;
    - a row that does not point at the hash of the row before it follows a deleted (or
      re-hashed) row;
    - the head's seal must hold, it names the newest event ever written and how many there
      were: a missing newest row, a different hash or fewer rows mean rows were cut or wiped;
    - each checkpoint shipped outside the database must still be found at its position.
    The head is read first and the walk stops at it, so events written meanwhile are not
    mistaken for tampering.
    """
    head = AuditHead.objects.filter(pk=1).first()
    problems: list[ChainProblem] = []
    if head is None:
        if AuditEvent.objects.exists():
            problems.append(
                ChainProblem(0, "head", "审计链头记录缺失：链头被删除，无法确认末尾是否被截断。")
            )
    elif (seal_problem := head_seal_problem(head)) is not None:
        problems.append(ChainProblem(head.last_id, "head", seal_problem))
    start_id = head.archived_until_id if head is not None else 0
    expected_prev = head.archived_hash if head is not None and start_id else GENESIS
    legacy_until = head.legacy_until_id if head is not None else 0
    prev_id: int | None = start_id or None
    checked = 0
    head_seen = False
    key_problems: dict[str, str] = {}
    rows = AuditEvent.objects.order_by("id")
    if head is not None:
        rows = rows.filter(id__lte=head.last_id)
    stray = rows.filter(id__lte=start_id).count() if start_id else 0
    if stray:
        problems.append(
            ChainProblem(start_id, "archived", f"已归档的记录中仍有 {stray} 条留在数据库中。")
        )
    while True:
        batch = list(rows.filter(id__gt=prev_id or 0)[:batch_size])
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
            problems.extend(_row_problems(event, legacy_until, key_problems))
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
    if head is not None and head.last_id > start_id and not head_seen:
        now_last = f"现在最后一条为第 {prev_id} 条" if checked else "现在一条也没有"
        problems.append(
            ChainProblem(
                head.last_id,
                "truncated",
                f"最后写入的是第 {head.last_id} 条记录，{now_last}：末尾的记录被删除。",
            )
        )
    if head is not None and checked + head.archived_count != head.count:
        archived = f"（其中已归档 {head.archived_count} 条）" if head.archived_count else ""
        problems.append(
            ChainProblem(
                head.last_id,
                "count",
                f"链头登记共写入 {head.count} 条{archived}，数据库中只核对到 "
                f"{checked} 条：记录被删除或整表被清空。",
            )
        )
    missing = missing_guard_triggers()
    if missing:
        problems.append(
            ChainProblem(
                0,
                "unguarded",
                f"保护审计表的触发器缺失或被停用：{'、'.join(missing)}。"
                "请执行 lianxi migrate core 后重新校验，并查明原因。",
            )
        )
    if checkpoints:
        from .audit_checkpoints import checkpoint_problems

        problems.extend(checkpoint_problems(head))
    return ChainReport(checked=checked, problems=problems, last_id=prev_id)


def _row_problems(
    event: AuditEvent, legacy_until: int, key_problems: dict[str, str]
) -> list[ChainProblem]:
    if not event.key_id:
        if event.id > legacy_until:
            return [
                ChainProblem(
                    event.id,
                    "edited",
                    f"第 {event.id} 条记录没有密钥签名，却写在启用密钥之后（伪造或被改写）。",
                )
            ]
        if hashlib.sha256(_canonical(event)).hexdigest() != event.hash:
            return [_edited(event)]
        return []
    if event.key_id in key_problems:
        return []  # reported once, at the first event the key signed
    try:
        key = key_for(event.key_id)
    except AuditKeyError as exc:
        key_problems[event.key_id] = str(exc)
        return [ChainProblem(event.id, "key", str(exc))]
    if not hmac.compare_digest(_mac(key, _canonical(event)), event.hash):
        return [_edited(event)]
    return []


def _edited(event: AuditEvent) -> ChainProblem:
    return ChainProblem(event.id, "edited", f"第 {event.id} 条记录的内容被改动（签名不符）。")

"""Retention: events older than LIANXI_AUDIT_RETENTION_DAYS (at least 180) leave the database
for a verifiable archive file instead of being deleted.

The file is JSON lines: a header (format, id range, count, the hash the first event links to,
the last event's hash, the legacy boundary), one line per event with its stored hash (HMAC) and
key id, and a trailer sealing the whole file with an HMAC. The events are then removed (the
triggers let this one transaction through) and the head records the archived boundary: id,
count and the last archived hash, which the first remaining event links to. `lianxi audit
verify` starts there; `lianxi audit verify --archive FILE` checks a file on its own and against
the head. Archives follow one another: each one's first `prev_hash` is the previous one's last.
The files are 0600 whatever the umask (they hold names, addresses, the usernames people tried),
and the events are read and written in batches, never all in memory.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .audit import (
    GENESIS,
    _lock_chain,
    audit_record,
    audit_verify_report,
    compute_hash,
    guard_open,
    head_seal_problem,
    seal_head,
)
from .audit_keys import AuditKeyError, current_key, key_for
from .models import AuditEvent, AuditHead

FORMAT = "lianxi-audit-archive/1"
# Events read from the database and written to the file this many at a time.
ARCHIVE_BATCH = 2000
FIELDS = (
    "id",
    "actor_id",
    "actor_name",
    "unit_id",
    "unit_name",
    "role",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "data",
    "ip",
    "scope_id",
    "prev_hash",
    "hash",
    "key_id",
)


class AuditArchiveError(Exception):
    """The archive cannot be made (the message says why and what to do)."""


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    from_id: int
    to_id: int
    count: int


def _event_line(event: AuditEvent) -> str:
    row: dict[str, Any] = {name: getattr(event, name) for name in FIELDS}
    row["at"] = event.at.isoformat()
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _event_from(row: dict[str, Any]) -> AuditEvent:
    values = {name: row[name] for name in FIELDS}
    return AuditEvent(at=datetime.fromisoformat(row["at"]), **values)


def _seal_digest(body_sha256: bytes, key_id: str) -> str:
    return hmac.new(key_for(key_id).secret, body_sha256, hashlib.sha256).hexdigest()


def _seal(body: bytes, key_id: str) -> str:
    return _seal_digest(hashlib.sha256(body).digest(), key_id)


def _write_private(path: Path) -> Any:
    """Open a new file only the platform's account can read (0600, whatever the umask): an
    archive holds names, addresses and the usernames people tried."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a leftover file from an interrupted run keeps no wider mode
    return os.fdopen(fd, "wb")


def audit_archive(
    *,
    now: datetime | None = None,
    output_dir: Path | None = None,
    actor: Any = None,
    batch_size: int = ARCHIVE_BATCH,
) -> ArchiveResult | None:
    """Move every event older than the retention period to a new archive file; None when
    nothing is old enough. Refuses while `lianxi audit verify` reports problems. The events are
    read and written `batch_size` at a time (never all in memory)."""
    moment = now or timezone.now()
    cutoff = moment - timedelta(days=settings.LIANXI_AUDIT_RETENTION_DAYS)
    report = audit_verify_report(batch_size=batch_size)
    if not report.ok:
        raise AuditArchiveError(
            f"审计链校验未通过（{len(report.problems)} 处问题），拒绝归档：请先执行 "
            f"lianxi audit verify 查明原因。第一处：{report.problems[0].message}"
        )
    directory = output_dir or Path(settings.LIANXI_AUDIT_ARCHIVE_DIR)
    key = current_key()
    with transaction.atomic():
        _lock_chain()
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None or head_seal_problem(head) is not None:
            raise AuditArchiveError(
                "审计链头缺失或签名不符，拒绝归档：请先执行 lianxi audit verify。"
            )
        rows = AuditEvent.objects.filter(
            id__gt=head.archived_until_id, id__lte=head.last_id
        ).order_by("id")
        first_kept = rows.filter(at__gte=cutoff).values_list("id", flat=True).first()
        old = rows.filter(id__lt=first_kept) if first_kept is not None else rows
        span = old.aggregate(
            from_id=models.Min("id"), to_id=models.Max("id"), count=models.Count("id")
        )
        if not span["count"]:
            return None
        from_id, to_id, count = int(span["from_id"]), int(span["to_id"]), int(span["count"])
        last_hash = AuditEvent.objects.values_list("hash", flat=True).get(id=to_id)
        prev = head.archived_hash if head.archived_until_id else GENESIS
        header = {
            "format": FORMAT,
            "from_id": from_id,
            "to_id": to_id,
            "count": count,
            "prev_hash": prev,
            "last_hash": last_hash,
            "legacy_until_id": head.legacy_until_id,
            "cutoff": cutoff.isoformat(),
            "created_at": moment.isoformat(),
        }
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = directory / f"audit-{from_id:012d}-{to_id:012d}.jsonl"
        tmp = path.with_suffix(".tmp")
        body_hash = hashlib.sha256()
        file_hash = hashlib.sha256()
        written = 0
        with _write_private(tmp) as handle:

            def put(data: bytes, *, body: bool = True) -> None:
                if body:
                    body_hash.update(data)
                file_hash.update(data)
                handle.write(data)

            put(json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
            for event in old.iterator(chunk_size=batch_size):
                put(_event_line(event).encode() + b"\n")
                written += 1
            if written != count:  # the chain lock is held: nothing may change meanwhile
                raise AuditArchiveError(
                    f"归档时读到 {written} 条记录，而不是 {count} 条：请重新执行归档。"
                )
            trailer = {"seal": _seal_digest(body_hash.digest(), key.id), "key_id": key.id}
            put(json.dumps(trailer).encode() + b"\n", body=False)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
        problems = verify_archive_file(path, against_head=False)
        if problems:
            raise AuditArchiveError("归档文件写出后校验未通过：" + "；".join(problems[:3]))
        with guard_open():
            old.filter(id__lte=to_id).delete()
            head.archived_until_id = to_id
            head.archived_count += count
            head.archived_hash = last_hash
            seal_head(head, key)
            head.save()
        audit_record(
            actor=actor,
            action="audit.archive",
            data={
                "file": path.name,
                "from_id": from_id,
                "to_id": to_id,
                "count": count,
                "sha256": file_hash.hexdigest(),
            },
        )
    return ArchiveResult(path=path, from_id=from_id, to_id=to_id, count=count)


@dataclass(frozen=True)
class ArchiveReport:
    count: int
    from_id: int | None
    to_id: int | None
    problems: list[str]
    linked: str  # how the file joins what remains in the database


def verify_archive_file(path: Path, *, against_head: bool = True) -> list[str]:
    return verify_archive(path, against_head=against_head).problems


def verify_archive(path: Path, *, against_head: bool = True) -> ArchiveReport:
    """Check an archive file: every event's hash, the links, the count, the file's seal; and,
    when `against_head`, how it joins the chain still in the database."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ArchiveReport(0, None, None, [f"无法读取归档文件 {path}：{exc}"], "")
    body, _, tail = raw.rstrip(b"\n").rpartition(b"\n")
    body += b"\n"
    problems: list[str] = []
    try:
        trailer = json.loads(tail)
        lines = body.decode("utf-8").splitlines()
        header = json.loads(lines[0])
        rows = [json.loads(line) for line in lines[1:]]
    except (ValueError, IndexError, UnicodeDecodeError):
        return ArchiveReport(
            0, None, None, [f"{path.name} 不是完整的审计归档文件（已损坏或被截断）。"], ""
        )
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return ArchiveReport(0, None, None, [f"{path.name} 不是审计归档文件（格式标记不符）。"], "")
    try:
        if not hmac.compare_digest(str(trailer.get("seal")), _seal(body, str(trailer["key_id"]))):
            problems.append("归档文件的整体签名不符：文件被改动、增删了行。")
    except AuditKeyError as exc:
        problems.append(f"归档文件的签名无法校验：{exc}")
    except (KeyError, AttributeError):
        problems.append("归档文件缺少末尾的签名行（被截断）。")
    expected = header.get("prev_hash")
    legacy_until = int(header.get("legacy_until_id") or 0)
    last_id: int | None = None
    for row in rows:
        try:
            event = _event_from(row)
        except (KeyError, TypeError, ValueError):
            problems.append("归档文件中有一行缺少字段（被改动）。")
            continue
        if event.prev_hash != expected:
            problems.append(f"第 {event.id} 条记录与前一条衔接不上（归档中有记录被删除或改动）。")
        try:
            if not event.key_id and event.id > legacy_until:
                problems.append(f"第 {event.id} 条记录没有密钥签名（伪造）。")
            elif not hmac.compare_digest(compute_hash(event), event.hash):
                problems.append(f"第 {event.id} 条记录的内容被改动（签名不符）。")
        except AuditKeyError as exc:
            problems.append(f"第 {event.id} 条记录无法校验：{exc}")
        expected = event.hash
        last_id = event.id
    if len(rows) != header.get("count") or (
        rows and rows[-1].get("hash") != header.get("last_hash")
    ):
        problems.append(
            f"归档文件登记 {header.get('count')} 条，实有 {len(rows)} 条（被截断或增删）。"
        )
    linked = ""
    if against_head:
        head = AuditHead.objects.filter(pk=1).first()
        to_id = int(header.get("to_id") or 0)
        if head is None or head.archived_until_id < to_id:
            problems.append(
                "数据库的链头没有登记这一段已归档：该归档不属于这条审计链，或链头被回拨。"
            )
        elif head.archived_until_id == to_id:
            if head.archived_hash != header.get("last_hash"):
                problems.append("归档的末条哈希与链头登记的归档末条不符。")
            else:
                linked = "与数据库中剩余的审计链衔接（链头登记的归档末条即本文件末条）。"
        else:
            successor = AuditEvent.objects.filter(prev_hash=header.get("last_hash")).first()
            linked = (
                f"与数据库中第 {successor.id} 条记录衔接。"
                if successor is not None
                else f"其后还有更新的归档（截至第 {head.archived_until_id} 条），请一并校验。"
            )
    first_id = rows[0].get("id") if rows else None
    return ArchiveReport(len(rows), first_id, last_id, problems, linked)

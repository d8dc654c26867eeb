"""Checkpoints of the audit chain's head, shipped outside the database.

Every LIANXI_AUDIT_CHECKPOINT_MINUTES the tick appends one JSON line (the head's count, newest id
and hash, the time, the chain's id, HMAC'd with the current audit key) to the chain's own file
in LIANXI_AUDIT_CHECKPOINT_DIR, ``chain-<chain id>.jsonl`` — named after the id kept in the
sealed head, so moving or renaming the database keeps its checkpoints — and, when
LIANXI_AUDIT_SYSLOG is set, sends the same line to syslog. The head then records (under its
seal) the count and time of that checkpoint. Someone who rewrites the database (even with the
key) cannot take back what was already shipped: `lianxi audit verify` reports a chain shorter
than a checkpoint, a checkpoint's hash no longer found at its position, a checkpoint file
deleted, emptied or cut short (the head remembers the last one), a chain old enough to have one
that has none, and the checkpoints of another chain left in the directory (the chain was wiped
and started again).

Files named the old way, after the database file (``<vendor>-<file name>.jsonl``), are still
read. Only lines whose HMAC verifies count: a forged or garbled line is reported by verify and
never decides when the next checkpoint is due. Idempotent like every tick: it looks at the
file's last valid line, not at how many ticks ran.
"""

import hashlib
import hmac
import json
import logging
import logging.handlers
import os
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .audit import _lock_chain, head_seal_problem, new_chain_id, seal_head
from .audit_keys import AuditKeyError, current_key, key_for
from .models import AuditEvent, AuditHead

logger = logging.getLogger(__name__)

# How far past the interval a chain with no checkpoint at all may go before verify says so.
MIN_GRACE = timedelta(minutes=10)
_TAIL_BYTES = 64 * 1024


def checkpoint_dir() -> Path:
    return Path(settings.LIANXI_AUDIT_CHECKPOINT_DIR)


def legacy_checkpoint_file() -> Path:
    """The file named after the database file, as checkpoints were written before chain ids."""
    name = Path(str(connection.settings_dict.get("NAME") or "default")).name
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "default"
    return checkpoint_dir() / f"{connection.vendor}-{safe}.jsonl"


def _chain_path(chain_id: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", chain_id)[:32]
    return checkpoint_dir() / f"chain-{safe}.jsonl"


def checkpoint_file(head: AuditHead | None = None) -> Path:
    """The chain's checkpoint file: named after the chain id in the head (the file named after
    the database while the head has none yet)."""
    if head is None:
        head = AuditHead.objects.filter(pk=1).first()
    if head is None or not head.chain_id:
        return legacy_checkpoint_file()
    return _chain_path(head.chain_id)


def _message(entry: dict[str, Any]) -> bytes:
    fields = ["lianxi-audit-checkpoint/1"] + [
        entry.get(k) for k in ("at", "count", "last_id", "last_hash", "key_id")
    ]
    if "chain_id" in entry:
        fields[0] = "lianxi-audit-checkpoint/2"
        fields.append(entry["chain_id"])
    return json.dumps(fields, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Checkpoint:
    number: int  # line number in its file
    at: datetime
    count: int
    last_id: int
    last_hash: str
    chain_id: str  # "" in lines written before chain ids


def _parse_line(line: str) -> tuple[Checkpoint | None, str | None]:
    """(checkpoint, None) for a line whose HMAC verifies, else (None, what is wrong)."""
    try:
        entry = json.loads(line)
    except ValueError:
        entry = None
    if not isinstance(entry, dict):
        return None, "不是有效的检查点（被改动或损坏）。"
    try:
        key = key_for(str(entry["key_id"]))
        expected = hmac.new(key.secret, _message(entry), hashlib.sha256).hexdigest()
        at = datetime.fromisoformat(str(entry["at"]))
        count, last_id = int(entry["count"]), int(entry["last_id"])
        last_hash, chain_id = str(entry["last_hash"]), str(entry.get("chain_id", ""))
    except AuditKeyError as exc:
        return None, f"无法校验：{exc}"
    except (KeyError, TypeError, ValueError):
        return None, "缺少字段或字段无效（被改动或损坏）。"
    if not hmac.compare_digest(str(entry.get("hmac", "")), expected):
        return None, "的签名不符（检查点被改动或伪造）。"
    if at.tzinfo is None:
        return None, "的时间没有时区（不是平台写出的检查点）。"
    return Checkpoint(0, at, count, last_id, last_hash, chain_id), None


def read_checkpoints(path: Path) -> tuple[list[Checkpoint], list[tuple[int, str]]]:
    """The file's checkpoints whose HMAC verifies, and (line number, problem) for the others."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return [], []
    valid: list[Checkpoint] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        checkpoint, problem = _parse_line(line)
        if checkpoint is None:
            bad.append((number, problem or ""))
        else:
            valid.append(replace(checkpoint, number=number))
    return valid, bad


def _last_checkpoint_at(path: Path, moment: datetime, chain_id: str) -> datetime | None:
    """When the newest valid checkpoint of this chain in the file's tail was taken (lines that
    do not verify, belong to another chain or are dated after `moment` do not count)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - _TAIL_BYTES))
            tail = handle.read().decode("utf-8", "replace").splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(tail):
        checkpoint, _ = _parse_line(line)
        if checkpoint is None or checkpoint.at > moment:
            continue
        if checkpoint.chain_id and checkpoint.chain_id != chain_id:
            continue
        return checkpoint.at
    return None


def _send_syslog(line: str) -> None:
    target = settings.LIANXI_AUDIT_SYSLOG
    if target.startswith("/"):
        address: str | tuple[str, int] = target
    else:
        host, _, port = target.rpartition(":")
        address = (host or target, int(port) if port.isdigit() else 514)
    handler = logging.handlers.SysLogHandler(
        address=address, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV
    )
    handler.ident = "lianxi-audit: "
    try:
        handler.emit(logging.makeLogRecord({"msg": line, "levelno": logging.INFO}))
    finally:
        handler.close()


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def audit_checkpoint(now: datetime | None = None, *, force: bool = False) -> str:
    """The tick handler: ship a checkpoint when the last one is older than the interval, and
    record it in the head (when the head's seal holds: a broken head is never re-sealed)."""
    moment = now or timezone.now()
    interval = timedelta(minutes=settings.LIANXI_AUDIT_CHECKPOINT_MINUTES)
    with transaction.atomic():
        _lock_chain()
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            return "no chain"
        sound = head_seal_problem(head) is None
        if sound and not head.chain_id:
            head.chain_id = new_chain_id()
        path = checkpoint_file(head)
        last = _last_checkpoint_at(path, moment, head.chain_id)
        if not force and last is not None and moment - last < interval:
            return "not due"
        key = current_key()
        entry: dict[str, Any] = {
            "at": moment.isoformat(),
            "count": head.count,
            "last_id": head.last_id,
            "last_hash": head.last_hash,
            "key_id": key.id,
        }
        if head.chain_id:
            entry["chain_id"] = head.chain_id
        entry["hmac"] = hmac.new(key.secret, _message(entry), hashlib.sha256).hexdigest()
        line = json.dumps(entry, separators=(",", ":"))
        _append(path, line)
        if sound:
            head.checkpoint_count = head.count
            head.checkpoint_at = moment
            seal_head(head, key)
            head.save()
    if settings.LIANXI_AUDIT_SYSLOG:
        try:
            _send_syslog(line)
        except OSError:
            logger.exception(
                "audit checkpoint: syslog %s unreachable", settings.LIANXI_AUDIT_SYSLOG
            )
    return f"checkpoint {head.count}"


def _files_of(head: AuditHead | None) -> tuple[list[Path], list[Path]]:
    """(the files holding this chain's checkpoints, the other chains' files in the directory)."""
    legacy = legacy_checkpoint_file()
    chain_files = sorted(checkpoint_dir().glob("chain-*.jsonl"))
    if head is None:
        # No head to name the chain: every checkpoint left in the directory speaks for it.
        return [*chain_files, legacy], []
    own = checkpoint_file(head)
    return [own, legacy] if own != legacy else [own], [p for p in chain_files if p != own]


def checkpoint_problems(head: AuditHead | None, now: datetime | None = None) -> list[Any]:
    """What the shipped checkpoints say against the chain now."""
    from .audit import ChainProblem

    moment = now or timezone.now()
    problems: list[ChainProblem] = []
    own_files, other_files = _files_of(head)
    chain_id = head.chain_id if head is not None else ""
    valid: list[tuple[Path, Checkpoint]] = []
    for path in own_files:
        checkpoints, bad = read_checkpoints(path)
        for number, problem in bad:
            problems.append(
                ChainProblem(0, "checkpoint", f"检查点文件 {path} 第 {number} 行{problem}")
            )
        for checkpoint in checkpoints:
            if chain_id and checkpoint.chain_id and checkpoint.chain_id != chain_id:
                problems.append(
                    ChainProblem(
                        0,
                        "checkpoint",
                        f"检查点文件 {path} 第 {checkpoint.number} 行属于另一条审计链"
                        f"（编号 {checkpoint.chain_id}，本链为 {chain_id}）：文件被替换或拼接。",
                    )
                )
            else:
                valid.append((path, checkpoint))
    for path in other_files:
        checkpoints, _ = read_checkpoints(path)
        if checkpoints:
            newest = max(checkpoints, key=lambda c: c.count)
            problems.append(
                ChainProblem(
                    0,
                    "checkpoint",
                    f"检查点目录中还有另一条审计链的检查点（{path}，"
                    f"{newest.at.isoformat()} 登记已写入 {newest.count} 条），"
                    f"而本库审计链的编号为 {chain_id or '（无）'}：原来的链被整体清空后"
                    "重新开始，或该目录被另一个实例共用（每个实例请使用单独的 "
                    "LIANXI_AUDIT_CHECKPOINT_DIR）。",
                )
            )
    count = head.count if head is not None else 0
    archived_until = head.archived_until_id if head is not None else 0
    longest = max(valid, key=lambda item: item[1].count, default=None)
    if longest is not None and longest[1].count > count:
        path, checkpoint = longest
        problems.append(
            ChainProblem(
                0,
                "checkpoint",
                f"审计链比检查点短：{checkpoint.at.isoformat()} 的检查点（{path} 第 "
                f"{checkpoint.number} 行）登记已写入 {checkpoint.count} 条，现在链头只登记 "
                f"{count} 条：链被截断、清空或重建。",
            )
        )
    if head is not None:
        problems.extend(_missing_checkpoint_problems(head, valid, own_files[0], moment))
    wanted = {
        checkpoint.last_id: (path, checkpoint)
        for path, checkpoint in valid
        if checkpoint.count <= count and checkpoint.last_id > archived_until
    }
    ids = sorted(wanted)
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(AuditEvent.objects.filter(id__in=chunk).values_list("id", "hash"))
    for last_id in ids:
        path, checkpoint = wanted[last_id]
        if found.get(last_id) != checkpoint.last_hash:
            problems.append(
                ChainProblem(
                    last_id,
                    "checkpoint",
                    f"{checkpoint.at.isoformat()} 的检查点（第 {checkpoint.number} 行）登记第 "
                    f"{last_id} 条记录的哈希值为 {checkpoint.last_hash[:16]}…，现在该位置"
                    f"{'的记录不同' if last_id in found else '没有记录'}：链被改写。",
                )
            )
    if head is not None and archived_until:
        for _, checkpoint in valid:
            if checkpoint.last_id == archived_until and checkpoint.last_hash != head.archived_hash:
                problems.append(
                    ChainProblem(
                        archived_until,
                        "checkpoint",
                        f"{checkpoint.at.isoformat()} 的检查点（第 {checkpoint.number} 行）"
                        "与链头登记的归档末条哈希不符。",
                    )
                )
    return problems


def _missing_checkpoint_problems(
    head: AuditHead, valid: list[tuple[Path, Checkpoint]], path: Path, moment: datetime
) -> list[Any]:
    """The head remembers its last checkpoint: the file must still hold it. A chain with none
    at all must be younger than the interval (plus a grace)."""
    from .audit import ChainProblem

    newest = max((checkpoint.count for _, checkpoint in valid), default=None)
    if head.checkpoint_at is not None:
        if newest is not None and newest >= head.checkpoint_count:
            return []
        at = head.checkpoint_at.isoformat()
        if newest is None:
            what = f"检查点文件 {path} 不存在或没有有效的检查点"
            cause = (
                "检查点文件被删除或清空（若数据库是迁移或恢复到了另一台主机，"
                "请把原来的检查点目录一并带来）"
            )
        else:
            what = f"检查点文件 {path} 中最新的检查点只登记到 {newest} 条"
            cause = "检查点文件被截短或换成了旧的副本"
        return [
            ChainProblem(
                0,
                "checkpoint",
                f"{what}，而链头登记 {at} 已写出登记 {head.checkpoint_count} 条的检查点：{cause}。",
            )
        ]
    if newest is not None or head.count == 0:
        return []
    interval = timedelta(minutes=settings.LIANXI_AUDIT_CHECKPOINT_MINUTES)
    overdue = interval + max(interval, MIN_GRACE)
    first_at = (
        AuditEvent.objects.filter(id__gt=head.archived_until_id)
        .order_by("id")
        .values_list("at", flat=True)
        .first()
    )
    if not head.archived_count and (first_at is None or moment - first_at < overdue):
        return []
    since = f"最早一条写于 {first_at.isoformat()}" if first_at is not None else "已有记录归档"
    return [
        ChainProblem(
            0,
            "checkpoint",
            f"还没有写出过检查点：审计链已有 {head.count} 条记录（{since}），超过检查点间隔 "
            f"{settings.LIANXI_AUDIT_CHECKPOINT_MINUTES} 分钟仍没有检查点 {path}。请确认定时"
            "任务（lianxi worker）在运行，并执行 lianxi audit checkpoint 立即写出一个。",
        )
    ]

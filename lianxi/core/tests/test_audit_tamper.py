"""The audit trail an assessor accepts (issue 17; GB/T 22239-2019 8.1.4.3 安全审计 c: 审计记录应
进行保护，定期备份，避免受到未预期的删除、修改或覆盖).

Each rewrite the issue lists passed `lianxi audit verify` before the keyed chain: (1) cutting the
tail and moving the head back, (2) wiping everything, (3) editing a row and re-hashing after it,
(4) TRUNCATE on PostgreSQL (in test_audit_guard.py). Here each is caught, by verify or by the
checkpoints shipped outside the database.
"""

import hashlib
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from lianxi.core.audit import (
    _canonical,
    audit_record,
    audit_verify_report,
    compute_hash,
    seal_head,
)
from lianxi.core.audit_checkpoints import audit_checkpoint, checkpoint_file
from lianxi.core.audit_keys import current_key
from lianxi.core.models import AuditEvent, AuditHead

from .audit_helpers import as_table_owner, record, verify

pytestmark = pytest.mark.django_db


def kinds() -> list[str]:
    return [p.kind for p in audit_verify_report().problems]


def test_events_and_head_are_keyed_with_an_id_recorded() -> None:
    """The chain is HMAC-SHA256 with a key outside the database, its id on each event."""
    events = record(3)
    key = current_key()
    for event in events:
        assert event.key_id == key.id
        assert event.hash != hashlib.sha256(_canonical(event)).hexdigest()
    head = AuditHead.objects.get(pk=1)
    assert (head.count, head.last_id, head.key_id) == (3, events[-1].id, key.id)
    assert head.seal
    assert verify()[0] == 0


def test_1_tail_cut_and_head_moved_back_is_detected() -> None:
    """Defect (1): delete the last rows and set the head to the new last row (and count)."""
    events = record(5)
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id > %s", [events[2].id])
        cursor.execute(
            "UPDATE core_audithead SET last_id = %s, last_hash = %s, count = 3 WHERE id = 1",
            [events[2].id, events[2].hash],
        )
    code, output = verify()
    assert code == 1
    assert "链头的签名不符" in output
    assert kinds() == ["head"]


def test_2_everything_wiped_is_detected() -> None:
    """Defect (2): every event deleted (`已校验 0 条 … 完整` before): the head still counts 4."""
    record(4)
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    code, output = verify()
    assert code == 1
    assert "已校验 0 条" in output
    assert "链头登记共写入 4 条" in output


def test_2_everything_and_the_head_wiped_is_caught_by_the_checkpoint() -> None:
    """Defect (2), the head deleted too: the checkpoint shipped outside the database remains."""
    record(4)
    audit_checkpoint()
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
        cursor.execute("DELETE FROM core_audithead")
    code, output = verify()
    assert code == 1
    assert "审计链比检查点短" in output
    assert "登记已写入 4 条" in output


def test_3_row_edited_and_everything_after_rehashed_is_detected() -> None:
    """Defect (3): edit a row, recompute its hash and every later one and the head, as anyone
    could with the old unkeyed SHA-256: without the key, no HMAC matches."""
    events = record(5)
    with as_table_owner() as cursor:
        prev = events[1].hash
        for event in events[2:]:
            forged = AuditEvent.objects.get(pk=event.pk)
            if forged.pk == events[2].pk:
                forged.actor_name = "冒名者"
            forged.prev_hash = prev
            forged.hash = hashlib.sha256(_canonical(forged)).hexdigest()
            cursor.execute(
                "UPDATE core_auditevent SET actor_name = %s, prev_hash = %s, hash = %s "
                "WHERE id = %s",
                [forged.actor_name, forged.prev_hash, forged.hash, forged.pk],
            )
            prev = forged.hash
        cursor.execute("UPDATE core_audithead SET last_hash = %s WHERE id = 1", [prev])
    report = audit_verify_report()
    assert {p.event_id for p in report.problems if p.kind == "edited"} == {e.id for e in events[2:]}
    assert "head" in {p.kind for p in report.problems}
    assert verify()[0] == 1


def test_3_rewrite_with_the_key_is_caught_by_the_checkpoint() -> None:
    """Someone who also holds the key re-signs the rewritten rows and the head: the checkpoint
    shipped before the rewrite no longer matches the hash at its position."""
    events = record(4)
    audit_checkpoint()
    key = current_key()
    with as_table_owner() as cursor:
        prev = events[0].hash
        for event in events[1:]:
            forged = AuditEvent.objects.get(pk=event.pk)
            forged.action = "test.forged"
            forged.prev_hash = prev
            forged.hash = compute_hash(forged)
            cursor.execute(
                "UPDATE core_auditevent SET action = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [forged.action, forged.prev_hash, forged.hash, forged.pk],
            )
            prev = forged.hash
        head = AuditHead.objects.get(pk=1)
        head.last_hash = prev
        seal_head(head, key)
        cursor.execute(
            "UPDATE core_audithead SET last_hash = %s, seal = %s WHERE id = 1",
            [head.last_hash, head.seal],
        )
    report = audit_verify_report()
    assert [p.kind for p in report.problems] == ["checkpoint"]
    assert f"第 {events[-1].id} 条记录的哈希值" in report.problems[0].message
    assert "链被改写" in report.problems[0].message


def test_head_deleted_is_reported_and_the_next_write_does_not_hide_it() -> None:
    """A deleted head is reported; the next event makes an unsigned head, still reported."""
    record(2)
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM core_audithead")
    assert kinds() == ["head"]
    audit_record(actor=None, action="test.after")
    assert "head" in kinds()
    assert AuditHead.objects.get(pk=1).seal == ""


def test_checkpoints_are_shipped_at_the_interval_and_signed(settings: Any) -> None:
    """Checkpoints: the head's count and hash, HMAC'd, appended outside the database at an
    interval (the tick), idempotent."""
    from datetime import timedelta

    from django.utils import timezone

    from lianxi.core.ticks import registered_ticks

    assert "audit.checkpoint" in registered_ticks()
    now = timezone.now()
    assert audit_checkpoint(now) == "no chain"
    events = record(2)
    assert audit_checkpoint(now) == "checkpoint 2"
    assert audit_checkpoint(now + timedelta(minutes=5)) == "not due"
    record(1)
    assert audit_checkpoint(now + timedelta(minutes=61)) == "checkpoint 3"
    path = checkpoint_file()
    assert Path(settings.LIANXI_AUDIT_CHECKPOINT_DIR) in path.parents
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["count"], e["last_id"]) for e in lines] == [(2, events[1].id), (3, events[1].id + 1)]
    assert all(e["hmac"] and e["key_id"] for e in lines)
    assert audit_verify_report().ok
    # A checkpoint edited to hide a longer chain is itself reported.
    lines[1]["count"] = 2
    path.write_text("\n".join(json.dumps(e) for e in lines) + "\n")
    problems = audit_verify_report().problems
    assert [p.kind for p in problems] == ["checkpoint", "checkpoint"]
    assert "签名不符" in problems[0].message
    # ...and the head, which remembers the last checkpoint, sees the file no longer holds it.
    assert "只登记到 2 条" in problems[1].message


def test_checkpoint_goes_to_syslog_when_configured(settings: Any) -> None:
    """LIANXI_AUDIT_SYSLOG: the same line to a syslog server (UDP here)."""
    import socket

    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(10)
    try:
        settings.LIANXI_AUDIT_SYSLOG = f"127.0.0.1:{server.getsockname()[1]}"
        record(1)
        audit_checkpoint(force=True)
        message = server.recv(65536).decode()
    finally:
        server.close()
    assert "lianxi-audit:" in message
    payload = json.loads(message[message.index("{") :].rstrip("\x00"))
    assert payload["count"] == 1


def test_checkpoint_command_writes_one_now() -> None:
    record(1)
    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert "已写出检查点" in out.getvalue()
    assert len(checkpoint_file().read_text().splitlines()) == 1

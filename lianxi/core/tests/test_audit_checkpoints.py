"""The checkpoints of the audit chain, the witness outside the database (issue 17; GB/T
22239-2019 8.1.4.3 安全审计 c: 审计记录应进行保护，定期备份，避免受到未预期的删除、修改或覆盖),
and the archive's files (8.1.4.3 c, 8.1.4.11 个人信息保护).

Each test covers a defect a reviewer found in the first version:
(1) a checkpoint file deleted or emptied passed verify; a chain with no checkpoint ever, too;
(2) the tick trusted lines whose HMAC it had not checked (a forged far-future line stopped every
    later checkpoint, a naive time made the tick raise TypeError);
(3) the file was named after the database file: moving the database lost its checkpoints;
(4) nothing warned that checkpoints kept in the data directory, without syslog, witness nothing;
(5) archive files were written with the umask's mode (0644) and every expired event was loaded
    into memory at once.
"""

import gc
import hashlib
import hmac
import json
import os
import weakref
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import Tags, run_checks
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_init
from django.utils import timezone

from lianxi.core.audit import audit_verify_report, compute_hash, seal_head
from lianxi.core.audit_archive import audit_archive, verify_archive
from lianxi.core.audit_checkpoints import (
    _message,
    audit_checkpoint,
    checkpoint_file,
    checkpoint_problems,
    legacy_checkpoint_file,
)
from lianxi.core.audit_keys import current_key
from lianxi.core.models import AuditEvent, AuditHead

from .audit_helpers import as_table_owner, record, verify

pytestmark = pytest.mark.django_db


def messages() -> list[str]:
    return [p.message for p in audit_verify_report().problems]


def signed_line(**entry: Any) -> str:
    key = current_key()
    entry["key_id"] = key.id
    entry["hmac"] = hmac.new(key.secret, _message(entry), hashlib.sha256).hexdigest()
    return json.dumps(entry)


# --- (1) the head remembers its last checkpoint ------------------------------------------------


def test_head_records_the_last_checkpoint_under_its_seal() -> None:
    """Defect (1): the head keeps the last checkpoint's count and time, sealed."""
    record(3)
    moment = timezone.now()
    audit_checkpoint(moment)
    head = AuditHead.objects.get(pk=1)
    assert head.checkpoint_count == 3
    assert head.checkpoint_at == moment
    assert head.chain_id
    assert audit_verify_report().ok
    # Set back without the key (to hide that the file was deleted): the seal breaks.
    with as_table_owner() as cursor:
        cursor.execute("UPDATE core_audithead SET checkpoint_count = 0, checkpoint_at = NULL")
    assert any("链头的签名不符" in m for m in messages())


def test_checkpoint_file_deleted_is_reported() -> None:
    """Defect (1): the checkpoint file deleted: verify said '签名、链头与检查点一致'."""
    record(3)
    audit_checkpoint()
    checkpoint_file().unlink()
    code, output = verify()
    assert code == 1
    assert "不存在或没有有效的检查点" in output
    assert "已写出登记 3 条的检查点" in output


def test_checkpoint_file_emptied_is_reported() -> None:
    """Defect (1): the checkpoint file emptied."""
    record(2)
    audit_checkpoint()
    checkpoint_file().write_text("")
    code, output = verify()
    assert code == 1
    assert "检查点文件被删除或清空" in output


def test_checkpoint_file_cut_short_is_reported() -> None:
    """Defect (1): the newest checkpoint lines removed (the file replaced by an older copy)."""
    record(2)
    now = timezone.now()
    audit_checkpoint(now)
    record(2)
    audit_checkpoint(now + timedelta(hours=2))
    path = checkpoint_file()
    first = path.read_text().splitlines()[0]
    path.write_text(first + "\n")
    code, output = verify()
    assert code == 1
    assert "最新的检查点只登记到 2 条" in output
    assert "已写出登记 4 条的检查点" in output


def test_chain_older_than_the_interval_without_any_checkpoint_is_reported(settings: Any) -> None:
    """Defect (1): no checkpoint at all, the chain older than the interval plus a grace."""
    settings.LIANXI_AUDIT_CHECKPOINT_MINUTES = 60
    record(2)
    head = AuditHead.objects.get(pk=1)
    now = timezone.now()
    assert checkpoint_problems(head, now + timedelta(minutes=30)) == []
    problems = checkpoint_problems(head, now + timedelta(hours=3))
    assert [p.kind for p in problems] == ["checkpoint"]
    assert "还没有写出过检查点" in problems[0].message
    assert "lianxi audit checkpoint" in problems[0].message
    audit_checkpoint()
    assert checkpoint_problems(AuditHead.objects.get(pk=1), now + timedelta(hours=3)) == []


# --- (2) only lines whose HMAC verifies count ---------------------------------------------------


def test_forged_far_future_line_does_not_stop_the_checkpoints() -> None:
    """Defect (2): one unsigned line dated in 2999 made every later tick 'not due'."""
    record(1)
    now = timezone.now()
    assert audit_checkpoint(now) == "checkpoint 1"
    path = checkpoint_file()
    with path.open("a") as handle:
        handle.write(json.dumps({"at": "2999-01-01T00:00:00+00:00", "count": 1}) + "\n")
    record(1)
    assert audit_checkpoint(now + timedelta(minutes=61)) == "checkpoint 2"
    problems = messages()
    assert len(problems) == 1
    assert "第 2 行" in problems[0] and "被改动或损坏" in problems[0]


def test_naive_time_and_garbage_lines_do_not_break_the_tick() -> None:
    """Defect (2): a line with a time without zone made the tick raise TypeError; garbage lines
    are tolerated by the tick and reported by verify."""
    record(1)
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "not json at all\n"
        + json.dumps({"at": "2999-01-01T00:00:00", "count": 9, "last_id": 1})
        + "\n\x00\x01garbage\n"
    )
    assert audit_checkpoint() == "checkpoint 1"
    problems = messages()
    assert len(problems) == 3
    assert all(str(path) in m for m in problems)


def test_signed_line_with_a_naive_time_is_refused() -> None:
    """Defect (2): even signed with the key, a time without zone is not a platform checkpoint."""
    events = record(1)
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = signed_line(
        at="2999-01-01T00:00:00",
        count=1,
        last_id=events[0].id,
        last_hash=events[0].hash,
        chain_id=AuditHead.objects.get(pk=1).chain_id,
    )
    path.write_text(line + "\n")
    assert audit_checkpoint() == "checkpoint 1"
    assert any("没有时区" in m for m in messages())


# --- (3) the file is named after the chain, not the database file -------------------------------


def test_moving_the_database_keeps_its_checkpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defect (3): the database file renamed or moved: its checkpoints are still found, and a
    rewrite by someone holding the key is still caught."""
    events = record(3)
    now = timezone.now()
    audit_checkpoint(now)
    before = checkpoint_file()
    assert before.name == f"chain-{AuditHead.objects.get(pk=1).chain_id}.jsonl"
    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/elsewhere/moved.sqlite3")
    assert checkpoint_file() == before
    assert audit_checkpoint(now + timedelta(minutes=5)) == "not due"
    key = current_key()
    with as_table_owner() as cursor:
        forged = AuditEvent.objects.get(pk=events[-1].pk)
        forged.action = "test.forged"
        forged.hash = compute_hash(forged)
        cursor.execute(
            "UPDATE core_auditevent SET action = %s, hash = %s WHERE id = %s",
            [forged.action, forged.hash, forged.pk],
        )
        head = AuditHead.objects.get(pk=1)
        head.last_hash = forged.hash
        seal_head(head, key)
        cursor.execute(
            "UPDATE core_audithead SET last_hash = %s, seal = %s, key_id = %s WHERE id = 1",
            [head.last_hash, head.seal, head.key_id],
        )
    problems = audit_verify_report().problems
    assert [p.kind for p in problems] == ["checkpoint"]
    assert "链被改写" in problems[0].message


def test_checkpoints_in_the_file_named_the_old_way_are_still_read() -> None:
    """Defect (3): files written before chain ids (named after the database file) still count."""
    events = record(2)
    legacy = legacy_checkpoint_file()
    legacy.parent.mkdir(parents=True, exist_ok=True)
    line = signed_line(
        at=timezone.now().isoformat(), count=5, last_id=events[-1].id, last_hash=events[-1].hash
    )
    legacy.write_text(line + "\n")
    problems = messages()
    assert len(problems) == 1
    assert "审计链比检查点短" in problems[0] and str(legacy) in problems[0]


def test_chain_wiped_and_started_again_is_reported() -> None:
    """Defect (3), the other side of naming by chain: events and head deleted, the platform
    starts a new chain (new id, new file); the old chain's file is still there and reported."""
    record(4)
    audit_checkpoint()
    old_file = checkpoint_file()
    with as_table_owner() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
        cursor.execute("DELETE FROM core_audithead")
    record(1)
    assert checkpoint_file() != old_file
    code, output = verify()
    assert code == 1
    assert "另一条审计链的检查点" in output
    assert "登记已写入 4 条" in output


# --- (4) a deploy check -------------------------------------------------------------------------


def _w001() -> list[str]:
    found = run_checks(include_deployment_checks=True, tags=[Tags.security])
    return [m.msg for m in found if m.id == "core.W001"]


def test_deploy_check_warns_when_checkpoints_sit_in_the_data_dir(
    settings: Any, tmp_path: Path
) -> None:
    """Defect (4): checkpoints inside DATA_DIR with no syslog copy witness nothing; `check
    --deploy` says so (and only --deploy)."""
    settings.DATA_DIR = tmp_path / "data"
    settings.LIANXI_AUDIT_SYSLOG = ""
    settings.LIANXI_AUDIT_CHECKPOINT_DIR = str(tmp_path / "data" / "audit-checkpoints")
    warnings = _w001()
    assert len(warnings) == 1 and "LIANXI_AUDIT_SYSLOG" in warnings[0]
    assert "core.W001" not in [m.id for m in run_checks(tags=[Tags.security])]
    err = StringIO()
    call_command("check", "--deploy", "--fail-level", "CRITICAL", stdout=StringIO(), stderr=err)
    assert "core.W001" in err.getvalue()
    settings.LIANXI_AUDIT_SYSLOG = "/dev/log"
    assert _w001() == []
    settings.LIANXI_AUDIT_SYSLOG = ""
    settings.LIANXI_AUDIT_CHECKPOINT_DIR = str(tmp_path / "witness")
    assert _w001() == []


# --- (5) the archive's files --------------------------------------------------------------------


def _age_all(days: int) -> None:
    """Every event moved back in time and re-signed, with a checkpoint after (as a chain that
    old would have)."""
    prev = "0" * 64
    with as_table_owner() as cursor:
        for event in AuditEvent.objects.order_by("id"):
            event.at -= timedelta(days=days)
            event.prev_hash = prev
            event.hash = compute_hash(event)
            cursor.execute(
                "UPDATE core_auditevent SET at = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [event.at, event.prev_hash, event.hash, event.pk],
            )
            prev = event.hash
        head = AuditHead.objects.get(pk=1)
        head.last_hash = prev
        seal_head(head, current_key())
        cursor.execute(
            "UPDATE core_audithead SET last_hash = %s, seal = %s, key_id = %s WHERE id = 1",
            [prev, head.seal, head.key_id],
        )
    audit_checkpoint(force=True)


def test_archive_file_is_private_whatever_the_umask(tmp_path: Path) -> None:
    """Defect (5): archive files hold names, addresses and the usernames people tried; they
    were 0644 (the umask's), now 0600 like the keys and checkpoints."""
    record(3)
    _age_all(200)
    stale = tmp_path / "archive" / "audit-000000000001-000000000003.tmp"
    stale.parent.mkdir()
    stale.write_text("left by an interrupted run")
    stale.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        result = audit_archive(output_dir=tmp_path / "archive")
    finally:
        os.umask(old_umask)
    assert result is not None and result.count == 3
    assert result.path.stat().st_mode & 0o777 == 0o600
    assert verify_archive(result.path).problems == []
    assert audit_verify_report().ok


def test_archive_streams_the_events_in_batches(tmp_path: Path) -> None:
    """Defect (5): `list(old)` held every expired event in memory; now at most a batch."""
    events = record(60)
    _age_all(200)
    made: list[weakref.ref[AuditEvent]] = []
    most = 0

    def track(sender: Any, instance: AuditEvent, **kwargs: Any) -> None:
        nonlocal most
        made.append(weakref.ref(instance))
        most = max(most, sum(1 for ref in made if ref() is not None))

    gc.collect()
    post_init.connect(track, sender=AuditEvent)
    try:
        result = audit_archive(output_dir=tmp_path, batch_size=10)
    finally:
        post_init.disconnect(track, sender=AuditEvent)
    assert result is not None
    assert (result.from_id, result.to_id, result.count) == (events[0].id, events[-1].id, 60)
    # The verify before it walks in the same batches: two batches at most, never all 60.
    assert most <= 22, f"{most} events in memory at once"
    assert verify_archive(result.path).problems == []
    report = verify_archive(result.path)
    assert "衔接" in report.linked
    assert audit_verify_report().ok
